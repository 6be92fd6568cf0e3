#!/usr/bin/env bash
# Runs every Tests/Integration/miltertest/*.lua (except lib.lua) against `emoguard milter`.
#
# Each script starts with "--!" lines: the `milter:` section of the configuration it needs. For each script this
# starts `emoguard milter` on a free loopback port with that configuration, waits until it listens, runs the script
# with Debian's miltertest ("--% unix": on a Unix socket), checks the "--@" patterns against the milter's log, stops the milter with SIGTERM and
# prints PASS or FAIL. Exit status: 0 when every script passed.
#
#   EMOGUARD=/path/to/emoguard bash Tests/Integration/miltertest.sh [NAME...]     # default: .build/debug/emoguard
#   KEEP=1 keeps the temporary folder (configurations, milter logs).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EMOGUARD=${EMOGUARD:-$ROOT/.build/debug/emoguard}
SCRIPTS=$HERE/miltertest

[ -x "$EMOGUARD" ] || { echo "miltertest.sh: no emoguard binary at $EMOGUARD" >&2; exit 2; }
command -v miltertest >/dev/null || { echo "miltertest.sh: miltertest is not installed (apt-get install miltertest)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "miltertest.sh: python3 is missing" >&2; exit 2; }

WORK=$(mktemp -d /tmp/emoguard-miltertest.XXXXXX)
# miltertest exits 1 without a word when a script raises an error: run each script inside a pcall that prints it.
cat >"$WORK/wrap.lua" <<'LUA'
local ok, err = pcall(dofile, SCRIPT)
if not ok then
  mt.echo(tostring(err))
  error(err)
end
LUA
MILTER_PID=
cleanup() {
  if [ -n "$MILTER_PID" ]; then kill -KILL "$MILTER_PID" 2>/dev/null; wait "$MILTER_PID" 2>/dev/null; fi
  if [ -n "${KEEP:-}" ]; then echo "miltertest.sh: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_milter CONFIG LOG [SOCKET]: starts the milter in the background (by default on a free loopback port), sets
# MILTER_PID and SOCKET; 1 when it does not come up within 30 s.
start_milter() {
  local config=$1 log=$2 i before
  SOCKET=${3:-inet:$(free_port)@127.0.0.1}
  mkdir -p "$WORK/spool"
  before=$(grep -c "listening on" "$log" 2>/dev/null)
  "$EMOGUARD" milter --listen "$SOCKET" --config "$config" --spool-dir "$WORK/spool" --log-level debug \
    >>"$log" 2>&1 &
  MILTER_PID=$!
  for ((i = 0; i < 300; i++)); do
    if [ "$(grep -c "listening on" "$log" 2>/dev/null)" -gt "$before" ] && listening "$SOCKET"; then
      return 0
    fi
    kill -0 "$MILTER_PID" 2>/dev/null || { wait "$MILTER_PID"; echo "  milter exited with status $? before listening" >>"$log"; MILTER_PID=; return 1; }
    sleep 0.1
  done
  echo "  milter not listening on $SOCKET after 30 s" >>"$log"
  return 1
}

# listening SOCKET: can we connect (inet:PORT@HOST or unix:PATH)?
listening() {
  case $1 in
    inet:*) local p=${1#inet:}; (exec 3<>"/dev/tcp/${p#*@}/${p%@*}") 2>/dev/null ;;
    unix:*) python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])' "${1#unix:}" 2>/dev/null ;;
    *) return 1 ;;
  esac
}

# stop_milter LOG: SIGTERM, then SIGKILL after 10 s; 1 when it had to be killed.
stop_milter() {
  local log=$1 i status
  [ -n "$MILTER_PID" ] || return 0
  kill -TERM "$MILTER_PID" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 "$MILTER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$MILTER_PID" 2>/dev/null; then
    kill -KILL "$MILTER_PID" 2>/dev/null
    wait "$MILTER_PID" 2>/dev/null
    echo "  milter still running 10 s after SIGTERM; killed" >>"$log"
    MILTER_PID=
    return 1
  fi
  wait "$MILTER_PID"
  status=$?
  MILTER_PID=
  if [ "$status" -ne 0 ]; then
    echo "  milter exited with status $status after SIGTERM" >>"$log"
    return 1
  fi
  return 0
}

if (($# > 0)); then
  names=("$@")
else
  names=()
  for f in "$SCRIPTS"/*.lua; do
    n=$(basename "$f" .lua)
    [ "$n" = lib ] || names+=("$n")
  done
fi

passed=0
failed=0
failures=()
for name in "${names[@]}"; do
  script=$SCRIPTS/$name.lua
  [ -f "$script" ] || { echo "FAIL $name: no $script"; failed=$((failed + 1)); failures+=("$name"); continue; }
  config=$WORK/$name.yaml
  log=$WORK/$name.milter.log
  out=$WORK/$name.out
  { echo "milter:"; sed -n 's/^--! \{0,1\}/  /p' "$script"; } >"$config"
  : >"$log"
  start=$(date +%s.%N)
  ok=1
  why=
  # "--% unix": listen on a Unix socket, and leave a stale socket file first (a milter killed with SIGKILL), which
  # the next start must cope with.
  socket=
  if grep -q '^--% unix' "$script"; then
    socket=unix:$WORK/$name.sock
    if start_milter "$config" "$log" "$socket"; then
      kill -KILL "$MILTER_PID"; wait "$MILTER_PID" 2>/dev/null; MILTER_PID=
      echo "  (killed with SIGKILL; socket file left: $([ -S "${socket#unix:}" ] && echo yes || echo no))" >>"$log"
    fi
  fi
  if ! start_milter "$config" "$log" $socket; then
    ok=0
    why="the milter did not start${socket:+ on $socket}"
  else
    if ! miltertest -D "SOCKET=$SOCKET" -D "EXAMPLES=$ROOT/Examples" -D "LIB=$SCRIPTS/lib.lua" \
        -D "SCRIPT=$script" -s "$WORK/wrap.lua" >"$out" 2>&1; then
      ok=0
      why="miltertest failed"
    fi
    # Give the milter a moment to write its per-message log lines, then check the script's "--@" patterns.
    sleep 0.2
    while IFS= read -r pattern; do
      [ -n "$pattern" ] || continue
      if ! grep -Eq -- "$pattern" "$log"; then
        ok=0
        why="${why:+$why; }milter log has no line matching /$pattern/"
      fi
    done < <(sed -n 's/^--@ \{0,1\}//p' "$script")
    if ! stop_milter "$log"; then
      ok=0
      why="${why:+$why; }no clean shutdown on SIGTERM"
    fi
    left=$(find "$WORK/spool" -type f | wc -l)
    if [ "$left" -ne 0 ]; then
      ok=0
      why="${why:+$why; }$left file(s) left in --spool-dir after the milter stopped"
      find "$WORK/spool" -type f -exec rm -f {} +
    fi
  fi
  secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if ((ok)); then
    echo "PASS $name (${secs} s): $(tail -n 1 "$out" 2>/dev/null)"
    passed=$((passed + 1))
  else
    echo "FAIL $name (${secs} s): $why"
    echo "  --- config"; sed 's/^/  /' "$config"
    echo "  --- miltertest output"; sed 's/^/  /' "$out" 2>/dev/null | tail -n 40
    echo "  --- milter log (last 40 lines)"; tail -n 40 "$log" | sed 's/^/  /'
    failed=$((failed + 1))
    failures+=("$name")
  fi
done

echo "miltertest: $passed passed, $failed failed${failures[*]:+ (${failures[*]})}"
((failed == 0))
