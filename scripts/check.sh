#!/bin/bash
# 'make check': the series as a reviewer takes it.
#  1. scripts/checkpatch.pl --strict is clean on every patch of patches/;
#  2. every prefix of the series builds on x86_64 (kernel, and the guest
#     userspace where the patch touches tools/), incrementally in the test
#     build directories; the whole series builds on arm64 and i386.
# build/linux must hold exactly patches/ ('make series-check').
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
fail=0

"$top/scripts/series-check.sh"

mapfile -t series < <(ls "$top"/patches/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '/0000-' || true)
echo "check: checkpatch --strict on ${#series[@]} patches"
for p in "${series[@]}"; do
	# FILE_PATH_CHANGES (new file: update MAINTAINERS?) is answered once,
	# by the patch that updates MAINTAINERS for all the new files.
	# CAMELCASE: libbpf's ELF code must name libelf's own types (Elf64_Sym,
	# Elf_Data); nothing else of ours is CamelCase.
	if ! out=$(cd "$tree" && ./scripts/checkpatch.pl --strict --quiet --no-summary \
			--ignore FILE_PATH_CHANGES,CAMELCASE "$p" 2>&1); then
		echo "check: FAIL checkpatch ${p##*/}:"
		echo "$out"
		fail=1
	fi
done

mapfile -t commits < <(git -C "$tree" rev-list --reverse base..HEAD)
if [ ${#commits[@]} -gt 0 ]; then
	branch=$(git -C "$tree" symbolic-ref --short HEAD)
	trap 'git -C "$tree" checkout -q "$branch"' EXIT
	i=0
	for c in "${commits[@]}"; do
		i=$((i + 1))
		subject=$(git -C "$tree" log -1 --format=%s "$c")
		echo "check: build $i/${#commits[@]} on x86_64: $subject"
		git -C "$tree" checkout -q "$c"
		if ! "$top/scripts/kernel.sh" x86_64 >"$top/build/check.log" 2>&1; then
			echo "check: FAIL patch $i does not build (x86_64 kernel):"
			tail -n 30 "$top/build/check.log"
			fail=1
			continue
		fi
		if git -C "$tree" diff --quiet "$c^" "$c" -- tools/ ||
		   USERSPACE_PREFIX=1 "$top/scripts/userspace.sh" x86_64 \
			>"$top/build/check.log" 2>&1; then
			:
		else
			echo "check: FAIL patch $i does not build (x86_64 userspace):"
			tail -n 30 "$top/build/check.log"
			fail=1
		fi
	done
	git -C "$tree" checkout -q "$branch"
	trap - EXIT
	echo "check: build the whole series on arm64"
	if ! { "$top/scripts/kernel.sh" arm64 && "$top/scripts/userspace.sh" arm64; } \
			>"$top/build/check.log" 2>&1; then
		echo "check: FAIL the series does not build on arm64:"
		tail -n 30 "$top/build/check.log"
		fail=1
	fi
	# the 32-bit x86 JIT is built nowhere else ('make test' reuses it)
	echo "check: build the whole series on i386"
	if ! "$top/scripts/kernel.sh" i386 >"$top/build/check.log" 2>&1; then
		echo "check: FAIL the series does not build on i386:"
		tail -n 30 "$top/build/check.log"
		fail=1
	fi
fi

if [ $fail = 0 ]; then
	echo "check: OK (${#series[@]} patches)"
else
	echo "check: FAILED"
fi
exit $fail
