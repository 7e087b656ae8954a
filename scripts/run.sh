#!/bin/bash
# 'make run': boot the test kernel of one architecture, run guest/demo.sh
# and show what it printed, with the jited images disassembled.
#   scripts/run.sh x86_64|arm64
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: run.sh x86_64|arm64}
log=$top/build/results/$arch-demo.log
mkdir -p "$top/build/results"

echo "run: booting the $arch kernel (QEMU TCG), JIT on"
set +e
"$top/scripts/vm.sh" --timeout 600 --log "$log" "$arch" demo jit >/dev/null
st=$?
set -e
grep '^@@ guest \|^@@ spectre_v2' "$log" | sed 's/^@@ /run: /'
sed -n 's/^demo: \{0,1\}//p' "$log"
"$top/scripts/disasm-jited.sh" "$arch" < "$log" | sed 's/^/  /'
if [ "$st" != 0 ]; then
	echo "run: the demo failed (exit status $st); console log: build/results/$arch-demo.log" >&2
	exit 1
fi
