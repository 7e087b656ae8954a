#!/bin/sh
# The 'make bench' job: run /usr/sbin/bench over the switch programs in
# /bench (gotox.bpf.o: jump tables and gotox; tree.bpf.o: compare trees)
# and the call programs (calls.bpf.o: direct, callx, tail calls...) in
# the mode guest/init set (net.core.bpf_jit_enable). scripts/bench.sh reads
# the 'bench ' lines. From the kernel command line:
#   bpftest.repeat=R     runs per BPF_PROG_TEST_RUN (default 1000)
#   bpftest.samples=S    test runs per figure, the least kept (default 3)
repeat=1000
samples=3
for arg in $(cat /proc/cmdline); do
	case $arg in
	bpftest.repeat=*)	repeat=${arg#*=} ;;
	bpftest.samples=*)	samples=${arg#*=} ;;
	esac
done
echo "@@ begin bench jit_enable=$(cat /proc/sys/net/core/bpf_jit_enable)"
bench -r "$repeat" -s "$samples" /bench/gotox.bpf.o /bench/tree.bpf.o /bench/calls.bpf.o 2>&1
rc=$?
echo "@@ end bench rc=$rc"
exit $rc
