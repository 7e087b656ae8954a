#!/bin/sh
# The 'make fuzz' job: /usr/sbin/fuzz (guest/fuzz/), the differential
# fuzzer of gotox and callx. Every program is loaded with the JIT and with
# the interpreter whatever the mode guest/init set; the mode says which
# load comes first, and which programs: the jit guest fuzzes programs
# 0..COUNT-1 of the seed, the interp guest COUNT..2*COUNT-1. scripts/fuzz.sh
# reads the 'fuzz: result' lines. From the kernel command line:
#   bpftest.fuzz_seed=S     the seed (default 1)
#   bpftest.fuzz_count=N    programs (default 5000)
#   bpftest.fuzz_time=T     stop after T seconds (default 150, 0: no limit)
#   bpftest.fuzz_prog=K     only program K of the seed, printed in full
#   bpftest.fuzz_args=A     more options of fuzz, commas for spaces (-R,50)
seed=1
count=5000
time=150
prog=
args=
mode=jit
for arg in $(cat /proc/cmdline); do
	case $arg in
	bpftest.fuzz_seed=*)	seed=${arg#*=} ;;
	bpftest.fuzz_count=*)	count=${arg#*=} ;;
	bpftest.fuzz_time=*)	time=${arg#*=} ;;
	bpftest.fuzz_prog=*)	prog=${arg#*=} ;;
	bpftest.fuzz_args=*)	args=$(echo "${arg#*=}" | tr , ' ') ;;
	bpftest.mode=*)		mode=${arg#*=} ;;
	esac
done
first=0
[ "$mode" = interp ] && first=$count
if [ -n "$prog" ]; then
	range="-k $prog"
else
	range="-f $first -n $count -t $time"
fi
echo "@@ begin fuzz"
rm -f /tmp/fuzz.cur
fuzz -s "$seed" $range -m "$mode" $args 2>&1
rc=$?
if [ $rc -gt 1 ]; then
	echo "fuzz: result FAIL gotox-callx/crash seed=$seed prog=$(cat /tmp/fuzz.cur 2>/dev/null) (exit status $rc)"
fi
echo "@@ end fuzz rc=$rc"
exit 0
