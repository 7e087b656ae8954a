#!/bin/sh
# Run the selftest runners; the host turns their output into result lines.
# From the kernel command line:
#   bpftest.runners=test_verifier,test_progs   which runners (default both;
#                                              test_progs on 32-bit x86)
#   bpftest.progs=NAME[,NAME]                  test_progs -t NAME[,NAME]
#   bpftest.verbose=1                          test_progs -v (what tests print)
runners="test_verifier test_progs"
# baseline/test_verifier holds the unpatched tree's counts of the 64-bit
# kernels only: the 32-bit guest runs the selftests of gotox and callx.
no_verifier=
if [ "$(uname -m)" = i686 ]; then
	runners=test_progs
	no_verifier="no baseline for $(uname -m)"
fi
progs_args=
verbose=
for arg in $(cat /proc/cmdline); do
	case $arg in
	bpftest.runners=*)	runners=$(echo "${arg#*=}" | tr , ' '); no_verifier= ;;
	bpftest.progs=*)	progs_args="-t ${arg#*=}" ;;
	bpftest.verbose=1)	verbose=-v ;;
	esac
done
progs_args="$progs_args $verbose"
cd /selftests || exit 2
[ -n "$no_verifier" ] && echo "@@ skip test_verifier (not run here: $no_verifier)"
# With the JIT off, leave out what needs it (guest/needs-jit.list) and say so.
# The 32-bit x86 JIT has no bpf-to-bpf calls: the same programs run
# interpreted there.
skips=
if [ "$(cat /proc/sys/net/core/bpf_jit_enable)" = 0 ] || [ "$(uname -m)" = i686 ]; then
	skips=$(grep -v -e '^#' -e '^$' /guest/needs-jit.list)
	deny=$(echo "$skips" | cut -f1 | tr '\n' , | sed 's/,$//')
	[ -n "$deny" ] && progs_args="$progs_args -d $deny"
fi
for runner in $runners; do
	args=
	if [ "$runner" = test_progs ]; then
		args=$progs_args
		[ -n "$skips" ] &&
			echo "$skips" | awk -F'\t' '{ print "@@ skip test_progs/" $1 " (" $2 ")" }'
	fi
	echo "@@ begin $runner"
	./$runner $args 2>&1
	echo "@@ end $runner rc=$?"
done
exit 0
