#!/bin/bash
# Record the test_verifier pass/skip counts of the last 'make test' as the
# baseline that later runs must meet. Only from the unpatched tree: the
# baseline is what the series must not regress.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
res=$top/build/results
[ "$(git -C "$tree" rev-parse HEAD)" = "$(git -C "$tree" rev-parse base)" ] ||
	{ echo "baseline: build/linux is not at 'base'; record on the unpatched tree" >&2; exit 1; }
have=$(dpkg-query -W -f='${Version}' linux-source-6.12)
{
	echo "# test_verifier on the unpatched linux-source-6.12 $have, minimal configs"
	echo "# (configs/); 'make test' fails when a configuration passes fewer."
	echo "# flavour mode passed skipped"
	for f in x86_64-jit x86_64-interp arm64-jit arm64-interp; do
		[ -f "$res/$f.counts" ] || { echo "baseline: no $res/$f.counts: run 'make test'" >&2; exit 1; }
		cat "$res/$f.counts"
	done
} > "$top/baseline/test_verifier.new"
mv "$top/baseline/test_verifier.new" "$top/baseline/test_verifier"
cat "$top/baseline/test_verifier"
