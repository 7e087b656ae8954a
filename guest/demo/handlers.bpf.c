// SPDX-License-Identifier: GPL-2.0
/*
 * The 'make run' demo of callx: a table of handlers that clang-22 compiles
 * into a load from the table and an indirect call. The table stays in
 * .rodata: libbpf writes each handler's byte offset in the program into its
 * slot, and the kernel makes a function table of the map; the verifier
 * checks every handler the key can reach against the prototype the BTF
 * gives the slot; the JIT lowers the callx to the kernel's hardened
 * indirect call.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline __u32 h_triple(__u32 v)
{
	return v * 3;
}

static __noinline __u32 h_add(__u32 v)
{
	return v + 101;
}

static __noinline __u32 h_xor(__u32 v)
{
	return v ^ 0x55;
}

/* global: verified on its own, its result unknown to the caller */
__noinline __u32 h_shift(__u32 v)
{
	return v << 2;
}

static __u32 (*const handlers[4])(__u32 v) = {
	h_triple, h_add, h_xor, h_shift,
};

SEC("tc")
int demo_handlers(struct __sk_buff *skb)
{
	__u8 key;

	if (bpf_skb_load_bytes(skb, 0, &key, 1))
		return -1;
	if (key >= 4)
		return 1;
	return handlers[key](skb->len) & 0xffff;
}

char _license[] SEC("license") = "GPL";
