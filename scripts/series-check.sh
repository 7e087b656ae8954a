#!/bin/bash
# Fail when build/linux holds work that patches/ does not: uncommitted
# changes, or commits whose export differs from patches/.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
[ -d "$tree/.git" ] || { echo "series-check: no build/linux, nothing to check"; exit 0; }

dirty=$(git -C "$tree" status --porcelain)
if [ -n "$dirty" ]; then
	echo "series-check: build/linux has uncommitted changes (commit, then 'make export'):"
	echo "$dirty" | head -n 20
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$top/scripts/export.sh" "$tmp" >/dev/null
if ! out=$(diff -r -q -x BASE "$top/patches" "$tmp" 2>&1); then
	echo "series-check: patches/ does not match build/linux base..HEAD ('make export'):"
	echo "$out" | sed "s|$tmp|build/linux|g" | head -n 20
	exit 1
fi
echo "series-check: patches/ holds all of build/linux ($(git -C "$tree" rev-list --count base..HEAD) commits)"
