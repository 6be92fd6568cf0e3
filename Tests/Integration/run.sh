#!/usr/bin/env bash
# Integration tests of `emoguard milter` against real MTA tooling: Debian's miltertest, then a throw-away Postfix.
#
#   bash Tests/Integration/run.sh                  # builds .build/debug/emoguard unless EMOGUARD names a binary
#   EMOGUARD=/path/to/emoguard CHAOS_N=500 bash Tests/Integration/run.sh
#
# On a fresh Debian machine (as root) it installs what is missing: postfix ("Local only", not started as the
# system's MTA), swaks, miltertest, python3. Exit status 0 when both suites passed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
T0=$(date +%s)

need=()
command -v postfix >/dev/null || need+=(postfix)
command -v swaks >/dev/null || need+=(swaks)
command -v miltertest >/dev/null || need+=(miltertest)
command -v python3 >/dev/null || need+=(python3)
command -v script >/dev/null || need+=(bsdutils)
if ((${#need[@]})); then
  [ "$(id -u)" -eq 0 ] || { echo "run.sh: missing ${need[*]}, and not root to install them" >&2; exit 2; }
  echo "run.sh: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string emoguard-it.example.test" | debconf-set-selections
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/tmp/emoguard-it-apt.log 2>&1; then
    tail -n 30 /tmp/emoguard-it-apt.log >&2
    echo "run.sh: apt-get install ${need[*]} failed" >&2
    exit 2
  fi
fi
# The tests run their own Postfix instance; a system Postfix that the package may have started is left alone
# (it listens on port 25, the tests on free loopback ports).

if [ -z "${EMOGUARD:-}" ]; then
  echo "run.sh: swift build --product emoguard"
  if ! swift build --product emoguard >/tmp/emoguard-it-build.log 2>&1; then
    grep -E "error:" /tmp/emoguard-it-build.log | head -n 30 >&2
    tail -n 20 /tmp/emoguard-it-build.log >&2
    echo "run.sh: the build failed" >&2
    exit 1
  fi
  EMOGUARD=$(swift build --show-bin-path)/emoguard
fi
[ -x "$EMOGUARD" ] || { echo "run.sh: no emoguard binary at $EMOGUARD" >&2; exit 2; }
export EMOGUARD
"$EMOGUARD" milter --help >/dev/null 2>&1 || { echo "run.sh: $EMOGUARD has no milter subcommand" >&2; exit 1; }

status=0
echo "== miltertest ($(miltertest -V 2>&1 | head -n 1))"
bash "$HERE/miltertest.sh" || status=1
echo "== Postfix"
bash "$HERE/postfix.sh" || status=1

echo "integration tests: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - T0)) s"
exit "$status"
