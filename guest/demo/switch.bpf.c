// SPDX-License-Identifier: GPL-2.0
/*
 * The 'make run' demo of gotox: a dense switch that clang-22 (-mcpu=v4)
 * compiles into a jump table (.jumptables) and an indirect jump. libbpf
 * turns the table into an insn_array map; the JIT lowers the gotox to the
 * kernel's hardened indirect jump.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int demo_switch(struct __sk_buff *skb)
{
	__u8 key;
	__u32 v;

	if (bpf_skb_load_bytes(skb, 0, &key, 1))
		return -1;
	v = skb->len;
	switch (key) {
	case 0: v = v * 3; break;
	case 1: v = v + 101; break;
	case 2: v = v ^ 0x55; break;
	case 3: v = v << 2; break;
	case 4: v = v - 7; break;
	case 5: v = v * 11; break;
	case 6: v = v | 0x100; break;
	case 7: v = v + key * 13; break;
	case 8: v = v >> 1; break;
	case 9: v = v * v; break;
	case 10: v = v + 1000; break;
	case 11: v = ~v & 0xffff; break;
	case 12: v = v * 5 + 1; break;
	case 13: v = v - 100; break;
	case 14: v = v ^ 0xaaaa; break;
	case 15: v = v + skb->protocol; break;
	default: return 1;
	}
	return v & 0xffff;
}

char _license[] SEC("license") = "GPL";
