#!/usr/bin/env bash
# Office benchmark of issue 3: `emoguard scan --json` over the whole oletools corpus against olevba 0.60.2.
#
#   bench/olevba.sh [RUNS=3]
#
# olevba aborts a batch at the first file it cannot decrypt, so it is measured two ways, in the same run:
#   per file   - one olevba process per file (what a mail gate calling olevba does), summed;
#   batch      - one olevba process over every file it can finish (the encrypted ones left out).
# The corpus's password-protected .zip files are given to emoguard as they are (it opens them with
# --password infected-test); olevba gets their extracted members. olevba is installed into bench/.venv-olevba.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
corpus=Tests/Corpus/oletools
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
[ -x bench/.venv-olevba/bin/olevba ] || { python3 -m venv bench/.venv-olevba && bench/.venv-olevba/bin/pip install -q oletools==0.60.2; }
mkdir -p bench/out
swift build -c release --product emoguard 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/emoguard"

# Extract the zip members for olevba.
work=bench/out/olevba-corpus
rm -rf "$work"; mkdir -p "$work"
(cd "$corpus" && find . -type f ! -name LICENSE.md) | while read -r f; do
  if [[ "$f" == *.zip ]]; then unzip -q -o -P infected-test "$corpus/$f" -d "$work/$(dirname "$f")"
  else mkdir -p "$work/$(dirname "$f")"; cp "$corpus/$f" "$work/$f"; fi
done
files=$(find "$work" -type f | sort)
nfiles=$(echo "$files" | wc -l)
batchable=$(echo "$files" | grep -v '/encrypted/' | grep -v 'encrypted\.docx$')

t() { /usr/bin/time -f "%e %M" -o bench/out/.t "$@" >/dev/null 2>&1 || true; tail -n 1 bench/out/.t; }
e=(); pf=(); pb=(); erss=0
for i in $(seq "$runs"); do
  read -r s m < <(t "$bin" scan --json --password infected-test "$corpus"); e+=("$s"); ((m > erss)) && erss=$m
  start=$(date +%s.%N)
  for f in $files; do bench/.venv-olevba/bin/olevba --json "$f" >/dev/null 2>&1 || true; done
  pf+=("$(python3 -c "import time; print(round(time.time() - $start, 2))")")
  read -r s m < <(t bench/.venv-olevba/bin/olevba --json $batchable); pb+=("$s")
done
python3 - "$nfiles" "$(echo "$batchable" | wc -l)" "$erss" "${e[*]}" "${pf[*]}" "${pb[*]}" <<'PY' | tee bench/out/olevba.txt
import statistics, sys
n, nb, rss = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
e, pf, pb = ([float(x) for x in a.split()] for a in sys.argv[4:7])
me, mf, mb = statistics.median(e), statistics.median(pf), statistics.median(pb)
print(f"| run | files | median wall (s) | runs (s) |")
print(f"|---|---|---|---|")
print(f"| emoguard scan --json (whole corpus, zips opened) | {n} | {me:.2f} | {' '.join(map(str, e))} |")
print(f"| olevba --json, one process per file | {n} | {mf:.2f} | {' '.join(map(str, pf))} |")
print(f"| olevba --json, one batch (encrypted files left out) | {nb} | {mb:.2f} | {' '.join(map(str, pb))} |")
print(f"\nemoguard peak RSS {rss // 1024} MB; ratio per file: {mf / me:.1f}x; ratio to the batch: {mb / me:.1f}x")
PY
