#!/usr/bin/env bash
# The mbox benchmark of issue 2: emoguard scan --json against the Python email baseline, same file, same run.
#
#   bench/mbox.sh [SIZE_MB=200] [RUNS=5]     # speed: median wall time of RUNS runs of each tool
#   bench/mbox.sh --rss-2g                   # peak RSS of emoguard on a 2 GB mbox (10 x the 200 MB one)
#   bench/mbox.sh --intel DB [SIZE_MB] [RUNS] # threat-intel overhead: emoguard with and without --intel DB
#                                              # (a store built by bench/intel.sh), alternating, same run
#
# Needs python3 (standard library only), zip (Info-ZIP) and GNU time (/usr/bin/time); installs zip and time with
# apt-get when they are missing. Results go to bench/out/mbox-*.txt; copy the figures to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v zip >/dev/null || need+=(zip)
[ -x /usr/bin/time ] || need+=(time)
if ((${#need[@]})); then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
mkdir -p bench/out

swift build -c release --scratch-path .build-bench --product emoguard 2>&1 | tail -1
bin="$(swift build -c release --scratch-path .build-bench --show-bin-path)/emoguard"

measure() { # prints "seconds maxrss_kb"
  /usr/bin/time -f "%e %M" -o bench/out/.time "$@" >/dev/null 2>bench/out/.stderr || true
  tail -n 1 bench/out/.time
}

if [ "${1:-}" = "--rss-2g" ]; then
  src=bench/out/bench-200m.mbox
  [ -f "$src" ] || python3 bench/make_mbox.py --size-mb 200 --out "$src"
  big=bench/out/bench-2g.mbox
  [ -f "$big" ] || for i in $(seq 10); do cat "$src"; done > "$big"
  echo "emoguard scan --json $big ($(du -m "$big" | cut -f1) MB)"
  read -r t rss < <(measure "$bin" scan --json "$big")
  echo "wall ${t}s  peak RSS $((rss / 1024)) MB" | tee bench/out/mbox-rss-2g.txt
  exit 0
fi

if [ "${1:-}" = "--intel" ]; then
  db=${2:?store}; size=${3:-200}; runs=${4:-7}
  mbox=bench/out/bench-${size}m.mbox
  [ -f "$mbox" ] || python3 bench/make_mbox.py --size-mb "$size" --out "$mbox"
  echo "intel store: $db ($(du -h "$db" | cut -f1)); mbox: $mbox; runs: $runs (alternating)"
  "$bin" scan --json --intel "$db" "$mbox" >/dev/null || true   # warm the page cache and the store
  plain=(); intel=(); rss_plain=0; rss_intel=0
  for i in $(seq "$runs"); do
    read -r t rss < <(measure "$bin" scan --json "$mbox"); plain+=("$t"); ((rss > rss_plain)) && rss_plain=$rss
    read -r t rss < <(measure "$bin" scan --json --intel "$db" "$mbox"); intel+=("$t"); ((rss > rss_intel)) && rss_intel=$rss
  done
  python3 - "$rss_plain" "$rss_intel" "${plain[*]}" "${intel[*]}" <<'PY' | tee "bench/out/mbox-intel-${size}m.txt"
import statistics, sys
rp, ri = int(sys.argv[1]), int(sys.argv[2])
p = [float(x) for x in sys.argv[3].split()]; i = [float(x) for x in sys.argv[4].split()]
mp, mi = statistics.median(p), statistics.median(i)
print("| run | median wall (s) | runs | peak RSS (MB) |")
print("|---|---|---|---|")
print(f"| emoguard scan --json | {mp:.2f} | {' '.join(map(str, p))} | {rp // 1024} |")
print(f"| emoguard scan --json --intel | {mi:.2f} | {' '.join(map(str, i))} | {ri // 1024} |")
print(f"\noverhead of matching: {(mi / mp - 1) * 100:+.1f}%")
PY
  exit 0
fi

size=${1:-200}
runs=${2:-5}
mbox=bench/out/bench-${size}m.mbox
[ -f "$mbox" ] || python3 bench/make_mbox.py --size-mb "$size" --out "$mbox"
echo "mbox: $mbox ($(du -m "$mbox" | cut -f1) MB); python: $(python3 --version); runs: $runs"
python3 bench/python_baseline.py "$mbox"
"$bin" scan --json "$mbox" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("emoguard:", d["summary"])'  || true

e_times=(); p_times=(); e_rss=0; p_rss=0
for i in $(seq "$runs"); do
  read -r t rss < <(measure "$bin" scan --json "$mbox"); e_times+=("$t"); ((rss > e_rss)) && e_rss=$rss
  read -r t rss < <(measure python3 bench/python_baseline.py "$mbox"); p_times+=("$t"); ((rss > p_rss)) && p_rss=$rss
done
python3 - "$size" "$e_rss" "$p_rss" "${e_times[*]}" "${p_times[*]}" <<'PY' | tee "bench/out/mbox-${size}m.txt"
import statistics, sys
size, e_rss, p_rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
e = [float(x) for x in sys.argv[4].split()]; p = [float(x) for x in sys.argv[5].split()]
me, mp = statistics.median(e), statistics.median(p)
print(f"| tool | median wall (s) | runs | peak RSS (MB) | throughput (MB/s) |")
print(f"|---|---|---|---|---|")
print(f"| emoguard scan --json | {me:.2f} | {' '.join(map(str, e))} | {e_rss // 1024} | {int(size) / me:.0f} |")
print(f"| Python email (policy=default) + sha256 | {mp:.2f} | {' '.join(map(str, p))} | {p_rss // 1024} | {int(size) / mp:.1f} |")
print(f"\nratio: emoguard is {mp / me:.1f}x faster")
PY
