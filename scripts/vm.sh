#!/bin/bash
# Boot a test kernel with an initramfs under QEMU and run one guest job.
#   scripts/vm.sh [--icount] [--timeout SECONDS] [--log FILE] [--append ARGS] \
#                 FLAVOUR JOB MODE
# FLAVOUR x86_64|arm64|x86_64-debug|i386, JOB a guest/JOB.sh (test, demo, bench, fuzz), MODE jit|interp.
# The console goes to stdout (and FILE). Exit status: the guest job's own,
# 124 on timeout, 125 when the guest stopped without a verdict.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
icount=0 timeout=1800 log= extra=
while [ $# -gt 0 ]; do
	case $1 in
	--icount)	icount=1; shift ;;
	--timeout)	timeout=$2; shift 2 ;;
	--log)		log=$2; shift 2 ;;
	--append)	extra=$2; shift 2 ;;
	*)		break ;;
	esac
done
flavour=${1:?usage: vm.sh [options] FLAVOUR JOB MODE}
job=${2:?job} mode=${3:?mode}

if [ -z "$log" ]; then
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
fi
arch=${flavour%-debug}
kobj=$top/build/obj/$flavour
initrd=$top/build/initramfs/$flavour.cpio
[ -f "$initrd" ] || { echo "vm: no $initrd (make initramfs)" >&2; exit 2; }

append="panic=-1 loglevel=1 bpftest.job=$job bpftest.mode=$mode $extra"
case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -M pc -cpu max -kernel "$kobj/arch/x86/boot/bzImage")
	append="console=ttyS0 $append"
	# TCG unless VM_KVM=1: a /dev/kvm that opens (and passes a paused
	# probe) may still hang the guest at boot, as nested KVM does here.
	if [ $icount = 0 ] && [ "${VM_KVM:-0}" = 1 ]; then
		qemu+=(-accel kvm -accel tcg)
	else
		qemu+=(-accel tcg)
	fi
	;;
i386)
	qemu=(qemu-system-i386 -M pc -cpu max -accel tcg -kernel "$kobj/arch/x86/boot/bzImage")
	append="console=ttyS0 $append"
	;;
arm64)
	# pauth-impdef: the cheap PAC algorithm; QARMA is slow under TCG.
	qemu=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on -accel tcg
	      -kernel "$kobj/arch/arm64/boot/Image")
	append="console=ttyAMA0 $append"
	;;
esac
mem=1G
[ "$flavour" = x86_64-debug ] && mem=2G
qemu+=(-m "$mem" -smp 1 -nographic -no-reboot -monitor none -net none
       -initrd "$initrd" -append "$append")
[ $icount = 1 ] && qemu+=(-icount shift=0,align=off)

set +e
timeout -s KILL "$timeout" "${qemu[@]}" </dev/null |
	sed -u -e 's/\r$//' -e 's/\x1bc//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' | tee "$log"
st=${PIPESTATUS[0]}
set -e
[ "$st" = 137 ] && { echo "vm: $flavour $job $mode: timed out after ${timeout}s" >&2; exit 124; }
verdict=$(sed -n 's/^@@ guest-exit \([0-9]*\)$/\1/p' "$log" | tail -n 1)
[ -n "$verdict" ] || { echo "vm: $flavour $job $mode: the guest stopped without a verdict" >&2; exit 125; }
exit "$verdict"
