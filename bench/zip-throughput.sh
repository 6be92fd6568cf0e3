#!/usr/bin/env bash
# ZIP reader throughput (inflate, stored, ZipCrypto, WinZip AES-256, 1.1 GB of zero padding), release build.
# Runs the opt-in harness Tests/ZIPTests/BenchmarkTests.swift, which checks results but never asserts a time.
#   bench/zip-throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ZIP_BENCH=1 swift test -c release --scratch-path .build-bench -Xswiftc -enable-testing \
  --filter ZIPTests.BenchmarkTests 2>&1 | grep -E "^BENCH" | tee bench/out/zip-throughput.txt
