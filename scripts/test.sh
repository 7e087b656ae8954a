#!/bin/bash
# Run the selftests in the guest for every configuration given and print
#   <arch> <mode>: PASS|FAIL|SKIP <suite>/<test>     one line per result
#   <arch> <mode>: N passed, N failed, N skipped     one line per configuration
#   N passed, N failed                               last
# A configuration whose test_verifier passes fewer tests than recorded in
# baseline/test_verifier fails too (the debug flavour against its arch). Exit status 1 on any failure.
#   scripts/test.sh FLAVOUR[:MODE] ...   e.g. x86_64 arm64:interp x86_64-debug:jit
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
res=$top/build/results
mkdir -p "$res"
baseline=$top/baseline/test_verifier
total_pass=0 total_fail=0
summaries=()

. "$top/scripts/guests.sh"
guest_configs "$@"
boot_guests test test

for cfg in "${configs[@]}"; do
	read -r flavour mode <<< "$cfg"
	label="$flavour $mode"
	log=$res/test-$flavour-$mode.log
	awk -v label="$label" -f "$top/scripts/results.awk" "$log" > "$res/$flavour-$mode.results"
	sed "s/^vm: /$label: FAIL guest\//" "$res/test-$flavour-$mode.vm" >> "$res/$flavour-$mode.results"
	vpass=$(grep -c "^$label: PASS test_verifier/" "$res/$flavour-$mode.results")
	vskip=$(grep -c "^$label: SKIP test_verifier/" "$res/$flavour-$mode.results")
	echo "$flavour $mode $vpass $vskip" > "$res/$flavour-$mode.counts"
	# The debug kernel is held to the baseline of its architecture.
	arch=${flavour%-debug}
	want=$(awk -v a="$arch" -v m="$mode" '$1 == a && $2 == m { print $3 }' "$baseline" 2>/dev/null)
	if grep -q "^$label: SKIP test_verifier (not run here" "$res/$flavour-$mode.results"; then
		:	# the guest said why; the SKIP line counts it
	elif [ -z "$want" ]; then
		echo "$label: FAIL test_verifier/baseline: no recorded count for $arch $mode in baseline/test_verifier" \
			>> "$res/$flavour-$mode.results"
	elif [ "$vpass" -lt "$want" ]; then
		echo "$label: FAIL test_verifier/baseline: $vpass passed, fewer than the $want recorded" \
			>> "$res/$flavour-$mode.results"
	fi
	cat "$res/$flavour-$mode.results"
	p=$(grep -c "^$label: PASS " "$res/$flavour-$mode.results")
	f=$(grep -c "^$label: FAIL " "$res/$flavour-$mode.results")
	s=$(grep -c "^$label: SKIP " "$res/$flavour-$mode.results")
	summaries+=("$label: $p passed, $f failed, $s skipped")
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
done
printf '%s\n' "${summaries[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
