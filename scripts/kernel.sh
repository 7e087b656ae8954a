#!/bin/bash
# Build one test kernel out of tree from build/linux.
#   scripts/kernel.sh x86_64|arm64|x86_64-debug|i386
# Output: build/obj/<flavour>/ (arch/*/boot/{bzImage,Image}, vmlinux).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:?usage: kernel.sh x86_64|arm64|x86_64-debug|i386}
tree=$top/build/linux
out=$top/build/obj/$flavour

case $flavour in
x86_64)		arch=x86_64; frags="common x86_64" ;;
x86_64-debug)	arch=x86_64; frags="common x86_64 debug" ;;
arm64)		arch=arm64; frags="common arm64" ;;
i386)		arch=i386; frags="common i386" ;;
*)		echo "kernel: unknown flavour '$flavour'" >&2; exit 1 ;;
esac

[ -d "$tree/.git" ] || { echo "kernel: no kernel tree, run 'make tree'" >&2; exit 1; }

export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
export KBUILD_BUILD_USER=bpf KBUILD_BUILD_HOST=qemu
export CCACHE_NOHASHDIR=1 CCACHE_BASEDIR=$top/build
mk=(make -C "$tree" O="$out" ARCH="$arch" -j"$(nproc)" -s)
if [ "$arch" = arm64 ]; then
	# ARM64_BTI_KERNEL depends on !CC_IS_GCC in 6.12: build with LLVM.
	mk+=(LLVM=-22 CC="ccache clang-22")
else
	mk+=(CC="ccache gcc")
fi

mkdir -p "$out"
cfgs=()
for f in $frags; do cfgs+=("$top/configs/$f.config"); done

# Regenerate .config only when a fragment changed, so that rebuilds stay
# incremental.
stamp=$out/.config-fragments
if [ ! -f "$out/.config" ] || [ "$(cat "${cfgs[@]}")" != "$(cat "$stamp" 2>/dev/null)" ]; then
	"${mk[@]}" tinyconfig >/dev/null
	KCONFIG_CONFIG=$out/.config "$tree/scripts/kconfig/merge_config.sh" \
		-m -O "$out" "$out/.config" "${cfgs[@]}" >/dev/null
	"${mk[@]}" olddefconfig >/dev/null
	# Every option a fragment asks for must have survived the dependencies;
	# where fragments disagree, the later one is what was asked for.
	bad=0
	while IFS='|' read -r f opt want; do
		got=$(grep -E "^($opt=|# $opt is not set)" "$out/.config" || true)
		if [ "$got" != "$want" ] && ! { [ -z "$got" ] && [ "${want#\# }" != "$want" ]; }; then
			echo "kernel: $flavour: wanted '$want', got '${got:-unset}' ($f)" >&2
			bad=1
		fi
	done < <(for f in "${cfgs[@]}"; do
			sed -nE -e "s@^(CONFIG_[A-Za-z0-9_]+)=.*@$f|\1|&@p" \
				-e "s@^# (CONFIG_[A-Za-z0-9_]+) is not set\$@$f|\1|&@p" "$f"
		 done | awk -F'|' '{ last[$2] = $0; order[$2] = NR }
				   END { for (o in last) print order[o] "|" last[o] }' |
		 sort -n | cut -d'|' -f2-)
	[ $bad = 0 ] || exit 1
	cat "${cfgs[@]}" > "$stamp"
fi

"${mk[@]}" all
echo "kernel: $flavour built in build/obj/$flavour"
