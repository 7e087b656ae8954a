#!/bin/sh
# The 'make run' demo: load each /demo/*.bpf.o with bpftool, run it through
# BPF_PROG_TEST_RUN for a few keys (the first byte of a 14-byte packet), and
# dump it xlated (bpftool) and jited (jitdump prints the image as hex for
# the host to disassemble).
rc=0
for obj in /demo/*.bpf.o; do
	name=$(basename "$obj" .bpf.o)
	pin=/sys/fs/bpf/$name
	echo "demo: bpftool prog load $obj"
	if ! bpftool prog load "$obj" "$pin"; then
		rc=1
		continue
	fi
	bpftool prog show pinned "$pin" | sed 's/^/demo: /'
	for key in 0 1 2 3 7; do
		{ printf "\\$(printf %03o "$key")"; dd if=/dev/zero bs=13 count=1 2>/dev/null; } > /tmp/pkt
		out=$(bpftool prog run pinned "$pin" data_in /tmp/pkt repeat 1) || rc=1
		echo "demo: key $key -> ${out%%,*}"
	done
	echo "demo: bpftool prog dump xlated pinned $pin"
	bpftool prog dump xlated pinned "$pin" | sed 's/^/demo:   /'
	# the tables libbpf made for the program's gotox (jt_*) and callx (ft_*)
	ids=$(bpftool prog show pinned "$pin" | sed -n 's/.*map_ids \([0-9,]*\).*/\1/p')
	for id in $(echo "$ids" | tr , ' '); do
		show=$(bpftool map show id "$id")
		echo "$show" | grep -q insn_array || continue
		what="a jump table"
		echo "$show" | grep -q "name ft_" && what="a function table"
		echo "demo: bpftool map dump id $id ($what)"
		echo "$show" | sed 's/^/demo:   /'
		bpftool map dump id "$id" | sed 's/^/demo:   /'
	done
	if [ "$(cat /proc/sys/net/core/bpf_jit_enable)" = 1 ]; then
		echo "demo: jited image (disassembled on the host)"
		jitdump "$pin" || rc=1
	fi
	rm -f "$pin"
done
exit $rc
