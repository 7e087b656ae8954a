#!/bin/sh
# Run the selftest runners; the host turns their output into result lines.
# From the kernel command line:
#   bpftest.runners=test_verifier,test_progs   which runners (default both)
#   bpftest.progs=NAME[,NAME]                  test_progs -t NAME[,NAME]
runners="test_verifier test_progs"
progs_args=
for arg in $(cat /proc/cmdline); do
	case $arg in
	bpftest.runners=*)	runners=$(echo "${arg#*=}" | tr , ' ') ;;
	bpftest.progs=*)	progs_args="-t ${arg#*=}" ;;
	esac
done
cd /selftests || exit 2
for runner in $runners; do
	args=
	[ "$runner" = test_progs ] && args=$progs_args
	echo "@@ begin $runner"
	./$runner $args 2>&1
	echo "@@ end $runner rc=$?"
done
exit 0
