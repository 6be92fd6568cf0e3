#!/usr/bin/env bash
# Builds the libFuzzer targets and runs one of them.
#   fuzz/run.sh FuzzMIME [seconds]    # run one target (default 600 s) on fuzz/corpus/<target>
#   fuzz/run.sh --build               # build every target only
# Crashing inputs are written to fuzz/crashes/<target>/; copy them into Tests/*/Resources/fuzz-regressions/
# so that the test suite replays them.
set -euo pipefail
cd "$(dirname "$0")"
swift build -c debug --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -g 2>&1 | tail -3
[ "${1:-}" = "--build" ] && exit 0
target=${1:?target}
seconds=${2:-600}
bin=$(swift build -c debug --scratch-path .build-fuzz --show-bin-path)/$target
mkdir -p "corpus-work/$target" "crashes/$target"
seeds=()
[ -d "corpus/$target" ] && seeds+=("corpus/$target")
"$bin" "corpus-work/$target" "${seeds[@]}" -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 \
  -timeout=20 -artifact_prefix="crashes/$target/" -print_final_stats=1 2>&1 | tail -25
