#!/bin/bash
# Install the host packages the project needs (Debian 12), and unpack the
# arm64 busybox (busybox-static:arm64 conflicts with the host's own
# busybox-static, so it is downloaded and unpacked into build/dl/).
# The 32-bit x86 guest's libraries and busybox are unpacked into
# build/dl/i386-sysroot/ from an apt state of its own (bookworm main only),
# so the host never gains the i386 architecture.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(linux-source-6.12 build-essential bc bison flex libssl-dev libelf-dev
      zlib1g-dev libzstd-dev libcap-dev dwarves ccache cpio kmod rsync xz-utils
      python3 git clang-22 lld-22 llvm-22 qemu-system-x86 qemu-system-arm
      busybox-static gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
      libc6-dev-arm64-cross libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64
      gcc-i686-linux-gnu binutils-i686-linux-gnu libc6-dev-i386-cross)

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$sudo dpkg --add-architecture arm64
	rm -f "$top/build/.apt-updated"
fi
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	$sudo apt-get update -q
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
		"${missing[@]}"
fi

bb=$top/build/dl/busybox-arm64
if [ ! -x "$bb/bin/busybox" ]; then
	mkdir -p "$top/build/dl"
	cd "$top/build/dl"
	rm -f busybox-static_*_arm64.deb
	apt-get download -q -o APT::Sandbox::User=root busybox-static:arm64 ||
		{ $sudo apt-get update -q && apt-get download -q -o APT::Sandbox::User=root busybox-static:arm64; }
	rm -rf "$bb"
	dpkg-deb -x busybox-static_*_arm64.deb "$bb"
fi

sysroot=$top/build/dl/i386-sysroot
if [ ! -x "$sysroot/bin/busybox" ]; then
	apt=$top/build/dl/apt-i386
	rm -rf "$apt" "$sysroot"
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" "$sysroot"
	echo "deb [arch=i386 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"http://deb.debian.org/debian bookworm main" > "$apt/sources.list"
	apt_i386=(apt-get -q -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
		  -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		  -o Dir::State::status=/dev/null -o APT::Architecture=i386
		  -o APT::Architectures::=i386 -o APT::Sandbox::User=root)
	"${apt_i386[@]}" update
	(cd "$apt/debs" && "${apt_i386[@]}" download libelf-dev libelf1 zlib1g-dev zlib1g \
		libzstd-dev libzstd1 busybox-static)
	for deb in "$apt"/debs/*.deb; do dpkg-deb -x "$deb" "$sysroot"; done
	# libz.so -> /lib/i386-linux-gnu/...: into the sysroot
	find "$sysroot" -type l -lname '/*' | while read -r link; do
		ln -sf "$sysroot$(readlink "$link")" "$link"
	done
fi
