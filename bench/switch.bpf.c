// SPDX-License-Identifier: GPL-2.0
/*
 * 'make bench': an N-way switch, N = 4, 16, 64, 256, built twice from this
 * one file (bench/Makefile): with jump tables (gotox, -mcpu=v4) and as the
 * compare tree clang emits without them (-mcpu=v3).
 *
 * tc programs, run by bench/bench.c through BPF_PROG_TEST_RUN:
 *   seq<N>      one dispatch on skb->mark (the key, 0..N; N takes the
 *               default) over skb->priority (the operand)
 *   rnd<N>      16 dispatches on keys from bpf_get_prandom_u32() % (N + 1)
 *   rndbase<N>  the same loop without the switch, subtracted from rnd<N>
 *   empty       'return 0', subtracted from seq<N>: the cost of the
 *               test_run loop itself
 *
 * Each case does a little arithmetic of its own, of one of four shapes, so
 * that clang can neither turn the switch into a lookup table of constants
 * nor sink a common operation out of the cases.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Each gotox leaves one pending verifier branch per other target, and the
 * verifier allows 8192 pending branches (BPF_COMPLEXITY_LIMIT_JMP_SEQ):
 * 64 iterations of a 256-way gotox would exceed that, 16 do not.
 */
#define LOOPS 16

/* The body of case i; i is a constant, so only one arm survives. */
#define WORK(i, x)							\
	((i) % 4 == 0 ? (x) * (2 * (i) + 3) + (i) :			\
	 (i) % 4 == 1 ? ((x) ^ (0x9e3779b9u * (i))) + ((x) >> ((i) % 13 + 1)) : \
	 (i) % 4 == 2 ? ((x) << ((i) % 7 + 1)) - (x) + (i) :		\
			((x) | (1u << ((i) % 31))) - 0x27d4eb2du * (i))

#define C1(i, x)	case (i): x = WORK(i, x); break;
#define C4(i, x)	C1(i, x) C1((i) + 1, x) C1((i) + 2, x) C1((i) + 3, x)
#define C16(i, x)	C4(i, x) C4((i) + 4, x) C4((i) + 8, x) C4((i) + 12, x)
#define C64(i, x)	C16(i, x) C16((i) + 16, x) C16((i) + 32, x) C16((i) + 48, x)
#define C256(i, x)	C64(i, x) C64((i) + 64, x) C64((i) + 128, x) C64((i) + 192, x)

#define SWITCH(n, key, x)						\
	switch (key) {							\
	C##n(0, x)							\
	default: x = ~x; break;						\
	}

#define BENCH(n)							\
SEC("tc")								\
int seq##n(struct __sk_buff *skb)					\
{									\
	__u32 x = skb->priority;					\
									\
	SWITCH(n, skb->mark, x)						\
	return x;							\
}									\
									\
SEC("tc")								\
int rnd##n(struct __sk_buff *skb)					\
{									\
	__u32 x = skb->priority, i;					\
									\
	_Pragma("clang loop unroll(disable)")				\
	for (i = 0; i < LOOPS; i++) {					\
		__u32 key = bpf_get_prandom_u32() % ((n) + 1);		\
									\
		SWITCH(n, key, x)					\
	}								\
	return x;							\
}									\
									\
SEC("tc")								\
int rndbase##n(struct __sk_buff *skb)					\
{									\
	__u32 x = skb->priority, i;					\
									\
	_Pragma("clang loop unroll(disable)")				\
	for (i = 0; i < LOOPS; i++)					\
		x ^= bpf_get_prandom_u32() % ((n) + 1);			\
	return x;							\
}

BENCH(4)
BENCH(16)
BENCH(64)
BENCH(256)

SEC("tc")
int empty(struct __sk_buff *skb)
{
	return 0;
}

char _license[] SEC("license") = "GPL";
