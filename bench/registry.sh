#!/usr/bin/env bash
# Registry reader speed: every key and every value (data decoded) of SYSTEM_WIN_10_1709 (15.5 MB) and SYSTEM
# (11.8 MB), Emoguard against regipy 6.5 (Python API, recurse_subkeys with values), in the same run.
#
#   bench/registry.sh
#
# Emoguard runs in the opt-in release harness Tests/RegistryTests/BenchmarkTests.swift (REGISTRY_BENCH=1): parse +
# walk of the hive already in memory, best of REGISTRY_BENCH_RUNS (default 5), one process per hive, peak RSS from
# VmHWM in /proc/self/status (the test harness's own RSS before the hive is loaded is printed beside it). regipy
# runs once per hive in its own process, timed with GNU time (wall seconds, peak RSS). Results go to
# bench/out/registry.txt. The harness is built in release in a temporary package that holds only ByteCursor,
# Charsets, Registry, CLZMA and the Registry tests (symlinked), so that it neither waits for the whole package
# (swift-crypto) nor depends on other targets being buildable.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
hives=(SYSTEM_WIN_10_1709 SYSTEM)
mkdir -p bench/out
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
[ -x bench/.venv-regipy/bin/python ] || {
  python3 -m venv bench/.venv-regipy && bench/.venv-regipy/bin/pip install -q "regipy[cli]==6.5.0"
}
for h in "${hives[@]}"; do xz -dc "Tests/Corpus/regipy-hives/$h.xz" > "bench/out/$h"; done

# Emoguard.
pkg=$(mktemp -d /tmp/emoguard-registry-bench.XXXXXX)
trap 'rm -rf "$pkg"' EXIT
{
  mkdir -p "$pkg/Sources" "$pkg/Tests"
  for d in ByteCursor Charsets Registry CLZMA; do ln -s "$root/Sources/$d" "$pkg/Sources/$d"; done
  ln -s "$root/Tests/RegistryTests" "$pkg/Tests/RegistryTests"
  cat > "$pkg/Package.swift" <<'SWIFT'
// swift-tools-version: 6.0
import PackageDescription
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
let package = Package(
    name: "RegistryBench",
    targets: [
        .target(name: "ByteCursor", swiftSettings: strict),
        .target(name: "Charsets", dependencies: ["ByteCursor"], swiftSettings: strict),
        .target(name: "Registry", dependencies: ["ByteCursor", "Charsets"], swiftSettings: strict),
        .systemLibrary(name: "CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .testTarget(
            name: "RegistryTests", dependencies: ["Registry", "ByteCursor", "CLZMA"], resources: [.copy("Resources")],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
SWIFT
}
(cd "$pkg" && swift build -c release --scratch-path "$root/.build-bench-registry" -Xswiftc -enable-testing \
  --build-tests 2>&1 | tail -1)
: > bench/out/registry-emoguard.txt
for h in "${hives[@]}"; do  # one process per hive, so that the peak RSS is that hive's
  (cd "$pkg" && REGISTRY_BENCH=1 REGISTRY_BENCH_HIVE=$h REGISTRY_BENCH_DIR="$root/bench/out" swift test -c release \
    --scratch-path "$root/.build-bench-registry" -Xswiftc -enable-testing --skip-build \
    --filter RegistryTests.BenchmarkTests 2>&1) | grep -E "^BENCH" >> bench/out/registry-emoguard.txt
done
cat bench/out/registry-emoguard.txt

# regipy, and the ratio.
for h in "${hives[@]}"; do
  /usr/bin/time -f "%e %M" -o bench/out/.t bench/.venv-regipy/bin/python bench/registry_regipy.py "bench/out/$h" \
    2>/dev/null | tee "bench/out/registry-regipy-$h.txt"
  read -r rs rm < <(tail -n 1 bench/out/.t)
  es=$(grep "registry $h:" bench/out/registry-emoguard.txt | sed -E 's/.* ([0-9.]+) s, .*/\1/')
  erss=$(grep "registry $h:" bench/out/registry-emoguard.txt | sed -E 's/.*peak RSS ([0-9]+) KiB.*/\1/')
  base=$(grep "registry $h:" bench/out/registry-emoguard.txt | sed -E 's/.*loading the hive: ([0-9]+) KiB.*/\1/')
  python3 -c "print('RATIO $h: regipy %.2f s (peak RSS %d KiB), emoguard %.4f s (peak RSS %d KiB, %d KiB of it the test harness): %.0fx faster' % ($rs, $rm, $es, $erss, $base, $rs / $es))"
done | tee bench/out/registry.txt
