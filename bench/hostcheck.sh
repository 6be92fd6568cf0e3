#!/usr/bin/env bash
# A whole `emoguard check` of a triage collection with 10,000 files under %LOCALAPPDATA% (issue 4's speed target:
# under a second, release build). Prints the median wall time and the peak RSS of the runs, with the command.
#
#   bench/hostcheck.sh [FILES] [RUNS]      # defaults: 10000 files, 5 runs
#   EMOGUARD=/path/to/emoguard bench/hostcheck.sh   # use a binary built elsewhere
#
# The collection (bench/out/hostcheck-FILES/) is the v4 collection of scripts/make-hostcheck-fixtures.py (the real
# NTUSER.DAT with a rundll32 Run value, SYSTEM with a rundll32 service, SOFTWARE, $Boot) plus FILES files in
# FILES/10 folders under %LOCALAPPDATA%: half the folders named with letters only (EmoCheck v4's folder pattern),
# file names of v4's pattern, a third of the files starting with MZ, timestamps spread over a year.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${1:-10000}
RUNS=${2:-5}
OUT=bench/out/hostcheck-$FILES

[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
if [ -z "${EMOGUARD:-}" ]; then
    swift build -c release --scratch-path .build-bench --product emoguard >&2
    EMOGUARD="$(swift build -c release --scratch-path .build-bench --show-bin-path)/emoguard"
fi

if [ ! -d "$OUT" ]; then
    mkdir -p bench/out
    python3 scripts/make-hostcheck-fixtures.py --materialize v4 "$OUT"
    python3 - "$OUT/C/Users/alice/AppData/Local" "$FILES" <<'PY'
import os, random, sys
root, files = sys.argv[1], int(sys.argv[2])
rng = random.Random(2020)
letters = "abcdefghijklmnopqrstuvwxyz"
pe = b"MZ" + bytes(510)
t0 = 1_600_000_000
for d in range(max(1, files // 10)):
    if d % 2:
        name = "".join(rng.choice(letters) for _ in range(rng.randint(4, 12))).capitalize()
    else:
        name = f"Vendor{d:04d}"
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    for f in range(10):
        fname = "".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) + "." + "".join(rng.choice(letters) for _ in range(3))
        path = os.path.join(folder, fname)
        with open(path, "wb") as h:
            h.write(pe if (d * 10 + f) % 3 == 0 else b"data " * 20)
        t = t0 + rng.randint(0, 365 * 86400)
        os.utime(path, (t, t))
    t = t0 + rng.randint(0, 365 * 86400)
    os.utime(folder, (t, t))
PY
fi

count=$(find "$OUT/C/Users/alice/AppData/Local" -type f | wc -l)
cmd=("$EMOGUARD" check "$OUT" --json)
echo "collection: $OUT ($count files under %LOCALAPPDATA%)"
echo "command:    ${cmd[*]}"
"${cmd[@]}" > /dev/null || true   # warm the page cache
walls=()
peak=0
for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o bench/out/hostcheck-time.txt "${cmd[@]}" > bench/out/hostcheck-report.json || true
    # exit 1 (Emotet found) makes GNU time write "Command exited with non-zero status 1" first: the last line.
    read -r wall rss < <(tail -n 1 bench/out/hostcheck-time.txt)
    walls+=("$wall")
    if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
detections=$(python3 -c "import json;print(len(json.load(open('bench/out/hostcheck-report.json'))['detections']))")
echo "runs:       ${walls[*]} s"
echo "result:     median wall ${median} s, peak RSS $((peak / 1024)) MB, ${detections} detections (the v4 Run value and service)"
