// SPDX-License-Identifier: GPL-2.0
/*
 * jitdump: print the JIT image of a pinned BPF program, one function at a
 * time, as hex for the host to disassemble:
 *
 *   @@ jited func <index> <kernel address> <length>
 *   <hex bytes, 16 a line>
 *
 * bpftool's 'prog dump jited' needs a disassembler linked in, which the
 * static guest bpftool has not (there is no LLVM or libbfd for the arm64
 * guest); the image itself is all the host needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), image_len, nr_funcs, i, j, off = 0;
	__u32 *func_lens;
	__u64 *ksyms;
	__u8 *image;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: jitdump PINNED_PROG\n");
		return 2;
	}
	fd = bpf_obj_get(argv[1]);
	if (fd < 0 || bpf_prog_get_info_by_fd(fd, &info, &len)) {
		perror(argv[1]);
		return 1;
	}
	image_len = info.jited_prog_len;
	nr_funcs = info.nr_jited_func_lens;
	if (!image_len || !nr_funcs) {
		fprintf(stderr, "%s: not jited\n", argv[1]);
		return 1;
	}
	image = calloc(1, image_len);
	func_lens = calloc(nr_funcs, sizeof(*func_lens));
	ksyms = calloc(nr_funcs, sizeof(*ksyms));
	if (!image || !func_lens || !ksyms)
		return 1;

	memset(&info, 0, sizeof(info));
	len = sizeof(info);
	info.jited_prog_len = image_len;
	info.jited_prog_insns = (__u64)(unsigned long)image;
	info.nr_jited_func_lens = nr_funcs;
	info.jited_func_lens = (__u64)(unsigned long)func_lens;
	info.nr_jited_ksyms = nr_funcs;
	info.jited_ksyms = (__u64)(unsigned long)ksyms;
	if (bpf_prog_get_info_by_fd(fd, &info, &len)) {
		perror(argv[1]);
		return 1;
	}
	for (i = 0; i < nr_funcs; i++) {
		if (off + func_lens[i] > image_len)
			break;
		printf("@@ jited func %u 0x%llx %u", i, (unsigned long long)ksyms[i],
		       func_lens[i]);
		for (j = 0; j < func_lens[i]; j++)
			printf("%s%02x", j % 16 ? " " : "\n", image[off + j]);
		printf("\n");
		off += func_lens[i];
	}
	return 0;
}
