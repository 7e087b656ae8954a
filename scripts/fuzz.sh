#!/bin/bash
# 'make fuzz': the differential fuzzer of gotox and callx (guest/fuzz/) in
# the guest of every configuration given, with the result lines of
# scripts/test.sh:
#   <arch> <mode>: PASS|FAIL fuzz/gotox-callx[/KIND seed=S prog=K] ...
#   <arch> <mode>: N passed, N failed, N skipped
#   N passed, N failed
# Exit status 1 on any failure.
#   scripts/fuzz.sh [--seed S] [--count N] [--time T] FLAVOUR[:MODE] ...
# A failing program replays alone:
#   scripts/vm.sh --append 'bpftest.fuzz_seed=S bpftest.fuzz_prog=K' x86_64 fuzz jit
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
res=$top/build/results
mkdir -p "$res"
seed=1 count=5000 time=150
while [ $# -gt 0 ]; do
	case $1 in
	--seed)		seed=$2; shift 2 ;;
	--count)	count=$2; shift 2 ;;
	--time)		time=$2; shift 2 ;;
	*)		break ;;
	esac
done
append="bpftest.fuzz_seed=$seed bpftest.fuzz_count=$count bpftest.fuzz_time=$time"

. "$top/scripts/guests.sh"
guest_configs "$@"
echo "== fuzz: seed $seed, $count programs a configuration"
boot_guests fuzz fuzz --timeout $((time + 600)) --append "$append"

total_pass=0 total_fail=0
summaries=()
for cfg in "${configs[@]}"; do
	read -r flavour mode <<< "$cfg"
	label="$flavour $mode"
	out=$res/fuzz-$flavour-$mode
	awk -v label="$label" -f "$top/scripts/results.awk" "$out.log" > "$out.results"
	sed "s/^vm: /$label: FAIL guest\//" "$out.vm" >> "$out.results"
	cat "$out.results"
	grep -h '^Summary: fuzz' "$out.log" | sed "s/^Summary: /$label: /"
	p=$(grep -c "^$label: PASS " "$out.results")
	f=$(grep -c "^$label: FAIL " "$out.results")
	s=$(grep -c "^$label: SKIP " "$out.results")
	summaries+=("$label: $p passed, $f failed, $s skipped")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
printf '%s\n' "${summaries[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
