// SPDX-License-Identifier: GPL-2.0
/*
 * 'make bench': what a call costs, by kind of call. tc programs, run by
 * bench/bench.c through BPF_PROG_TEST_RUN on keys (skb->mark) 0..3; every
 * figure is less call_inline, which does the same work with no call.
 *
 * One callee: every program first picks a function pointer, h0, or when
 * a test that never holds for keys 0..3 does, another one, behind
 * barriers that keep clang from seeing through it; then
 *   call_inline   does the work itself (the baseline of the three below)
 *   call_direct   calls h0 directly
 *   call_x        calls through the pointer, h0 or h1: a callx
 *   call_devirt   calls through the pointer, h0 or h0: a callx the
 *                 verifier turns into a direct call
 * Four callees, chosen by key & 3:
 *   call_switch   a switch of direct calls (a compare tree)
 *   call_table    callx through a table of four function pointers
 *   call_tail     bpf_tail_call() of one of four programs tail_<i>
 *   call_base4    the baseline of these three: the work of h0, no call
 *
 * Every callee does work(i, x) on skb->priority.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* keep clang from seeing through a function pointer */
#define barrier_var(var) asm volatile("" : "+r"(var))

#define NEVER	7777	/* no key is */

static __always_inline __u32 work(__u32 i, __u32 x)
{
	return (x ^ (0x9e3779b9u * (i + 1))) + (x >> (i + 1));
}

static __noinline __u32 h0(__u32 x)
{
	return work(0, x);
}

static __noinline __u32 h1(__u32 x)
{
	return work(1, x);
}

static __noinline __u32 h2(__u32 x)
{
	return work(2, x);
}

static __noinline __u32 h3(__u32 x)
{
	return work(3, x);
}

static __u32 (*const handlers[4])(__u32) = { h0, h1, h2, h3 };

/* fn = h0, or @other when the test holds; clang cannot see either */
#define PICK(fn, other)							\
	do {								\
		fn = h0;						\
		barrier_var(fn);					\
		if (skb->mark == NEVER) {				\
			fn = other;					\
			barrier_var(fn);				\
		}							\
	} while (0)

/* fn = h0, which clang cannot see when the test holds */
#define PICK_H0(fn)							\
	do {								\
		fn = h0;						\
		barrier_var(fn);					\
		if (skb->mark == NEVER)					\
			barrier_var(fn);				\
	} while (0)

SEC("tc")
int call_inline(struct __sk_buff *skb)
{
	__u32 (*fn)(__u32);

	PICK(fn, h1);
	return work(0, skb->priority);
}

SEC("tc")
int call_direct(struct __sk_buff *skb)
{
	__u32 (*fn)(__u32);

	PICK(fn, h1);
	return h0(skb->priority);
}

SEC("tc")
int call_x(struct __sk_buff *skb)
{
	__u32 (*fn)(__u32);

	PICK(fn, h1);
	return fn(skb->priority);
}

SEC("tc")
int call_devirt(struct __sk_buff *skb)
{
	__u32 (*fn)(__u32);

	PICK_H0(fn);
	return fn(skb->priority);
}

SEC("tc")
int call_base4(struct __sk_buff *skb)
{
	return work(0, skb->priority);
}

SEC("tc")
int call_switch(struct __sk_buff *skb)
{
	switch (skb->mark & 3) {
	case 0: return h0(skb->priority);
	case 1: return h1(skb->priority);
	case 2: return h2(skb->priority);
	default: return h3(skb->priority);
	}
}

SEC("tc")
int call_table(struct __sk_buff *skb)
{
	return handlers[skb->mark & 3](skb->priority);
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} tail_progs SEC(".maps");

SEC("tc")
int call_tail(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &tail_progs, skb->mark & 3);
	return 0;
}

#define TAIL(i)								\
SEC("tc")								\
int tail_##i(struct __sk_buff *skb)					\
{									\
	return work(i, skb->priority);					\
}
TAIL(0)
TAIL(1)
TAIL(2)
TAIL(3)

char _license[] SEC("license") = "GPL";
