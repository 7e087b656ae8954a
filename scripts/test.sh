#!/bin/bash
# Run the selftests in the guest for every configuration given and print
#   <arch> <mode>: PASS|FAIL|SKIP <suite>/<test>     one line per result
#   <arch> <mode>: N passed, N failed, N skipped     one line per configuration
#   N passed, N failed                               last
# A configuration whose test_verifier passes fewer tests than recorded in
# baseline/test_verifier fails too. Exit status 1 on any failure.
#   scripts/test.sh FLAVOUR[:MODE] ...   e.g. x86_64 arm64:interp x86_64-debug:jit
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
res=$top/build/results
mkdir -p "$res"
baseline=$top/baseline/test_verifier
total_pass=0 total_fail=0
summaries=()

for spec in "$@"; do
	flavour=${spec%%:*}
	modes="jit interp"
	[ "$spec" != "$flavour" ] && modes=${spec#*:}
	for mode in $modes; do
		arch=${flavour%-debug}
		label="$flavour $mode"
		log=$res/$flavour-$mode.log
		echo "== $label: booting"
		"$top/scripts/vm.sh" --log "$log" "$flavour" test "$mode" >/dev/null
		awk -v label="$label" -f "$top/scripts/results.awk" "$log" > "$res/$flavour-$mode.results"
		vpass=$(grep -c "^$label: PASS test_verifier/" "$res/$flavour-$mode.results")
		vskip=$(grep -c "^$label: SKIP test_verifier/" "$res/$flavour-$mode.results")
		echo "$flavour $mode $vpass $vskip" > "$res/$flavour-$mode.counts"
		want=$(awk -v f="$flavour" -v m="$mode" '$1 == f && $2 == m { print $3 }' "$baseline" 2>/dev/null)
		if [ -z "$want" ]; then
			echo "$label: FAIL test_verifier/baseline: no recorded count for $label in baseline/test_verifier" \
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
done
printf '%s\n' "${summaries[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
