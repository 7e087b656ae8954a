/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz: a differential fuzzer of gotox and callx.  Shared definitions of
 * the generator (gen.c), the mutator (mutate.c), the reference model
 * (model.c), the kernel side (kern.c) and the printer (dump.c).
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define MAX_INSNS	8192
#define MAX_FUNCS	16
#define MAX_TABLES	48
#define MAX_ENTRIES	256
#define MAX_LEVEL	4
#define ARRAY_ENTRIES	16

/* imm of the ld_imm64 BPF_PSEUDO_MAP_FD of the array map, before loading */
#define ARRAY_MAP_ID	1000

/*
 * A helper that returns 0 in a guest of one CPU, inlined by the x86 JIT.
 * The arm64 6.12 verifier leaves a call of bpf_get_smp_processor_id()
 * unresolved whenever its JIT could inline it, also in programs that the
 * interpreter runs, which then jump to __bpf_call_base + 8 (BTI panic):
 * there the fuzzer calls bpf_get_numa_node_id() instead.
 */
#ifdef __aarch64__
#define ZERO_HELPER	BPF_FUNC_get_numa_node_id
#else
#define ZERO_HELPER	BPF_FUNC_get_smp_processor_id
#endif

/* Features, in the mask of -F: a set bit leaves the feature out. */
enum {
	F_SWITCH	= 1 << 0,	/* gotox through jump tables */
	F_CALLX		= 1 << 1,	/* callx of BPF_PSEUDO_FUNC addresses */
	F_FTABLE	= 1 << 2,	/* callx through function tables */
	F_LOOP		= 1 << 3,	/* bounded loops */
	F_MAY_GOTO	= 1 << 4,	/* may_goto in loops, over blocks, first */
	F_BPF_LOOP	= 1 << 5,	/* bpf_loop() with a callback */
	F_CALL		= 1 << 6,	/* direct bpf-to-bpf calls */
	F_GLOBAL	= 1 << 7,	/* global functions */
	F_DEAD		= 1 << 8,	/* dead branches, unused functions */
	F_NOP		= 1 << 9,	/* ja +0 */
	F_HELPER	= 1 << 10,	/* inlined helpers, array map lookups */
	F_HARDEN	= 1 << 11,	/* bpf_jit_harden 1 and 2 */
	F_RESTRICT	= 1 << 12,	/* loads with CAP_BPF only */
	F_MUTATE	= 1 << 13,	/* a share of the programs mutated */
	F_LARGE		= 1 << 14,	/* half the programs: up to 8 longer functions */
};

enum { TAB_JUMP, TAB_FUNC };

/* A jump table or a function table: one insn_array map per load. */
struct table {
	int kind;
	int func;		/* jump table: the function that uses it */
	int arity;		/* function table: of its functions */
	u32 n;			/* entries (max_entries) */
	u32 btf_array;		/* function table: its BTF array type */
	/* function table: given as read-only data, a frozen
	 * BPF_F_RDONLY_PROG array map whose BTF (DATASEC btf_datasec) is an
	 * array of function pointers holding their byte offsets
	 */
	bool rodata;
	u32 btf_datasec;
	int ref[MAX_ENTRIES];	/* before linking: label or function */
	u32 off[MAX_ENTRIES];	/* orig_off */
};

struct func {
	int level;		/* callers have a lower one: no recursion */
	int arity;
	bool global;
	bool callback;		/* called by bpf_loop() only */
	bool unused;		/* never called, address taken at most */
	u32 start;		/* first instruction, after linking */
	u32 btf_id;		/* its BTF_KIND_FUNC */
};

struct prog {
	struct bpf_insn insn[MAX_INSNS];
	u32 len;
	struct func func[MAX_FUNCS];
	int nfunc;
	struct table tab[MAX_TABLES];
	int ntab;
	bool large;		/* up to 8 functions, longer ones */
	bool btf;		/* load with BTF and func_info */
	int order[MAX_FUNCS];	/* functions in the order of the code */
	struct bpf_func_info finfo[MAX_FUNCS];
	int nfinfo;
	u64 array[ARRAY_ENTRIES];	/* contents of the array map */
	int harden;		/* net.core.bpf_jit_harden for the JIT load */
	bool restricted;	/* loaded with CAP_BPF, no CAP_PERFMON */
	bool mutated;
	bool jit_only;		/* bpf_loop(): the interpreter refuses it */
	char mutations[256];	/* what the mutator did */
};

/* One input of BPF_PROG_TEST_RUN: the __sk_buff fields and the packet. */
struct input {
	u32 mark;
	u32 priority;
	u32 cb[5];
	u32 pkt_len;		/* bytes of packet, skb->len is 14 less */
	u8 pkt[128];
};

struct output {
	int err;		/* of the run, or the model's error */
	u32 retval;
	u32 cb[5];
	/* the model's run: gotox and callx executed */
	u32 gotox;
	u32 callx;
};

/* splitmix64 */
struct rng {
	u64 s;
};

static inline u64 rng_next(struct rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static inline u32 rnd(struct rng *r, u32 n)
{
	return n ? rng_next(r) % n : 0;
}

/* true with probability pct % */
static inline bool chance(struct rng *r, u32 pct)
{
	return rnd(r, 100) < pct;
}

/* gen.c */
void gen_prog(struct prog *p, struct rng *r, u32 features);
void gen_input(struct input *in, struct rng *r);
bool is_ldimm64(const struct bpf_insn *insn);

/* mutate.c */
void mutate_prog(struct prog *p, struct rng *r);

/* model.c */
void model_run(const struct prog *p, const struct input *in,
	       struct output *out, char *why, int whylen);

/* dump.c */
void dump_prog(const struct prog *p);
void dump_input(const struct input *in);

/* kern.c */
struct loaded {
	int fd;			/* -1 if refused */
	int err;		/* errno of the refusal, EAGAIN: timed out */
	bool jited;
	u32 verified;		/* insns the verifier processed */
	int map_fd[MAX_TABLES];
	int nmap;
};

int kern_init(u32 timeout);
void kern_fini(void);
void kern_reset(struct loaded *l);
int kern_set_array(const struct prog *p);
int kern_btf(const struct prog *p);
void kern_load(const struct prog *p, int btf_fd, bool jit, char *log,
	       u32 log_size, struct loaded *l);
void kern_unload(struct loaded *l);
void kern_run(const struct loaded *l, const struct input *in,
	      struct output *out);
int kern_splat(char *buf, int size);

#endif
