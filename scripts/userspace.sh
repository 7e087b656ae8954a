#!/bin/bash
# Build what runs in the guest for one architecture, from build/linux:
# static bpftool, test_verifier and test_progs (with the prog_tests of
# guest/prog_tests.list and the BPF objects they need), all against the
# BTF of the x86_64, arm64 or i386 test kernel.
#   scripts/userspace.sh x86_64|arm64|i386
# Output: build/user/<arch>/
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:?usage: userspace.sh x86_64|arm64|i386}
tree=$top/build/linux
kobj=$top/build/obj/$arch
out=$top/build/user/$arch
st=$tree/tools/testing/selftests/bpf

[ -f "$kobj/vmlinux" ] || { echo "userspace: build the $arch kernel first" >&2; exit 1; }

# -static goes in LDLIBS, not LDFLAGS: LDFLAGS would reach libbpf.so too.
static_libs="-static -lelf -lz -lzstd -lrt -lpthread"
selftests_flags=()
case $arch in
x86_64)	cross=(); cc=gcc ;;
arm64)	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-); cc=aarch64-linux-gnu-gcc ;;
i386)
	# The libraries come from build/dl/i386-sysroot (scripts/deps.sh); the
	# selftests' SAN_* flags are the ones that reach libbpf as well, and
	# LDFLAGS its shared library.
	sysroot=$top/build/dl/i386-sysroot
	sys_cflags="-I$sysroot/usr/include"
	sys_ldflags="-L$sysroot/usr/lib/i386-linux-gnu"
	# The selftests' helpers cast pointers to __u64 in places, which
	# 32-bit gcc warns about: warnings there, not errors.
	cross=(ARCH=i386 CROSS_COMPILE=i686-linux-gnu-)
	selftests_flags=(SAN_CFLAGS="$sys_cflags -Wno-error" SAN_LDFLAGS="$sys_ldflags"
			 LDFLAGS="$sys_ldflags")
	cc="i686-linux-gnu-gcc $sys_cflags"
	static_libs="$sys_ldflags $static_libs"
	;;
*)	echo "userspace: unknown arch '$arch'" >&2; exit 1 ;;
esac

# BPF objects are built by clang-22; the JIT disassembler of test_progs and
# bpftool is left out (no LLVM for the guest): jited images are dumped raw
# and disassembled on the host.
llvm=(CLANG=clang-22 LLC=llc-22 LLVM_STRIP=llvm-strip-22 LLVM_OBJCOPY=llvm-objcopy-22
      feature-llvm=0)

# The subset of selftests: two directories of links at the depth of
# progs/ and prog_tests/, so that their relative includes still resolve.
vm_tests=vm_prog_tests
vm_progs=vm_progs
grep -qx "/tools/testing/selftests/bpf/$vm_tests/" "$tree/.git/info/exclude" 2>/dev/null ||
	printf '/tools/testing/selftests/bpf/%s/\n' "$vm_tests" "$vm_progs" >> "$tree/.git/info/exclude"
rm -rf "${st:?}/$vm_tests" "${st:?}/$vm_progs"
# make check goes back and forth over the series: the dependency files of
# the test objects may name headers that this prefix does not have yet.
if [ "${USERSPACE_PREFIX:-0}" = 1 ]; then
	rm -f "$out"/selftests/*.test.o "$out"/selftests/*.test.d
fi
mkdir -p "$st/$vm_tests" "$st/$vm_progs"
for h in "$st"/progs/*.h; do ln -s "../progs/${h##*/}" "$st/$vm_progs/"; done
needed=(btf_data)
while read -r t; do
	case $t in ''|'#'*) continue ;; esac
	src=$st/prog_tests/$t.c
	if [ ! -f "$src" ]; then
		# make check builds prefixes of the series: a test the series adds
		# later is not there yet.
		if [ "${USERSPACE_PREFIX:-0}" = 1 ]; then
			echo "userspace: prog_tests/$t.c not in this prefix of the series, left out"
			continue
		fi
		echo "userspace: guest/prog_tests.list: no prog_tests/$t.c" >&2
		exit 1
	fi
	ln -s "../prog_tests/$t.c" "$st/$vm_tests/"
	mapfile -t -O ${#needed[@]} needed < <(grep -ohE '"[A-Za-z0-9_]+\.(l?skel\.h|bpf\.o)"' "$src" |
		sed -E 's/"([A-Za-z0-9_]+)(_lskel)?\.(l?skel\.h|bpf\.o)"/\1/' | sort -u)
done < "$top/guest/prog_tests.list"
for p in $(printf '%s\n' "${needed[@]}" | sort -u); do
	[ -f "$st/progs/$p.c" ] || { echo "userspace: no progs/$p.c" >&2; exit 1; }
	ln -sf "../progs/$p.c" "$st/$vm_progs/"
done

# test_progs.c includes <prog_tests/tests.h>: make the subset's header the
# one found (through -I$(OUTPUT)), and no stale one in the source tree.
rm -f "$st/prog_tests/tests.h"
mkdir -p "$out/selftests/prog_tests" "$out/bpftool"
ln -sf "$st/$vm_tests/tests.h" "$out/selftests/prog_tests/tests.h"
make -C "$st" -j"$(nproc)" -s "${cross[@]}" "${selftests_flags[@]}" "${llvm[@]}" \
	OUTPUT="$out/selftests" VMLINUX_BTF="$kobj/vmlinux" \
	TRUNNER_TESTS_DIR=$vm_tests TRUNNER_BPF_PROGS_DIR=$vm_progs \
	TRUNNER_EXTRA_FILES= LSKELS= LSKELS_EXTRA= LINKED_SKELS= \
	LDLIBS="$static_libs" \
	"$out/selftests/test_verifier" "$out/selftests/test_progs" 2>&1 |
	# test_maps shares OUTPUT and so the overridden test directory
	{ grep -v -e 'warning: overriding recipe for target' \
		  -e 'warning: ignoring old recipe for target' || true; }

make -C "$tree/tools/bpf/bpftool" -j"$(nproc)" -s "${cross[@]}" "${llvm[@]}" \
	OUTPUT="$out/bpftool/" EXTRA_CFLAGS="${sys_cflags:-}" \
	EXTRA_LDFLAGS="-static ${sys_ldflags:-}"
# make check builds prefixes of the series: our own guest programs below
# are written for the whole series (its UAPI, gotox and callx).
if [ "${USERSPACE_PREFIX:-0}" = 1 ]; then
	echo "userspace: $arch selftests and bpftool built for a prefix of the series"
	exit 0
fi
# Our own guest programs: jitdump (C, static, on the selftests' libbpf),
# the fuzzer, the demo BPF objects (clang-22) and the bench (bench/Makefile).
inc=$out/selftests/tools/include
$cc -O2 -Wall -I"$inc" -o "$out/jitdump" "$top/guest/jitdump.c" \
	"$out/selftests/tools/build/libbpf/libbpf.a" $static_libs
# The fuzzer of 'make fuzz': raw bpf() calls, the tree's UAPI headers.
$cc -O2 -Wall -static -I"$tree/tools/include/uapi" -o "$out/fuzz" "$top"/guest/fuzz/*.c
mkdir -p "$out/demo"
for src in "$top"/guest/demo/*.bpf.c; do
	clang-22 --target=bpf -O2 -mcpu=v4 -g -I"$inc" -I"$tree/tools/include/uapi" \
		-c "$src" -o "$out/demo/$(basename "$src" .c).o"
done
make -C "$top/bench" -s O="$out/bench" CC="$cc" INC="$inc" UAPI="$tree/tools/include/uapi" \
	LIBBPF="$out/selftests/tools/build/libbpf/libbpf.a" LDLIBS="$static_libs"
echo "userspace: $arch built in build/user/$arch"
