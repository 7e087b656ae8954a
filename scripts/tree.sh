#!/bin/bash
# Extract the Debian kernel source into build/linux, commit it pristine as
# 'base', then apply patches/ on top with git am.
#
# Dates are fixed so that the commit hashes (and so 'make export') do not
# depend on when the tree was made.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
tarball=/usr/src/linux-source-6.12.tar.xz
base_date="2026-01-01T00:00:00Z"

die() { echo "tree: $*" >&2; exit 1; }

want=$(awk '!/^#/ && NF == 2 { print $2 }' "$top/patches/BASE")
have=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
	die "linux-source-6.12 is not installed (make deps)"
[ -r "$tarball" ] || die "$tarball is missing"

if [ -e "$tree" ]; then
	die "$tree exists; 'make tree-clean' removes it (after 'make series-check')"
fi

# The repository's own identity; on a fresh clone without one, that of its
# last commit.
name=$(git -C "$top" config user.name || git -C "$top" log -1 --format=%an 2>/dev/null) ||
	die "set git user.name in $top"
email=$(git -C "$top" config user.email || git -C "$top" log -1 --format=%ae 2>/dev/null) ||
	die "set git user.email in $top"
export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email

echo "tree: extracting linux-source-6.12 $have"
tmp=$top/build/linux.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
tar -C "$tmp" -xf "$tarball"
mv "$tmp"/linux-source-6.12 "$tree"
rmdir "$tmp"

cd "$tree"
git init -q -b main
git config user.name "$name"
git config user.email "$email"
git config core.abbrev 12
# Debian's top-level .gitignore ends with a block that ignores every
# top-level path ('/*'), which would hide new files of the series from
# 'git status' and 'git add'. Drop that block; nothing else is changed.
sed -i '/^# Debian packaging/,$d' .gitignore
sed -i '${/^#$/d}' .gitignore
git add -A
GIT_AUTHOR_DATE=$base_date GIT_COMMITTER_DATE=$base_date \
	git commit -q -m "Linux 6.12 from Debian linux-source-6.12 $have" \
	-m "Pristine but for the Debian packaging block of the top-level .gitignore."
git tag base

mapfile -t series < <(ls "$top"/patches/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null |
		      grep -v '/0000-' || true)
if [ ${#series[@]} -eq 0 ]; then
	echo "tree: build/linux is at base (the series is empty)"
	exit 0
fi

am_opts=(--committer-date-is-author-date --keep-cr)
if [ "$have" != "$want" ]; then
	echo "tree: the series was made on $want, this is $have: applying with 3-way merge"
	am_opts+=(-3)
fi
if ! git am -q "${am_opts[@]}" "${series[@]}"; then
	failed=$(head -n 1 .git/rebase-apply/final-commit 2>/dev/null || true)
	git am --abort || true
	die "the series (made on linux-source-6.12 $want) does not apply to $have; first failing patch: ${failed:-unknown}"
fi
# The cover letter's subject and text become the branch description, which
# 'make export' writes back.
awk -v who="$name" '
	/^Subject: / && !subj { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; next }
	subj && !body && /^ / { subj = subj $0; next }	# folded subject
	subj && !body && /^$/ { body = 1; print subj; print ""; next }
	body && $0 ~ "^" who " \\([0-9]+\\):$" { exit }
	body { print }
' "$top/patches/0000-cover-letter.patch" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > .git/description.cover
git config branch.main.description "$(cat .git/description.cover)"
rm -f .git/description.cover
echo "tree: applied ${#series[@]} patches on linux-source-6.12 $have"
