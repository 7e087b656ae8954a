// SPDX-License-Identifier: GPL-2.0
/*
 * The 'make run' demo: a tc program that classifies a packet by its first
 * byte in a separate (non-inlined) function, i.e. a bpf-to-bpf call.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __attribute__((noinline)) int classify(unsigned int key)
{
	if (key == 0)
		return 10;
	if (key == 1)
		return 11;
	if (key == 2)
		return 12;
	return 99;
}

SEC("tc")
int demo(struct __sk_buff *skb)
{
	__u8 key;

	if (bpf_skb_load_bytes(skb, 0, &key, 1))
		return -1;
	return classify(key);
}

char _license[] SEC("license") = "GPL";
