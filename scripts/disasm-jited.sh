#!/bin/bash
# Disassemble the '@@ jited func' hex blocks that guest/jitdump printed into
# a console log, with binutils for the guest's architecture.
#   scripts/disasm-jited.sh x86_64|arm64 < LOG
set -euo pipefail

case ${1:?usage: disasm-jited.sh x86_64|arm64} in
x86_64)	objdump=(objdump -M att -m i386:x86-64) ;;
arm64)	objdump=(aarch64-linux-gnu-objdump -m aarch64) ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

awk -v dir="$tmp" '
	/^@@ jited func / { n++; f = sprintf("%s/%03d", dir, n); print $4, $5, $6 > (f ".hdr"); next }
	f && /^[0-9a-f][0-9a-f]( [0-9a-f][0-9a-f])*$/ { print > (f ".hex"); next }
	{ f = "" }
' 
for hdr in "$tmp"/*.hdr; do
	[ -e "$hdr" ] || break
	read -r idx addr len < "$hdr"
	echo "func $idx at $addr, $len bytes:"
	xxd -r -p "${hdr%.hdr}.hex" > "${hdr%.hdr}.bin"
	"${objdump[@]}" -D -b binary --adjust-vma="$addr" "${hdr%.hdr}.bin" |
		sed -n 's/^ *\([0-9a-f]*\):\t\(.*\)$/  \1:\t\2/p'
done
