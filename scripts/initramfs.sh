#!/bin/bash
# Assemble the guest's initramfs for one kernel flavour: busybox, guest/,
# bpftool, the selftest runners with their BPF objects, bpf_testmod.ko
# built against that kernel, the demo/bench BPF objects and the fuzzer.
#   scripts/initramfs.sh x86_64|arm64|x86_64-debug|i386
# Output: build/initramfs/<flavour>.cpio
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:?usage: initramfs.sh x86_64|arm64|x86_64-debug|i386}
arch=${flavour%-debug}
tree=$top/build/linux
kobj=$top/build/obj/$flavour
user=$top/build/user/$arch
root=$top/build/initramfs/$flavour
mod=$top/build/user/$flavour-bpf_testmod

# bpf_testmod.ko, against this very kernel (vermagic and split BTF).
kmake=(make -C "$kobj" -s)
[ "$arch" = arm64 ] && kmake+=(ARCH=arm64 LLVM=-22)
[ "$arch" = i386 ] && kmake+=(ARCH=i386)
rm -rf "$mod"
cp -r "$tree/tools/testing/selftests/bpf/bpf_testmod" "$mod"
"${kmake[@]}" M="$mod" modules

case $arch in
x86_64)	busybox=/bin/busybox ;;
arm64)	busybox=$top/build/dl/busybox-arm64/bin/busybox ;;
i386)	busybox=$top/build/dl/i386-sysroot/bin/busybox ;;
esac
[ -x "$busybox" ] || { echo "initramfs: no busybox for $arch ($busybox)" >&2; exit 1; }

rm -rf "$root"
mkdir -p "$root"/{bin,usr/sbin,proc,sys,dev,tmp,selftests,guest,demo,bench}
cp "$busybox" "$root/bin/busybox"
cp "$top/guest/init" "$root/init"
cp "$top"/guest/*.sh "$top/guest/needs-jit.list" "$root/guest/"
cp "$user/bpftool/bpftool" "$user/jitdump" "$root/usr/sbin/"
cp "$user/selftests/test_verifier" "$user/selftests/test_progs" "$mod/bpf_testmod.ko" \
	"$root/selftests/"
cp "$user"/selftests/*.bpf.o "$root/selftests/"
if ls "$user"/demo/*.bpf.o >/dev/null 2>&1; then
	cp "$user"/demo/*.bpf.o "$root/demo/"
fi
if [ -x "$user/fuzz" ]; then
	cp "$user/fuzz" "$root/usr/sbin/"
fi
if [ -x "$user/bench/bench" ]; then
	cp "$user/bench/bench" "$root/usr/sbin/"
	cp "$user"/bench/*.bpf.o "$root/bench/"
fi
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$root.cpio"
echo "initramfs: build/initramfs/$flavour.cpio ($(du -h "$root.cpio" | cut -f1))"
