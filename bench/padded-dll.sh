#!/usr/bin/env bash
# Padded DLL benchmark (issue 5): a ZIP holding invoice.dll, a small valid PE DLL followed by MB MiB of zeros,
# deflated to well under 1 MB (Emotet's March 2023 trick). Compares emoguard (inflate + strip + PE parse + report)
# with `unzip -p FILE > /dev/null` (inflate only), in the same run, and records emoguard's peak RSS. The report is
# checked first: the DLL node is a PE, `pe.padded` gives the real size, `content.zero-padding` is there.
#
#   bench/padded-dll.sh [MB=600] [RUNS=5]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v unzip >/dev/null || need+=(unzip)
[ -x /usr/bin/time ] || need+=(time)
if ((${#need[@]})); then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"; fi
mkdir -p bench/out
mb=${1:-600}; runs=${2:-5}
dll=Tests/PETests/Resources/fixtures/tiny.dll
zip=bench/out/padded-dll-${mb}.zip
[ -f "$zip" ] || python3 bench/make_padded_zip.py --before-mb 0 --after-mb "$mb" --name invoice.dll --doc "$dll" --out "$zip"
swift build -c release --scratch-path .build-bench --product emoguard 2>&1 | tail -1
bin="$(swift build -c release --scratch-path .build-bench --show-bin-path)/emoguard"
out=bench/out/padded-dll-${mb}.txt
# emoguard exits 1 for a malicious verdict; the report is what matters here.
"$bin" scan --json "$zip" > bench/out/padded-dll-${mb}.json || true
python3 - bench/out/padded-dll-${mb}.json "$mb" <<'PY' | tee "$out"
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
mb = int(sys.argv[2])
node = next(c for c in r["root"]["children"] if c["name"] == "invoice.dll")
ids = {f["id"]: f for f in r["findings"]}
padded = ids.get("pe.padded")
checks = {
    "type is application/vnd.microsoft.portable-executable": node["type"] == "application/vnd.microsoft.portable-executable",
    "pe.padded with the real size": padded is not None and padded["evidence"].get("detail") == f"real size {node['size']} bytes",
    "content.zero-padding": "content.zero-padding" in ids,
    "originalSize is the whole entry": node.get("originalSize") == mb * 2**20 + 2048,
    "pe.kind is DLL": node.get("properties", {}).get("pe.kind") == "DLL",
}
print(f"invoice.dll: type {node['type']}, size {node['size']} (real), originalSize {node.get('originalSize')}, "
      f"paddingBytes {node.get('paddingBytes')}, verdict {r['verdict']}")
print("findings:", ", ".join(f"{f['id']} ({f['evidence'].get('detail', '')})" if f['id'] == 'pe.padded' else f["id"]
                             for f in r["findings"]))
for k, ok in checks.items():
    print(("ok   " if ok else "FAIL ") + k)
sys.exit(0 if all(checks.values()) else 1)
PY
e=(); u=(); rss=0
for i in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o bench/out/.t "$bin" scan --json "$zip" >/dev/null || true
  read -r t m < <(tail -n 1 bench/out/.t); e+=("$t"); ((m > rss)) && rss=$m
  /usr/bin/time -f "%e %M" -o bench/out/.t sh -c "unzip -p '$zip' > /dev/null"
  read -r t m < <(tail -n 1 bench/out/.t); u+=("$t")
done
python3 - "$rss" "${e[*]}" "${u[*]}" "$zip" <<'PY' | tee -a "$out"
import os, statistics, sys
rss = int(sys.argv[1]); e = [float(x) for x in sys.argv[2].split()]; u = [float(x) for x in sys.argv[3].split()]
me, mu = statistics.median(e), statistics.median(u)
print(f"\n{sys.argv[4]}: {os.path.getsize(sys.argv[4]):,} bytes; load average {os.getloadavg()[0]:.2f}\n")
print("| tool | median wall (s) | runs (s) | peak RSS (MB) |")
print("|---|---|---|---|")
print(f"| `emoguard scan --json` | {me:.2f} | {' '.join(map(str, e))} | {rss // 1024} |")
print(f"| `unzip -p FILE > /dev/null` | {mu:.2f} | {' '.join(map(str, u))} | |")
print(f"\nratio (unzip / emoguard): {mu / me:.2f}")
print(f"target peak RSS < 100 MB: {'met' if rss < 100 * 1024 else 'NOT met'} ({rss // 1024} MB)")
print(f"target at least as fast as unzip -p: {'met' if me <= mu else 'NOT met'}")
PY
