// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model: an interpreter of the instructions the generator
 * emits, run on the program as user space wrote it (before any rewrite
 * of the verifier).  Registers carry a kind, so that jump table entries,
 * function addresses and pointers stay symbolic: a gotox goes to the
 * orig_off of the entry loaded, a callx to the function.  Anything the
 * generator should not have produced (an uninitialized register or
 * stack byte, an odd pointer operation) is an error of the model run.
 */
#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <stdarg.h>
#include "fuzz.h"

#define FRAME_SIZE	512
#define MAX_FRAMES	12
#define STACK_SIZE	(FRAME_SIZE * MAX_FRAMES)
#define MAX_STEPS	4000000
#define BPF_MAX_LOOPS	(8 * 1024 * 1024)

enum { K_UNINIT, K_SCALAR, K_CTX, K_STACK, K_TABLE, K_CODE, K_FUNC, K_MAP, K_MAPVAL };

struct val {
	u64 v;
	int k;
	int t;			/* K_TABLE: the table */
};

struct model {
	const struct prog *p;
	const struct input *in;
	u32 cb[5];
	u64 steps;
	u32 gotox;
	u32 callx;
	int depth;
	bool failed;
	char *why;
	int whylen;
	/* per frame, cleared on entry */
	u8 mem[STACK_SIZE];
	u8 init[STACK_SIZE];
	struct val slot[STACK_SIZE / 8];
};

static struct model model_state;

static void fail(struct model *m, u32 pc, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->failed)
		return;
	m->failed = true;
	n = snprintf(m->why, m->whylen, "model: insn %u: ", pc);
	va_start(ap, fmt);
	if (n >= 0 && n < m->whylen)
		vsnprintf(m->why + n, m->whylen - n, fmt, ap);
	va_end(ap);
}

static struct val scalar(u64 v)
{
	struct val x = { .v = v, .k = K_SCALAR };

	return x;
}

static bool is_ptr(const struct val *x)
{
	return x->k != K_SCALAR && x->k != K_UNINIT;
}

static u64 do_alu64(struct model *m, u32 pc, u8 op, s16 off, u64 d, u64 s, s32 imm)
{
	switch (op) {
	case BPF_ADD:	return d + s;
	case BPF_SUB:	return d - s;
	case BPF_MUL:	return d * s;
	case BPF_OR:	return d | s;
	case BPF_AND:	return d & s;
	case BPF_XOR:	return d ^ s;
	case BPF_LSH:	return d << (s & 63);
	case BPF_RSH:	return d >> (s & 63);
	case BPF_ARSH:	return (u64)((s64)d >> (s & 63));
	case BPF_NEG:	return -d;
	case BPF_MOV:
		if (off == 8)
			return (u64)(s64)(int8_t)s;
		if (off == 16)
			return (u64)(s64)(int16_t)s;
		if (off == 32)
			return (u64)(s64)(s32)s;
		return s;
	case BPF_DIV:
		if (!s)
			return 0;
		if (off != 1)
			return d / s;
		if ((s64)s == -1)
			return -d;
		return (u64)((s64)d / (s64)s);
	case BPF_MOD:
		if (!s)
			return d;
		if (off != 1)
			return d % s;
		if ((s64)s == -1)
			return 0;
		return (u64)((s64)d % (s64)s);
	case BPF_END:
		switch (imm) {
		case 16:	return __builtin_bswap16(d);
		case 32:	return __builtin_bswap32(d);
		default:	return __builtin_bswap64(d);
		}
	}
	fail(m, pc, "ALU64 op %#x", op);
	return 0;
}

static u32 do_alu32(struct model *m, u32 pc, u8 op, u8 src, s16 off, u32 d, u32 s,
		    s32 imm)
{
	switch (op) {
	case BPF_ADD:	return d + s;
	case BPF_SUB:	return d - s;
	case BPF_MUL:	return d * s;
	case BPF_OR:	return d | s;
	case BPF_AND:	return d & s;
	case BPF_XOR:	return d ^ s;
	case BPF_LSH:	return d << (s & 31);
	case BPF_RSH:	return d >> (s & 31);
	case BPF_ARSH:	return (u32)((s32)d >> (s & 31));
	case BPF_NEG:	return -d;
	case BPF_MOV:
		if (off == 8)
			return (u32)(s32)(int8_t)s;
		if (off == 16)
			return (u32)(s32)(int16_t)s;
		return s;
	case BPF_DIV:
		if (!s)
			return 0;
		if (off != 1)
			return d / s;
		if ((s32)s == -1)
			return -d;
		return (u32)((s32)d / (s32)s);
	case BPF_MOD:
		if (!s)
			return d;
		if (off != 1)
			return d % s;
		if ((s32)s == -1)
			return 0;
		return (u32)((s32)d % (s32)s);
	}
	fail(m, pc, "ALU op %#x", op);
	return 0;
}

/* BPF_ALU | BPF_END: to little endian truncates, to big endian swaps */
static u64 do_end32(u8 src, u64 d, s32 imm)
{
	if (src == BPF_K) {
		if (imm == 16)
			return (u16)d;
		if (imm == 32)
			return (u32)d;
		return d;
	}
	if (imm == 16)
		return __builtin_bswap16(d);
	if (imm == 32)
		return __builtin_bswap32(d);
	return __builtin_bswap64(d);
}

static void step_alu(struct model *m, u32 pc, struct val *r, const struct bpf_insn *i)
{
	bool is64 = BPF_CLASS(i->code) == BPF_ALU64;
	u8 op = BPF_OP(i->code), srcm = BPF_SRC(i->code);
	struct val *d = &r[i->dst_reg], s;

	if (i->dst_reg > BPF_REG_9) {
		fail(m, pc, "write to r%u", i->dst_reg);
		return;
	}
	if (op == BPF_NEG || op == BPF_END)
		s = scalar(0);
	else if (srcm == BPF_X)
		s = r[i->src_reg];
	else
		s = scalar(is64 ? (u64)(s64)i->imm : (u32)i->imm);
	if (s.k == K_UNINIT || (op != BPF_MOV && d->k == K_UNINIT)) {
		fail(m, pc, "uninitialized register");
		return;
	}
	if (op == BPF_MOV && is64 && srcm == BPF_X && !i->off) {
		*d = s;
		return;
	}
	if (is64 && (op == BPF_ADD || op == BPF_SUB) && is_ptr(d) && !is_ptr(&s)) {
		d->v = op == BPF_ADD ? d->v + s.v : d->v - s.v;
		return;
	}
	if (is_ptr(d) && op != BPF_MOV) {
		fail(m, pc, "ALU on a pointer");
		return;
	}
	if (is_ptr(&s)) {
		fail(m, pc, "pointer as ALU source");
		return;
	}
	if (op == BPF_MOV)
		d->v = 0;
	d->k = K_SCALAR;
	if (is64)
		d->v = do_alu64(m, pc, op, i->off, d->v, s.v, i->imm);
	else if (op == BPF_END)
		d->v = do_end32(srcm, d->v, i->imm);
	else
		d->v = do_alu32(m, pc, op, srcm, i->off, d->v, s.v, i->imm);
}

static bool cond(u8 op, bool is64, u64 a, u64 b)
{
	s64 sa = is64 ? (s64)a : (s32)a, sb = is64 ? (s64)b : (s32)b;

	if (!is64) {
		a = (u32)a;
		b = (u32)b;
	}
	switch (op) {
	case BPF_JEQ:	return a == b;
	case BPF_JNE:	return a != b;
	case BPF_JGT:	return a > b;
	case BPF_JGE:	return a >= b;
	case BPF_JLT:	return a < b;
	case BPF_JLE:	return a <= b;
	case BPF_JSGT:	return sa > sb;
	case BPF_JSGE:	return sa >= sb;
	case BPF_JSLT:	return sa < sb;
	case BPF_JSLE:	return sa <= sb;
	case BPF_JSET:	return a & b;
	}
	return false;
}

static u32 size_of(u8 sz)
{
	switch (sz) {
	case BPF_B:	return 1;
	case BPF_H:	return 2;
	case BPF_W:	return 4;
	default:	return 8;
	}
}

static bool stack_range(struct model *m, u32 pc, u64 addr, u32 size)
{
	if (addr >= STACK_SIZE || addr + size > STACK_SIZE) {
		fail(m, pc, "stack access out of range");
		return false;
	}
	return true;
}

static struct val load_stack(struct model *m, u32 pc, u64 addr, u32 size)
{
	u64 v = 0;
	u32 b;

	if (!stack_range(m, pc, addr, size))
		return scalar(0);
	if (size == 8 && !(addr % 8) && is_ptr(&m->slot[addr / 8]))
		return m->slot[addr / 8];
	for (b = 0; b < size; b++) {
		if (!m->init[addr + b] || is_ptr(&m->slot[(addr + b) / 8])) {
			fail(m, pc, "read of uninitialized stack at fp%+d",
			     (int)(addr % FRAME_SIZE) - FRAME_SIZE);
			return scalar(0);
		}
		v |= (u64)m->mem[addr + b] << (8 * b);
	}
	return scalar(v);
}

static void store_stack(struct model *m, u32 pc, u64 addr, u32 size, struct val x)
{
	u32 b;

	if (!stack_range(m, pc, addr, size))
		return;
	if (is_ptr(&x) && (size != 8 || addr % 8)) {
		fail(m, pc, "partial spill of a pointer");
		return;
	}
	for (b = 0; b < size; b++) {
		m->mem[addr + b] = x.v >> (8 * b);
		m->init[addr + b] = 1;
		m->slot[(addr + b) / 8] = scalar(0);
	}
	if (is_ptr(&x))
		m->slot[addr / 8] = x;
}

static struct val load_ctx(struct model *m, u32 pc, s64 off, u32 size)
{
	if (size != 4)
		goto bad;
	switch (off) {
	case offsetof(struct __sk_buff, len):
		return scalar(m->in->pkt_len - 14);
	case offsetof(struct __sk_buff, mark):
		return scalar(m->in->mark);
	case offsetof(struct __sk_buff, priority):
		return scalar(m->in->priority);
	}
	if (off >= (s64)offsetof(struct __sk_buff, cb[0]) &&
	    off <= (s64)offsetof(struct __sk_buff, cb[4]) && !(off % 4))
		return scalar(m->cb[(off - offsetof(struct __sk_buff, cb[0])) / 4]);
bad:
	fail(m, pc, "context read at %lld size %u", (long long)off, size);
	return scalar(0);
}

static struct val load_table(struct model *m, u32 pc, const struct val *base,
			     s64 off, u32 size)
{
	const struct table *t = &m->p->tab[base->t];
	u64 at = base->v + off;
	struct val x = { .k = t->kind == TAB_FUNC ? K_FUNC : K_CODE };

	if (size != 8 || at % 8 || at / 8 >= t->n) {
		fail(m, pc, "bad load from table %d at %llu", base->t,
		     (unsigned long long)at);
		return scalar(0);
	}
	x.v = t->off[at / 8];
	return x;
}

static struct val load(struct model *m, u32 pc, const struct val *base, s16 off,
		       u32 size)
{
	u64 at = base->v + off, v = 0;
	u32 b;

	switch (base->k) {
	case K_STACK:
		return load_stack(m, pc, at, size);
	case K_CTX:
		return load_ctx(m, pc, off + (s64)base->v, size);
	case K_TABLE:
		return load_table(m, pc, base, off, size);
	case K_MAPVAL:
		if (at + size > ARRAY_ENTRIES * 8)
			break;
		for (b = 0; b < size; b++)
			v |= (u64)((m->p->array[(at + b) / 8] >> (8 * ((at + b) % 8))) & 0xff)
			     << (8 * b);
		return scalar(v);
	}
	fail(m, pc, "load through a register of kind %d", base->k);
	return scalar(0);
}

static void store(struct model *m, u32 pc, const struct val *base, s16 off, u32 size,
		  struct val x)
{
	s64 at = (s64)base->v + off;

	if (x.k == K_UNINIT) {
		fail(m, pc, "store of an uninitialized register");
		return;
	}
	if (base->k == K_STACK) {
		store_stack(m, pc, at, size, x);
		return;
	}
	if (base->k == K_CTX && size == 4 && !is_ptr(&x) &&
	    at >= (s64)offsetof(struct __sk_buff, cb[0]) &&
	    at <= (s64)offsetof(struct __sk_buff, cb[4]) && !(at % 4)) {
		m->cb[(at - offsetof(struct __sk_buff, cb[0])) / 4] = x.v;
		return;
	}
	fail(m, pc, "store through a register of kind %d", base->k);
}

static struct val run_func(struct model *m, u32 pc, const struct val *args);

static struct val helper(struct model *m, u32 pc, struct val *r, s32 id)
{
	struct val args[5], ret;
	u64 nr, i;

	switch (id) {
	case BPF_FUNC_get_smp_processor_id:
	case BPF_FUNC_get_numa_node_id:
		return scalar(0);
	case BPF_FUNC_map_lookup_elem:
		if (r[1].k != K_MAP || r[2].k != K_STACK)
			break;
		nr = load_stack(m, pc, r[2].v, 4).v;
		if (nr >= ARRAY_ENTRIES)
			return scalar(0);
		ret = scalar(nr * 8);
		ret.k = K_MAPVAL;
		return ret;
	case BPF_FUNC_loop:
		if (r[1].k != K_SCALAR || r[2].k != K_FUNC || r[4].k != K_SCALAR)
			break;
		if (r[4].v)
			return scalar(-22);
		nr = (u32)r[1].v;
		if (nr > BPF_MAX_LOOPS)
			return scalar(-7);
		for (i = 0; i < nr && !m->failed; i++) {
			memset(args, 0, sizeof(args));
			args[0] = scalar(i);
			args[1] = r[3];
			ret = run_func(m, r[2].v, args);
			if (ret.v)
				return scalar(i + 1);
		}
		return scalar(nr);
	}
	fail(m, pc, "helper %d with these arguments", id);
	return scalar(0);
}

static struct val call(struct model *m, u32 pc, struct val *r, u32 target)
{
	struct val ret = run_func(m, target, &r[1]);
	int i;

	for (i = 1; i <= 5; i++)
		r[i].k = K_UNINIT;
	return ret;
}

/* One step of a jump or call; returns the next pc, or -1 at exit */
static s64 step_jmp(struct model *m, u32 pc, struct val *r, const struct bpf_insn *i)
{
	bool is64 = BPF_CLASS(i->code) == BPF_JMP;
	u8 op = BPF_OP(i->code);
	struct val *d = &r[i->dst_reg], s;

	switch (op) {
	case BPF_JA:
		if (BPF_SRC(i->code) == BPF_X) {
			if (d->k != K_CODE)
				break;
			m->gotox++;
			return d->v;
		}
		return pc + 1 + (is64 ? i->off : i->imm);
	case BPF_CALL:
		if (BPF_SRC(i->code) == BPF_X) {
			if (d->k != K_FUNC)
				break;
			m->callx++;
			r[0] = call(m, pc, r, d->v);
		} else if (i->src_reg == BPF_PSEUDO_CALL) {
			r[0] = call(m, pc, r, pc + 1 + i->imm);
		} else {
			r[0] = helper(m, pc, r, i->imm);
			for (int k = 1; k <= 5; k++)
				r[k].k = K_UNINIT;
		}
		return pc + 1;
	case BPF_EXIT:
		return -1;
	case BPF_JCOND:
		/* may_goto: the budget of BPF_MAX_LOOPS is never spent here */
		return pc + 1;
	}
	if (op == BPF_JA || op == BPF_CALL)
		goto bad;
	s = BPF_SRC(i->code) == BPF_X ? r[i->src_reg] :
	    scalar(is64 ? (u64)(s64)i->imm : (u32)i->imm);
	if (d->k == K_UNINIT || s.k == K_UNINIT)
		goto bad;
	if (is_ptr(d) || is_ptr(&s)) {
		/* only a pointer against NULL */
		if (is_ptr(&s) || s.v || (op != BPF_JEQ && op != BPF_JNE))
			goto bad;
		return pc + 1 + (op == BPF_JNE ? i->off : 0);
	}
	return pc + 1 + (cond(op, is64, d->v, s.v) ? i->off : 0);
bad:
	fail(m, pc, "jump %#x on registers of kind %d", i->code, d->k);
	return -1;
}

static void step_ld64(struct model *m, u32 pc, struct val *r, const struct bpf_insn *i)
{
	struct val *d = &r[i->dst_reg];

	d->t = 0;
	switch (i->src_reg) {
	case 0:
		*d = scalar((u32)i[0].imm | (u64)(u32)i[1].imm << 32);
		return;
	case BPF_PSEUDO_MAP_VALUE:
		if (i->imm < 0 || i->imm >= m->p->ntab)
			break;
		d->k = K_TABLE;
		d->t = i->imm;
		d->v = (u32)i[1].imm;
		return;
	case BPF_PSEUDO_MAP_FD:
		if (i->imm != ARRAY_MAP_ID)
			break;
		d->k = K_MAP;
		d->v = 0;
		return;
	case BPF_PSEUDO_FUNC:
		d->k = K_FUNC;
		d->v = pc + 1 + i->imm;
		return;
	}
	fail(m, pc, "ld_imm64 src %u", i->src_reg);
}

static struct val run_func(struct model *m, u32 pc, const struct val *args)
{
	struct val r[11], ret = scalar(0);
	const struct bpf_insn *i;
	u32 base;
	s64 next;
	int k;

	if (m->depth + 1 >= MAX_FRAMES) {
		fail(m, pc, "call depth");
		return ret;
	}
	m->depth++;
	base = (m->depth - 1) * FRAME_SIZE;
	memset(&m->init[base], 0, FRAME_SIZE);
	for (k = base / 8; k < (int)(base + FRAME_SIZE) / 8; k++)
		m->slot[k] = scalar(0);
	memset(r, 0, sizeof(r));
	for (k = 0; k < 5; k++)
		r[k + 1] = args[k];
	r[10].k = K_STACK;
	r[10].v = base + FRAME_SIZE;

	while (!m->failed) {
		if (++m->steps > MAX_STEPS) {
			fail(m, pc, "more than %d steps", MAX_STEPS);
			break;
		}
		if (pc >= m->p->len) {
			fail(m, pc, "pc out of the program");
			break;
		}
		i = &m->p->insn[pc];
		switch (BPF_CLASS(i->code)) {
		case BPF_ALU:
		case BPF_ALU64:
			step_alu(m, pc, r, i);
			pc++;
			break;
		case BPF_LD:
			if (!is_ldimm64(i) || pc + 1 >= m->p->len || i->dst_reg > BPF_REG_9) {
				fail(m, pc, "BPF_LD %#x", i->code);
				break;
			}
			step_ld64(m, pc, r, i);
			pc += 2;
			break;
		case BPF_LDX:
			if (BPF_MODE(i->code) != BPF_MEM || i->dst_reg > BPF_REG_9) {
				fail(m, pc, "BPF_LDX %#x", i->code);
				break;
			}
			r[i->dst_reg] = load(m, pc, &r[i->src_reg], i->off,
					     size_of(BPF_SIZE(i->code)));
			pc++;
			break;
		case BPF_ST:
		case BPF_STX:
			if (BPF_MODE(i->code) != BPF_MEM) {
				fail(m, pc, "store %#x", i->code);
				break;
			}
			store(m, pc, &r[i->dst_reg], i->off, size_of(BPF_SIZE(i->code)),
			      BPF_CLASS(i->code) == BPF_ST ? scalar((s64)i->imm) :
							     r[i->src_reg]);
			pc++;
			break;
		default:
			next = step_jmp(m, pc, r, i);
			if (next < 0) {
				if (!m->failed && r[0].k != K_SCALAR)
					fail(m, pc, "exit with r0 of kind %d", r[0].k);
				ret = r[0];
				goto out;
			}
			pc = next;
			break;
		}
	}
out:
	m->depth--;
	return ret;
}

void model_run(const struct prog *p, const struct input *in, struct output *out,
	       char *why, int whylen)
{
	struct model *m = &model_state;
	struct val args[5], ret;

	memset(m, 0, offsetof(struct model, mem));
	m->p = p;
	m->in = in;
	m->why = why;
	m->whylen = whylen;
	memcpy(m->cb, in->cb, sizeof(m->cb));
	memset(args, 0, sizeof(args));
	args[0].k = K_CTX;
	ret = run_func(m, 0, args);
	memset(out, 0, sizeof(*out));
	out->err = m->failed ? -1 : 0;
	out->retval = ret.v;
	memcpy(out->cb, m->cb, sizeof(out->cb));
	out->gotox = m->gotox;
	out->callx = m->callx;
}
