#!/usr/bin/env bash
# Threat-intelligence benchmark (issue 6): import 1,000,000 rows into a fresh store (target: < 30 s), import them
# again (idempotent: nothing written), and record peak RSS. Feeds are synthetic and deterministic
# (bench/make_intel_feed.py, seed 2023): a URLhaus-format CSV and a mixed plain list (IPs, domains, URLs, SHA-256).
#
#   bench/intel.sh [ROWS=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
mkdir -p bench/out
rows=${1:-1000000}
swift build -c release --scratch-path .build-bench --product emoguard 2>&1 | tail -1
bin="$(swift build -c release --scratch-path .build-bench --show-bin-path)/emoguard"
out=bench/out/intel-${rows}.txt
: > "$out"
for format in urlhaus-csv list; do
    feed=bench/out/intel-${format}-${rows}.txt
    [ -f "$feed" ] || python3 bench/make_intel_feed.py --format "$format" --rows "$rows" --out "$feed"
    db=bench/out/intel-${format}-${rows}.sqlite
    rm -f "$db" "$db-wal" "$db-shm"
    for pass in first again; do
        /usr/bin/time -f "%e s elapsed, %M KB peak RSS" -o bench/out/intel-time.txt \
            "$bin" intel import --quiet --db "$db" --format "$format" --feed "bench-$format" "$feed" \
            > bench/out/intel-import.txt
        line="$format $rows rows, $pass import: $(head -1 bench/out/intel-import.txt | sed 's/^[^:]*: //'); $(cat bench/out/intel-time.txt)"
        echo "$line" | tee -a "$out"
    done
    echo "$format store: $(du -h "$db" | cut -f1)" | tee -a "$out"
done
# Matching overhead (< 5% on the bench/mbox.sh run): the 200 MB mbox with and without the store just built.
bench/mbox.sh --intel "bench/out/intel-urlhaus-csv-${rows}.sqlite" 200 7 | tee -a "$out"
