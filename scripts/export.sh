#!/bin/bash
# Write the series base..HEAD of build/linux as patches.
#   scripts/export.sh [DIR]     (default: patches/)
# The cover letter's subject and text come from the branch description
# ('git -C build/linux branch --edit-description': first paragraph is the
# subject). The output depends only on the commits: zero 'From' hashes, no
# signature, and the cover letter dated like the last patch.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
dest=${1:-$top/patches}
die() { echo "export: $*" >&2; exit 1; }

[ -d "$tree/.git" ] || die "no kernel tree (make tree)"
cd "$tree"
[ -z "$(git status --porcelain)" ] || die "build/linux has uncommitted changes; commit them first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(git rev-list --count base..HEAD)
if [ "$n" -gt 0 ]; then
	branch=$(git symbolic-ref --short HEAD) || die "build/linux: HEAD is detached"
	git config "branch.$branch.description" >/dev/null ||
		die "no cover letter: git -C build/linux branch --edit-description"
	git -c core.abbrev=12 format-patch -q --zero-commit --no-signature --base=base \
		--cover-letter --cover-from-description=subject \
		--subject-prefix="PATCH bpf-next" -o "$tmp" base..HEAD
	date=$(git log -1 --format='%ad' --date=rfc2822 HEAD)
	sed -i "0,/^Date: /s/^Date: .*/Date: $date/" "$tmp"/0000-cover-letter.patch
fi

mkdir -p "$dest"
rm -f "$dest"/[0-9][0-9][0-9][0-9]-*.patch
if [ "$n" -gt 0 ]; then
	cp "$tmp"/*.patch "$dest"/
fi
echo "export: $n patches in ${dest#"$top"/}"
