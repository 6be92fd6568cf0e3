#!/usr/bin/env bash
# Zero-padding benchmark: a ~1 MB ZIP whose entry inflates to 1.1 GB of zeros around a small document.
# Compares emoguard (inflate + strip + inspect) with `unzip -p FILE > /dev/null` (inflate only), and records
# emoguard's peak RSS.
#
#   bench/padding.sh [BEFORE_MB=600] [AFTER_MB=500] [RUNS=3] [DOC]
#   bench/padding.sh 0 500 3 Tests/OfficeMacrosTests/Resources/vba/autoopen-powershell.doc   # Emotet 2023: a .doc
#                                                        with AutoOpen padded to 500 MB at the end, in a ~1 MB ZIP
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v unzip >/dev/null || need+=(unzip)
[ -x /usr/bin/time ] || need+=(time)
if ((${#need[@]})); then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
mkdir -p bench/out
before=${1:-600}; after=${2:-500}; runs=${3:-3}; doc=${4:-}
tag=${doc:+-$(basename "$doc")}
zip=bench/out/padded-${before}-${after}${tag}.zip
[ -f "$zip" ] || python3 bench/make_padded_zip.py --before-mb "$before" --after-mb "$after" --out "$zip" ${doc:+--doc "$doc"}
swift build -c release --product emoguard 2>&1 | tail -1
bin="$(swift build -c release --show-bin-path)/emoguard"
"$bin" scan --json "$zip" | python3 -c 'import json,sys; r=json.load(sys.stdin)["results"][0]; c=r["root"]["children"][0]; print("entry:", c["path"], "size", c["size"], "padding", c.get("paddingBytes"), "findings", [f["id"] for f in r["findings"]])'  || true
e=(); u=(); rss=0
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o bench/out/.t "$bin" scan --json "$zip" >/dev/null || true
  read -r t m < <(tail -n 1 bench/out/.t); e+=("$t"); ((m > rss)) && rss=$m
  /usr/bin/time -f "%e %M" -o bench/out/.t sh -c "unzip -p '$zip' > /dev/null"
  read -r t m < <(tail -n 1 bench/out/.t); u+=("$t")
done
python3 - "$rss" "${e[*]}" "${u[*]}" <<'PY' | tee "bench/out/padding-${before}-${after}${tag}.txt"
import statistics, sys
rss = int(sys.argv[1]); e = [float(x) for x in sys.argv[2].split()]; u = [float(x) for x in sys.argv[3].split()]
print("| tool | median wall (s) | runs | peak RSS (MB) |")
print("|---|---|---|---|")
print(f"| emoguard scan --json | {statistics.median(e):.2f} | {' '.join(map(str, e))} | {rss // 1024} |")
print(f"| unzip -p > /dev/null | {statistics.median(u):.2f} | {' '.join(map(str, u))} | |")
print(f"\nratio (unzip / emoguard): {statistics.median(u) / statistics.median(e):.2f}")
PY
