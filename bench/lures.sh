#!/usr/bin/env bash
# Issue 5's formats corpus run: `emoguard scan --json` over the shortcut, PE, OneNote, RTF, disk image, script,
# HTML and mail-lure fixtures, copied COPIES times, against the Python peers that parse the same formats
# (LnkParse3, pefile, rtfobj from oletools, pyOneNote), installed here into bench/out/.venv-lures. Per format both
# tools run over the same files in the same run, each as one process for the whole set (bench/lures.py).
#
#   bench/lures.sh [COPIES=6] [RUNS=9]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
[ -x /usr/bin/time ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time
venv=bench/out/.venv-lures
pins="LnkParse3==1.6.0 pefile==2024.8.26 oletools==0.60.2 pyOneNote==0.0.2"
if [ "$(cat "$venv/.pins" 2>/dev/null)" != "$pins" ]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q $pins
  echo "$pins" > "$venv/.pins"
fi
swift build -c release --scratch-path .build-bench --product emoguard 2>&1 | tail -1
bin="$(swift build -c release --scratch-path .build-bench --show-bin-path)/emoguard"
python3 bench/lures.py "$bin" "$venv/bin/python" "${1:-6}" "${2:-9}" | tee bench/out/lures.txt
