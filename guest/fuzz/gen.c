// SPDX-License-Identifier: GPL-2.0
/*
 * The generator: random valid socket filters built of statements (ALU,
 * if/else, switches through jump tables, bounded loops, direct calls,
 * callx of BPF_PSEUDO_FUNC addresses and through function tables,
 * bpf_loop(), helpers, dead branches, nops) over a few functions.
 *
 * Every function keeps its values in 8-byte stack slots: the variables,
 * two loop counters, the bpf_loop() context and a scratch slot.  r6 is
 * the accumulator that the function returns, r9 the context (main) or
 * the bpf_loop() context pointer (callbacks).  r0-r5 only live within a
 * statement.  Functions only call functions of a higher level, so there
 * is no recursion, and every instruction is reachable in the CFG.
 */
#include <string.h>
#include <stddef.h>
#include "fuzz.h"

#define FUNC_INSNS	4096
#define MAX_LABELS	8192
#define MAX_RELOCS	8192
#define MAX_DEPTH	3

enum { R_JMP, R_JMP32, R_CALL, R_FUNC };

struct label {
	int func;
	int at;
};

struct reloc {
	int func;
	int at;
	int kind;
	int target;
};

struct gen {
	struct prog *p;
	struct rng *r;
	u32 features;
	struct bpf_insn code[MAX_FUNCS][FUNC_INSNS];
	int len[MAX_FUNCS];
	struct label lbl[MAX_LABELS];
	int nlbl;
	struct reloc rel[MAX_RELOCS];
	int nrel;
	bool refs[MAX_FUNCS][MAX_FUNCS];
	bool cb_ret_acc[MAX_FUNCS];
	/* the function being generated */
	int fn;
	int nvars;
	int loops;
	int soft;		/* no new statements past this length */
	int switches;
	int calls;
};

static struct gen gen_state;

static struct bpf_insn insn(u8 code, u8 dst, u8 src, s16 off, s32 imm)
{
	struct bpf_insn i = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm,
	};

	return i;
}

bool is_ldimm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool has(struct gen *g, u32 feature)
{
	return !(g->features & feature);
}

static struct func *cur(struct gen *g)
{
	return &g->p->func[g->fn];
}

static void emit(struct gen *g, struct bpf_insn i)
{
	if (g->len[g->fn] < FUNC_INSNS)
		g->code[g->fn][g->len[g->fn]] = i;
	g->len[g->fn]++;
}

static bool room(struct gen *g)
{
	return g->len[g->fn] < g->soft;
}

static int new_label(struct gen *g)
{
	int l = g->nlbl++;

	g->lbl[l].func = g->fn;
	g->lbl[l].at = -1;
	return l;
}

static void place(struct gen *g, int l)
{
	g->lbl[l].at = g->len[g->fn];
}

static void add_reloc(struct gen *g, int kind, int target)
{
	struct reloc *rl = &g->rel[g->nrel++];

	rl->func = g->fn;
	rl->at = g->len[g->fn];
	rl->kind = kind;
	rl->target = target;
}

/* Conditional jump (or may_goto) to label @l */
static void emit_jcc(struct gen *g, u8 code, u8 dst, u8 src, s32 imm, int l)
{
	add_reloc(g, BPF_CLASS(code) == BPF_JMP32 && BPF_OP(code) == BPF_JA ?
		  R_JMP32 : R_JMP, l);
	emit(g, insn(code, dst, src, 0, imm));
}

static void emit_ja(struct gen *g, int l)
{
	if (chance(g->r, 10))
		emit_jcc(g, BPF_JMP32 | BPF_JA, 0, 0, 0, l);
	else
		emit_jcc(g, BPF_JMP | BPF_JA, 0, 0, 0, l);
}

static void emit_ld64(struct gen *g, u8 dst, u8 src, s32 lo, s32 hi)
{
	emit(g, insn(BPF_LD | BPF_IMM | BPF_DW, dst, src, 0, lo));
	emit(g, insn(0, 0, 0, 0, hi));
}

static void emit_ldfunc(struct gen *g, u8 dst, int f)
{
	g->refs[g->fn][f] = true;
	add_reloc(g, R_FUNC, f);
	emit_ld64(g, dst, BPF_PSEUDO_FUNC, 0, 0);
}

static void emit_table_addr(struct gen *g, u8 dst, int t, u32 entry)
{
	struct table *tab = &g->p->tab[t];
	u32 i;

	if (tab->kind == TAB_FUNC)
		for (i = 0; i < tab->n; i++)
			g->refs[g->fn][tab->ref[i]] = true;
	emit_ld64(g, dst, BPF_PSEUDO_MAP_VALUE, t, entry * 8);
}

static void emit_call(struct gen *g, int f)
{
	g->refs[g->fn][f] = true;
	add_reloc(g, R_CALL, f);
	emit(g, insn(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 0));
}

static void emit_helper(struct gen *g, int id)
{
	emit(g, insn(BPF_JMP | BPF_CALL, 0, 0, 0, id));
}

static void emit_nop(struct gen *g)
{
	if (chance(g->r, 25))
		emit(g, insn(BPF_JMP32 | BPF_JA, 0, 0, 0, 0));
	else
		emit(g, insn(BPF_JMP | BPF_JA, 0, 0, 0, 0));
}

/* Stack slots of the current function */
static s16 var_off(struct gen *g, int v)
{
	return -8 * (v + 1);
}

static s16 cnt_off(struct gen *g, int d)
{
	return -8 * (g->nvars + 1 + d);
}

static s16 loopctx_off(struct gen *g)
{
	return -8 * (g->nvars + 3);
}

static s16 tmp_off(struct gen *g)
{
	return -8 * (g->nvars + 4);
}

static s16 rnd_var(struct gen *g)
{
	return var_off(g, rnd(g->r, g->nvars));
}

static s32 pick_imm(struct gen *g)
{
	static const s32 special[] = {
		0, 1, -1, 2, 3, 7, 8, 255, 256, 0x7fffffff, (s32)0x80000000,
		0xffff, 0x10000, -256,
	};

	switch (rnd(g->r, 4)) {
	case 0:
		return special[rnd(g->r, sizeof(special) / sizeof(special[0]))];
	case 1:
		return rnd(g->r, 17);
	case 2:
		return (s32)rng_next(g->r);
	default:
		return (s32)rnd(g->r, 1000) - 500;
	}
}

/* Put a value in @reg: a variable, the accumulator or a constant. */
static void load_operand(struct gen *g, u8 reg)
{
	u32 w = rnd(g->r, 100);

	if (w < 45)
		emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, reg, BPF_REG_10, rnd_var(g), 0));
	else if (w < 70)
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, reg, BPF_REG_6, 0, 0));
	else if (w < 85)
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, reg, 0, 0, pick_imm(g)));
	else if (w < 93)
		emit_ld64(g, reg, 0, (s32)rng_next(g->r), (s32)rng_next(g->r));
	else
		emit(g, insn(BPF_LDX | BPF_MEM | BPF_W, reg, BPF_REG_10, rnd_var(g), 0));
}

/* Fold r0 into the function's state */
static void use_result(struct gen *g, u8 reg)
{
	static const u8 ops[] = { BPF_ADD, BPF_XOR, BPF_SUB };

	if (chance(g->r, 35))
		emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, reg, rnd_var(g), 0));
	else
		emit(g, insn(BPF_ALU64 | ops[rnd(g->r, 3)] | BPF_X, BPF_REG_6, reg, 0, 0));
}

static void emit_exit(struct gen *g)
{
	struct func *f = cur(g);

	emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_6, 0, 0));
	if (f->callback) {
		if (g->cb_ret_acc[g->fn])
			emit(g, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_0, 0, 0, 1));
		else
			emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0));
	}
	emit(g, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static bool gen_block(struct gen *g, int depth, int max, bool can_exit);

static void stmt_alu(struct gen *g)
{
	static const u8 ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND, BPF_LSH,
		BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV, BPF_ARSH, BPF_END,
	};
	u8 op = ops[rnd(g->r, sizeof(ops))];
	bool alu32 = chance(g->r, 30);
	u8 cls = alu32 ? BPF_ALU : BPF_ALU64;
	u8 bits = alu32 ? 32 : 64;
	bool x = chance(g->r, 40);
	s16 off = 0;
	s32 imm;

	load_operand(g, BPF_REG_1);
	switch (op) {
	case BPF_NEG:
		emit(g, insn(cls | BPF_NEG | BPF_K, BPF_REG_1, 0, 0, 0));
		break;
	case BPF_END:
		imm = 16 << rnd(g->r, 3);
		if (!alu32)
			emit(g, insn(BPF_ALU64 | BPF_END | BPF_K, BPF_REG_1, 0, 0, imm));
		else
			emit(g, insn(BPF_ALU | BPF_END | (chance(g->r, 50) ? BPF_X : BPF_K),
				     BPF_REG_1, 0, 0, imm));
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (x) {
			load_operand(g, BPF_REG_2);
			emit(g, insn(cls | op | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0));
		} else {
			emit(g, insn(cls | op | BPF_K, BPF_REG_1, 0, 0, rnd(g->r, bits)));
		}
		break;
	case BPF_DIV:
	case BPF_MOD:
		off = chance(g->r, 30);
		if (x) {
			load_operand(g, BPF_REG_2);
			emit(g, insn(cls | op | BPF_X, BPF_REG_1, BPF_REG_2, off, 0));
		} else {
			imm = pick_imm(g);
			emit(g, insn(cls | op | BPF_K, BPF_REG_1, 0, off, imm ? imm : 3));
		}
		break;
	case BPF_MOV:
		/* sign-extending moves */
		load_operand(g, BPF_REG_2);
		off = alu32 ? 8 << rnd(g->r, 2) : 8 << rnd(g->r, 3);
		emit(g, insn(cls | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_2, off, 0));
		break;
	default:
		if (x) {
			load_operand(g, BPF_REG_2);
			emit(g, insn(cls | op | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0));
		} else {
			emit(g, insn(cls | op | BPF_K, BPF_REG_1, 0, 0, pick_imm(g)));
		}
		break;
	}
	use_result(g, BPF_REG_1);
}

static u8 pick_cond(struct gen *g)
{
	static const u8 ops[] = {
		BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSGT,
		BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET,
	};

	return ops[rnd(g->r, sizeof(ops))];
}

static void stmt_if(struct gen *g, int depth)
{
	int l_else = new_label(g), l_end = new_label(g);
	u8 cls = chance(g->r, 25) ? BPF_JMP32 : BPF_JMP;
	u8 op = pick_cond(g);

	load_operand(g, BPF_REG_1);
	if (chance(g->r, 35)) {
		load_operand(g, BPF_REG_2);
		emit_jcc(g, cls | op | BPF_X, BPF_REG_1, BPF_REG_2, 0, l_else);
	} else {
		emit_jcc(g, cls | op | BPF_K, BPF_REG_1, 0, pick_imm(g), l_else);
	}
	if (!gen_block(g, depth + 1, 3, true))
		emit_ja(g, l_end);
	place(g, l_else);
	gen_block(g, depth + 1, 3, false);
	place(g, l_end);
}

static int new_table(struct gen *g, u32 n)
{
	struct table *t = &g->p->tab[g->p->ntab];

	memset(t, 0, sizeof(*t));
	t->kind = TAB_JUMP;
	t->func = g->fn;
	t->n = n;
	return g->p->ntab++;
}

static u32 table_size(struct gen *g)
{
	u32 w = rnd(g->r, 100);

	if (g->loops)
		return 1 + rnd(g->r, 8);
	if (w < 15)
		return 1;
	if (w < 55)
		return 2 + rnd(g->r, 7);
	if (w < 80)
		return 9 + rnd(g->r, 24);
	return 33 + rnd(g->r, 224);
}

/*
 * Load entry r1 of table @t (r1 scaled to bytes here) and leave the
 * address in a register, which is returned.
 */
static u8 load_entry(struct gen *g, int t, u8 first)
{
	static const u8 regs[] = { BPF_REG_0, BPF_REG_3, BPF_REG_4, BPF_REG_5,
				   BPF_REG_7, BPF_REG_8 };
	/* the address of the middle of the table: out of it for a moment,
	 * which Spectre hardening refuses
	 */
	u32 m = !g->p->restricted && chance(g->r, 20) ? rnd(g->r, g->p->tab[t].n) : 0;
	u8 r = first;

	if (chance(g->r, 70))
		emit(g, insn(BPF_ALU64 | BPF_LSH | BPF_K, BPF_REG_1, 0, 0, 3));
	else
		emit(g, insn(BPF_ALU64 | BPF_MUL | BPF_K, BPF_REG_1, 0, 0, 8));
	emit_table_addr(g, r, t, m);
	emit(g, insn(BPF_ALU64 | BPF_ADD | BPF_X, r, BPF_REG_1, 0, 0));
	emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, r, r, -8 * m, 0));
	switch (rnd(g->r, 4)) {
	case 0:
		r = regs[rnd(g->r, sizeof(regs))];
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, r, first, 0, 0));
		break;
	case 1:
		emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, first, tmp_off(g), 0));
		r = regs[rnd(g->r, sizeof(regs))];
		emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, r, BPF_REG_10, tmp_off(g), 0));
		break;
	}
	return r;
}

enum { B_MASK, B_CMP, B_CONST };

/*
 * Bound r1 to the entries of a table of @n: returns how many entries
 * (from 0) the index may select.  B_CMP jumps to @l_out when r1 >= n.
 */
static u32 bound_index(struct gen *g, u32 n, int mode, int l_out)
{
	u32 k = 0;

	switch (mode) {
	case B_MASK:
		while ((2u << k) <= n)
			k++;
		if (chance(g->r, 30))
			emit(g, insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (1 << k) - 1));
		else
			emit(g, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (1 << k) - 1));
		return 1 << k;
	case B_CMP:
		if (chance(g->r, 50))
			emit_jcc(g, BPF_JMP | BPF_JGT | BPF_K, BPF_REG_1, 0, n - 1, l_out);
		else
			emit_jcc(g, BPF_JMP | BPF_JGE | BPF_K, BPF_REG_1, 0, n, l_out);
		return n;
	default:
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, rnd(g->r, n)));
		return n;
	}
}

static void shuffle(struct rng *r, int *a, int n)
{
	int i, j, t;

	for (i = n - 1; i > 0; i--) {
		j = rnd(r, i + 1);
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/*
 * switch (x) through a jump table: cases that the index may select,
 * cases that only entries out of its range name (dead code), and for a
 * compare bound a default.  Entries may also name the end of the switch.
 */
static void stmt_switch(struct gen *g, int depth)
{
	int blk[16], order[16], nlive, ndead, nblk, i, mode, t, l_end, l_def = -1;
	u32 n = table_size(g), reach, e;
	struct table *tab;
	bool exited;
	u8 r;

	mode = rnd(g->r, 100) < 45 ? B_MASK : rnd(g->r, 100) < 75 ? B_CMP : B_CONST;
	if (mode == B_CMP && (n == 1 || g->p->restricted))
		mode = B_MASK;
	t = new_table(g, n);
	tab = &g->p->tab[t];
	l_end = new_label(g);
	if (mode == B_CMP)
		l_def = new_label(g);

	load_operand(g, BPF_REG_1);
	reach = bound_index(g, n, mode, l_def);
	r = load_entry(g, t, BPF_REG_2);
	emit(g, insn(BPF_JMP | BPF_JA | BPF_X, r, 0, 0, 0));

	nlive = 1 + rnd(g->r, reach < (g->loops ? 3u : 6u) ? reach : (g->loops ? 3 : 6));
	ndead = reach < n && chance(g->r, 50) ? 1 + rnd(g->r, 2) : 0;
	if ((u32)ndead > n - reach)
		ndead = n - reach;
	nblk = nlive + ndead;
	for (i = 0; i < nblk; i++)
		blk[i] = new_label(g);
	/* every live case from some entry in range, every dead one from one out of it */
	for (e = 0; e < n; e++) {
		if (e < reach && e < (u32)nlive)
			tab->ref[e] = blk[e];
		else if (e < reach)
			tab->ref[e] = chance(g->r, 10) ? l_end : blk[rnd(g->r, nlive)];
		else if (e - reach < (u32)ndead)
			tab->ref[e] = blk[nlive + e - reach];
		else
			tab->ref[e] = chance(g->r, 10) ? l_end : blk[rnd(g->r, nblk)];
	}
	for (e = 0; e + 1 < reach; e++) {
		u32 j = e + rnd(g->r, reach - e);
		int tmp = tab->ref[e];

		tab->ref[e] = tab->ref[j];
		tab->ref[j] = tmp;
	}

	for (i = 0; i < nblk; i++)
		order[i] = blk[i];
	if (l_def >= 0)
		order[nblk++] = l_def;
	shuffle(g->r, order, nblk);
	g->switches++;
	for (i = 0; i < nblk; i++) {
		bool last = i == nblk - 1;

		place(g, order[i]);
		if (has(g, F_NOP) && chance(g->r, 15))
			emit_nop(g);
		exited = gen_block(g, depth + 1, 2, !last);
		if (!exited && !last && chance(g->r, 75))
			emit_ja(g, l_end);
	}
	place(g, l_end);
}

/* A bounded loop: a counter in a stack slot, maybe may_goto too */
static void stmt_loop(struct gen *g, int depth)
{
	int l_head = new_label(g), l_end = new_label(g), l_skip;
	s16 c = cnt_off(g, g->loops);
	u32 k = 1 + rnd(g->r, g->loops ? 2 : 4);
	int t;
	u8 r;

	emit(g, insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, c, 0));
	place(g, l_head);
	if (has(g, F_MAY_GOTO) && chance(g->r, 30))
		emit_jcc(g, BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, l_end);
	g->loops++;
	gen_block(g, depth + 1, 3, false);
	g->loops--;
	emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10, c, 0));
	emit(g, insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, 1));
	emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1, c, 0));
	if (!has(g, F_SWITCH) || chance(g->r, 70)) {
		emit_jcc(g, (chance(g->r, 20) ? BPF_JMP32 : BPF_JMP) | BPF_JLT | BPF_K,
			 BPF_REG_1, 0, k, l_head);
		place(g, l_end);
		return;
	}
	/* the back edge through a jump table: { end, head } */
	l_skip = new_label(g);
	t = new_table(g, 2);
	g->p->tab[t].ref[0] = l_end;
	g->p->tab[t].ref[1] = l_head;
	emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 1));
	emit_jcc(g, BPF_JMP | BPF_JLT | BPF_K, BPF_REG_1, 0, k, l_skip);
	emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 0));
	place(g, l_skip);
	emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_2, 0, 0));
	r = load_entry(g, t, BPF_REG_3);
	emit(g, insn(BPF_JMP | BPF_JA | BPF_X, r, 0, 0, 0));
	place(g, l_end);
}

enum { P_CALL, P_CALLX, P_ADDR, P_CALLBACK };

static bool callee_ok(struct gen *g, int f, int purpose, int arity)
{
	struct func *fn = &g->p->func[f];

	if (f == 0 || fn->level <= cur(g)->level)
		return false;
	if (arity >= 0 && fn->arity != arity)
		return false;
	switch (purpose) {
	case P_CALL:
	case P_CALLX:
		return !fn->callback && !fn->unused;
	case P_CALLBACK:
		return fn->callback;
	default:
		return true;
	}
}

/* A random function fit for @purpose, -1 if none */
static int pick_func(struct gen *g, int purpose, int arity, int not)
{
	int cand[MAX_FUNCS], n = 0, f;

	for (f = 1; f < g->p->nfunc; f++)
		if (f != not && callee_ok(g, f, purpose, arity))
			cand[n++] = f;
	return n ? cand[rnd(g->r, n)] : -1;
}

static void load_args(struct gen *g, int arity)
{
	int i;

	for (i = 0; i < arity; i++)
		load_operand(g, BPF_REG_1 + i);
}

static bool stmt_call(struct gen *g)
{
	int f = pick_func(g, P_CALL, -1, -1);

	if (f < 0)
		return false;
	load_args(g, g->p->func[f].arity);
	emit_call(g, f);
	use_result(g, BPF_REG_0);
	g->calls++;
	return true;
}

/* Move the function address in r1 to a register that survives the arguments */
static u8 hold_addr(struct gen *g, u8 from)
{
	static const u8 regs[] = { BPF_REG_0, BPF_REG_7, BPF_REG_8 };
	u8 r = regs[rnd(g->r, 3)];

	if (chance(g->r, 25)) {
		emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, from, tmp_off(g), 0));
		emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, r, BPF_REG_10, tmp_off(g), 0));
	} else {
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, r, from, 0, 0));
	}
	return r;
}

static bool stmt_callx(struct gen *g)
{
	int a = pick_func(g, P_CALLX, -1, -1), b;
	int l;
	u8 r;

	if (a < 0)
		return false;
	b = chance(g->r, 40) ? pick_func(g, P_CALLX, g->p->func[a].arity, a) : -1;
	emit_ldfunc(g, BPF_REG_1, a);
	if (b >= 0) {
		l = new_label(g);
		load_operand(g, BPF_REG_2);
		emit_jcc(g, BPF_JMP | BPF_JSET | BPF_K, BPF_REG_2, 0, 1 << rnd(g->r, 4), l);
		emit_ldfunc(g, BPF_REG_1, b);
		place(g, l);
	}
	r = hold_addr(g, BPF_REG_1);
	load_args(g, g->p->func[a].arity);
	emit(g, insn(BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0));
	use_result(g, BPF_REG_0);
	g->calls++;
	return true;
}

static bool ftable_ok(struct gen *g, int t)
{
	struct table *tab = &g->p->tab[t];
	u32 i;

	if (tab->kind != TAB_FUNC)
		return false;
	for (i = 0; i < tab->n; i++)
		if (g->p->func[tab->ref[i]].level <= cur(g)->level)
			return false;
	return true;
}

static bool stmt_callx_table(struct gen *g)
{
	int cand[MAX_TABLES], n = 0, t, mode, l_skip = new_label(g);
	u8 r;

	for (t = 0; t < g->p->ntab; t++)
		if (ftable_ok(g, t))
			cand[n++] = t;
	if (!n)
		return false;
	t = cand[rnd(g->r, n)];
	mode = rnd(g->r, 3);
	if (mode == B_CMP && g->p->restricted)
		mode = B_MASK;
	load_operand(g, BPF_REG_1);
	bound_index(g, g->p->tab[t].n, mode, l_skip);
	r = load_entry(g, t, BPF_REG_7);
	if (r <= BPF_REG_5)
		r = hold_addr(g, r);
	load_args(g, g->p->tab[t].arity);
	emit(g, insn(BPF_JMP | BPF_CALL | BPF_X, r, 0, 0, 0));
	use_result(g, BPF_REG_0);
	place(g, l_skip);
	g->calls++;
	return true;
}

static void emit_bpf_loop(struct gen *g, int f)
{
	load_operand(g, BPF_REG_1);
	emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1, loopctx_off(g), 0));
	if (chance(g->r, 50)) {
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, rnd(g->r, 5)));
	} else {
		load_operand(g, BPF_REG_1);
		emit(g, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0, 7));
	}
	emit_ldfunc(g, BPF_REG_2, f);
	emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0));
	emit(g, insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, loopctx_off(g)));
	if (chance(g->r, 85)) {
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0));
	} else {
		load_operand(g, BPF_REG_4);
		emit(g, insn(BPF_ALU64 | BPF_RSH | BPF_K, BPF_REG_4, 0, 0, 62));
	}
	emit_helper(g, BPF_FUNC_loop);
	use_result(g, BPF_REG_0);
	emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10, loopctx_off(g), 0));
	use_result(g, BPF_REG_1);
	g->p->jit_only = true;
	g->calls++;
}

static bool stmt_bpf_loop(struct gen *g)
{
	int f = pick_func(g, P_CALLBACK, -1, -1);

	if (f < 0)
		return false;
	emit_bpf_loop(g, f);
	return true;
}

static void stmt_helper(struct gen *g)
{
	int l_skip;

	if (chance(g->r, 40)) {
		emit_helper(g, ZERO_HELPER);
		use_result(g, BPF_REG_0);
		return;
	}
	/* an array map lookup, inlined with the JIT */
	l_skip = new_label(g);
	load_operand(g, BPF_REG_1);
	if (chance(g->r, 80))
		emit(g, insn(BPF_ALU64 | BPF_AND | BPF_K, BPF_REG_1, 0, 0,
			     chance(g->r, 80) ? ARRAY_ENTRIES - 1 : 2 * ARRAY_ENTRIES - 1));
	/* the key in a slot that never holds a pointer */
	emit(g, insn(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, BPF_REG_1, loopctx_off(g), 0));
	emit_ld64(g, BPF_REG_1, BPF_PSEUDO_MAP_FD, ARRAY_MAP_ID, 0);
	emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0));
	emit(g, insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, loopctx_off(g)));
	emit_helper(g, BPF_FUNC_map_lookup_elem);
	emit_jcc(g, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 0, l_skip);
	emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_0, 0, 0));
	use_result(g, BPF_REG_1);
	place(g, l_skip);
}

/* Code that never runs behind a condition that always holds */
static void stmt_dead(struct gen *g, int depth)
{
	int l_dead = new_label(g), l_after = new_label(g);
	s32 k = pick_imm(g);
	u8 cls = chance(g->r, 25) ? BPF_JMP32 : BPF_JMP;

	switch (rnd(g->r, 4)) {
	case 0:
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, k));
		emit_jcc(g, cls | BPF_JEQ | BPF_K, BPF_REG_1, 0, k, l_after);
		break;
	case 1:
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_1, 0, 0, k));
		emit_jcc(g, cls | BPF_JNE | BPF_K, BPF_REG_1, 0, k, l_dead);
		emit_ja(g, l_after);
		break;
	case 2:
		emit_jcc(g, cls | BPF_JEQ | BPF_X, BPF_REG_6, BPF_REG_6, 0, l_after);
		break;
	default:
		emit_jcc(g, cls | BPF_JNE | BPF_X, BPF_REG_6, BPF_REG_6, 0, l_dead);
		emit_ja(g, l_after);
		break;
	}
	place(g, l_dead);
	gen_block(g, depth + 1, 2, true);
	place(g, l_after);
}

/* may_goto over a block: the budget is never spent, the block runs */
static void stmt_may_goto(struct gen *g, int depth)
{
	int l = new_label(g), at;

	emit_jcc(g, BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, l);
	at = g->len[g->fn];
	gen_block(g, depth + 1, 2, false);
	/* may_goto +0 is refused */
	if (g->len[g->fn] == at)
		emit_nop(g);
	place(g, l);
}

static void stmt_addr_taken(struct gen *g)
{
	int f = pick_func(g, P_ADDR, -1, -1);

	if (f >= 0)
		emit_ldfunc(g, BPF_REG_1, f);
}

enum {
	S_ALU, S_IF, S_SWITCH, S_LOOP, S_CALL, S_CALLX, S_FTABLE, S_BPF_LOOP,
	S_HELPER, S_DEAD, S_NOP, S_ADDR, S_MAY_GOTO, S_NR,
};

static const u32 stmt_feature[S_NR] = {
	[S_SWITCH] = F_SWITCH, [S_LOOP] = F_LOOP, [S_CALL] = F_CALL,
	[S_CALLX] = F_CALLX, [S_FTABLE] = F_FTABLE, [S_BPF_LOOP] = F_BPF_LOOP,
	[S_HELPER] = F_HELPER, [S_DEAD] = F_DEAD, [S_NOP] = F_NOP,
	[S_ADDR] = F_DEAD, [S_MAY_GOTO] = F_MAY_GOTO,
};

static int pick_stmt(struct gen *g, int depth)
{
	u32 w[S_NR] = {
		[S_ALU] = 20, [S_IF] = 10, [S_SWITCH] = 22, [S_LOOP] = 6,
		[S_CALL] = 8, [S_CALLX] = 10, [S_FTABLE] = 12, [S_BPF_LOOP] = 3,
		[S_HELPER] = 5, [S_DEAD] = 4, [S_NOP] = 3, [S_ADDR] = 2,
		[S_MAY_GOTO] = 2,
	};
	u32 total = 0, x;
	int s;

	if (depth >= MAX_DEPTH)
		w[S_IF] = w[S_SWITCH] = w[S_LOOP] = w[S_DEAD] = w[S_MAY_GOTO] = 0;
	if (g->loops >= 2 || g->switches >= 4)
		w[S_LOOP] = 0;
	if (g->switches >= 4 || (g->loops && g->switches >= 2))
		w[S_SWITCH] = 0;
	if (g->calls >= 4 || g->loops > 1)
		w[S_CALL] = w[S_CALLX] = w[S_FTABLE] = w[S_BPF_LOOP] = 0;
	/* BPF_PSEUDO_FUNC needs func_info */
	if (!g->p->btf)
		w[S_CALLX] = w[S_BPF_LOOP] = w[S_ADDR] = 0;
	/* without CAP_PERFMON the verifier follows the speculative way out
	 * of a loop's last compare back into the loop, endlessly
	 */
	if (g->p->restricted)
		w[S_LOOP] = 0;
	for (s = 0; s < S_NR; s++) {
		if (stmt_feature[s] && !has(g, stmt_feature[s]))
			w[s] = 0;
		total += w[s];
	}
	x = rnd(g->r, total);
	for (s = 0; s < S_NR; s++) {
		if (x < w[s])
			return s;
		x -= w[s];
	}
	return S_ALU;
}

static void gen_stmt(struct gen *g, int depth)
{
	switch (pick_stmt(g, depth)) {
	case S_IF:
		stmt_if(g, depth);
		return;
	case S_SWITCH:
		stmt_switch(g, depth);
		return;
	case S_LOOP:
		stmt_loop(g, depth);
		return;
	case S_CALL:
		if (stmt_call(g))
			return;
		break;
	case S_CALLX:
		if (stmt_callx(g))
			return;
		break;
	case S_FTABLE:
		if (stmt_callx_table(g))
			return;
		break;
	case S_BPF_LOOP:
		if (stmt_bpf_loop(g))
			return;
		break;
	case S_HELPER:
		stmt_helper(g);
		return;
	case S_DEAD:
		stmt_dead(g, depth);
		return;
	case S_NOP:
		emit_nop(g);
		return;
	case S_ADDR:
		stmt_addr_taken(g);
		return;
	case S_MAY_GOTO:
		stmt_may_goto(g, depth);
		return;
	}
	stmt_alu(g);
}

/*
 * Up to @max statements (at least one at the top); with @can_exit the
 * block may end by returning.  Returns whether it did.
 */
static bool gen_block(struct gen *g, int depth, int max, bool can_exit)
{
	int i, n = (depth ? 0 : 1) + rnd(g->r, max + 1);

	for (i = 0; i < n && room(g); i++)
		gen_stmt(g, depth);
	if (can_exit && chance(g->r, 8)) {
		emit_exit(g);
		return true;
	}
	return false;
}

/* __sk_buff fields a socket filter reads, and cb[] it may write */
static const s16 ctx_fields[] = {
	offsetof(struct __sk_buff, len),
	offsetof(struct __sk_buff, mark),
	offsetof(struct __sk_buff, priority),
	offsetof(struct __sk_buff, cb[0]),
	offsetof(struct __sk_buff, cb[1]),
	offsetof(struct __sk_buff, cb[2]),
	offsetof(struct __sk_buff, cb[3]),
	offsetof(struct __sk_buff, cb[4]),
};

static void prologue(struct gen *g)
{
	struct func *f = cur(g);
	int v, l;

	if (has(g, F_MAY_GOTO) && chance(g->r, 8)) {
		/* may_goto first, both ways to the prologue */
		l = new_label(g);
		emit_jcc(g, BPF_JMP | BPF_JCOND, 0, BPF_MAY_GOTO, 0, l);
		emit_nop(g);
		place(g, l);
	} else if (has(g, F_NOP) && chance(g->r, 20)) {
		emit_nop(g);
	}
	if (g->fn == 0) {
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_9, BPF_REG_1, 0, 0));
		for (v = 0; v < g->nvars; v++) {
			emit(g, insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_1, BPF_REG_9,
				     ctx_fields[rnd(g->r, 8)], 0));
			emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1,
				     var_off(g, v), 0));
		}
		emit(g, insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_6, BPF_REG_9,
			     ctx_fields[rnd(g->r, 8)], 0));
		return;
	}
	if (f->callback) {
		emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_9, BPF_REG_2, 0, 0));
		emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1, var_off(g, 0), 0));
		emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_9, 0, 0));
		emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_6, var_off(g, 1), 0));
		v = 2;
	} else {
		for (v = 0; v < f->arity; v++)
			emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1 + v,
				     var_off(g, v), 0));
		if (f->arity)
			emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0));
		else
			emit(g, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, pick_imm(g)));
	}
	for (; v < g->nvars; v++)
		emit(g, insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, var_off(g, v),
			     pick_imm(g)));
}

static void epilogue(struct gen *g, const bool *reached)
{
	struct func *f = cur(g);
	int i, n;

	if (g->fn == 0) {
		/* functions nothing refers to: take their address, unused,
		 * or call them (BPF_PSEUDO_FUNC needs func_info)
		 */
		for (i = 1; i < g->p->nfunc; i++) {
			if (reached[i])
				continue;
			if (g->p->btf && has(g, F_DEAD)) {
				emit_ldfunc(g, BPF_REG_1, i);
			} else if (g->p->func[i].callback) {
				emit_bpf_loop(g, i);
			} else {
				load_args(g, g->p->func[i].arity);
				emit_call(g, i);
				use_result(g, BPF_REG_0);
			}
		}
		n = rnd(g->r, 3);
		for (i = 0; i < n; i++) {
			emit(g, insn(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10,
				     rnd_var(g), 0));
			emit(g, insn(BPF_STX | BPF_MEM | BPF_W, BPF_REG_9, BPF_REG_1,
				     ctx_fields[3 + rnd(g->r, 5)], 0));
		}
	} else if (f->callback) {
		emit(g, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_9, BPF_REG_6, 0, 0));
	}
	emit_exit(g);
}

static void gen_func(struct gen *g, int fn)
{
	struct func *f = &g->p->func[fn];

	g->fn = fn;
	g->nvars = f->arity > 2 ? f->arity : 2 + rnd(g->r, 3);
	if (g->nvars > 4)
		g->nvars = 4;
	g->loops = 0;
	g->switches = 0;
	g->calls = 0;
	g->soft = fn == 0 ? 60 + rnd(g->r, 200) : 20 + rnd(g->r, 120);
	if (!g->p->large)
		g->soft = 10 + rnd(g->r, 30);
	g->cb_ret_acc[fn] = chance(g->r, 30);
	prologue(g);
	/* a switch and a callx that run, most of the time */
	if (has(g, F_SWITCH) && chance(g->r, fn ? 40 : 70))
		stmt_switch(g, 0);
	if (chance(g->r, fn ? 30 : 60) &&
	    !(has(g, F_FTABLE) && stmt_callx_table(g)))
		if (has(g, F_CALLX) && g->p->btf)
			stmt_callx(g);
	gen_block(g, 0, fn == 0 ? 6 : 4, false);
}

/* Which functions the code of main reaches through references */
static void reachable(struct gen *g, bool *seen)
{
	int stack[MAX_FUNCS], sp = 0, f, t;

	memset(seen, 0, sizeof(bool) * MAX_FUNCS);
	seen[0] = true;
	stack[sp++] = 0;
	while (sp) {
		f = stack[--sp];
		for (t = 0; t < g->p->nfunc; t++) {
			if (g->refs[f][t] && !seen[t]) {
				seen[t] = true;
				stack[sp++] = t;
			}
		}
	}
}

static void gen_funcs(struct gen *g)
{
	struct prog *p = g->p;
	int f;

	p->large = has(g, F_LARGE) && chance(g->r, 50);
	p->nfunc = 1 + rnd(g->r, p->large ? 8 : 4);
	p->func[0].level = 0;
	p->func[0].arity = 1;
	p->btf = chance(g->r, 85);
	for (f = 1; f < p->nfunc; f++) {
		struct func *fn = &p->func[f];

		fn->level = 1 + rnd(g->r, MAX_LEVEL);
		fn->callback = p->btf && has(g, F_BPF_LOOP) && chance(g->r, 15);
		fn->arity = fn->callback ? 2 : rnd(g->r, 5);
		fn->global = p->btf && !fn->callback && has(g, F_GLOBAL) && chance(g->r, 25);
		fn->unused = p->btf && has(g, F_DEAD) && chance(g->r, 12);
	}
}

/* Function tables: functions of one arity, any level above 0 */
static void gen_ftables(struct gen *g)
{
	struct prog *p = g->p;
	int cand[MAX_FUNCS], nt, n, f, a, k;
	struct table *t;
	u32 i;

	if (!p->btf || !has(g, F_FTABLE) || p->nfunc < 2)
		return;
	nt = rnd(g->r, 3);
	for (k = 0; k < nt; k++) {
		a = p->func[1 + rnd(g->r, p->nfunc - 1)].arity;
		n = 0;
		for (f = 1; f < p->nfunc; f++)
			if (!p->func[f].callback && p->func[f].arity == a)
				cand[n++] = f;
		if (!n)
			continue;
		t = &p->tab[p->ntab++];
		memset(t, 0, sizeof(*t));
		t->kind = TAB_FUNC;
		t->func = -1;
		t->arity = a;
		t->n = 1 + rnd(g->r, 8);
		for (i = 0; i < t->n; i++)
			t->ref[i] = cand[rnd(g->r, n)];
		t->rodata = true;
	}
}

/* BTF ids: 1 long, 2-6 protos of 0-4 args, 7-11 pointers to them,
 * 12 + f the function f, then one array per function table, then a VAR
 * and a DATASEC per function table given as read-only data.
 */
static void assign_btf(struct prog *p)
{
	u32 id = 12 + p->nfunc;
	int f, t;

	for (f = 0; f < p->nfunc; f++)
		p->func[f].btf_id = 12 + f;
	if (p->btf) {
		p->nfinfo = p->nfunc;
		for (f = 0; f < p->nfunc; f++) {
			p->finfo[f].insn_off = p->func[p->order[f]].start;
			p->finfo[f].type_id = p->func[p->order[f]].btf_id;
		}
	}
	for (t = 0; t < p->ntab; t++) {
		if (p->tab[t].kind != TAB_FUNC)
			continue;
		p->tab[t].btf_array = id++;
	}
	/* read-only data: a VAR of the array and its DATASEC */
	for (t = 0; t < p->ntab; t++) {
		if (p->tab[t].kind != TAB_FUNC || !p->tab[t].rodata)
			continue;
		p->tab[t].btf_datasec = id + 1;
		id += 2;
	}
}

static void link_prog(struct gen *g)
{
	struct prog *p = g->p;
	u32 start[MAX_FUNCS], at, i;
	int f, k, t;

	p->order[0] = 0;
	for (f = 1; f < p->nfunc; f++)
		p->order[f] = f;
	shuffle(g->r, &p->order[1], p->nfunc - 1);
	p->len = 0;
	for (k = 0; k < p->nfunc; k++) {
		f = p->order[k];
		start[f] = p->len;
		p->func[f].start = p->len;
		memcpy(&p->insn[p->len], g->code[f], g->len[f] * sizeof(struct bpf_insn));
		p->len += g->len[f];
	}
	for (k = 0; k < g->nrel; k++) {
		struct reloc *rl = &g->rel[k];
		struct bpf_insn *in;

		at = start[rl->func] + rl->at;
		in = &p->insn[at];
		if (rl->kind == R_CALL || rl->kind == R_FUNC)
			t = start[rl->target];
		else
			t = start[g->lbl[rl->target].func] + g->lbl[rl->target].at;
		if (rl->kind == R_JMP)
			in->off = t - at - 1;
		else
			in->imm = t - at - 1;
	}
	for (t = 0; t < p->ntab; t++) {
		struct table *tab = &p->tab[t];

		for (i = 0; i < tab->n; i++) {
			if (tab->kind == TAB_FUNC)
				tab->off[i] = start[tab->ref[i]];
			else
				tab->off[i] = start[g->lbl[tab->ref[i]].func] +
					      g->lbl[tab->ref[i]].at;
		}
	}
}

void gen_prog(struct prog *p, struct rng *r, u32 features)
{
	struct gen *g = &gen_state;
	bool reached[MAX_FUNCS];
	int f;

	memset(p, 0, sizeof(*p));
	g->p = p;
	g->r = r;
	g->features = features;
	g->nlbl = 0;
	g->nrel = 0;
	memset(g->len, 0, sizeof(g->len));
	memset(g->refs, 0, sizeof(g->refs));
	if (has(g, F_HARDEN))
		p->harden = chance(r, 60) ? 0 : 1 + rnd(r, 2);
	p->restricted = has(g, F_RESTRICT) && chance(r, 20);

	gen_funcs(g);
	gen_ftables(g);
	for (f = 1; f < p->nfunc; f++) {
		gen_func(g, f);
		epilogue(g, NULL);
	}
	gen_func(g, 0);
	reachable(g, reached);
	epilogue(g, reached);
	for (f = 0; f < p->nfunc; f++)
		if (g->len[f] > FUNC_INSNS)
			g->len[f] = FUNC_INSNS;
	link_prog(g);
	assign_btf(p);

	for (f = 0; f < ARRAY_ENTRIES; f++)
		p->array[f] = rng_next(r);
}

void gen_input(struct input *in, struct rng *r)
{
	static const u32 special[] = {
		0, 1, 2, 3, 7, 8, 15, 16, 255, 256, 0x7fffffff, 0x80000000,
		0xffffffff, 0xfffffffe,
	};
	u32 *v[7] = {
		&in->mark, &in->priority, &in->cb[0], &in->cb[1], &in->cb[2],
		&in->cb[3], &in->cb[4],
	};
	u32 i;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < 7; i++) {
		switch (rnd(r, 4)) {
		case 0:
			*v[i] = special[rnd(r, sizeof(special) / sizeof(special[0]))];
			break;
		case 1:
			*v[i] = rnd(r, 300);
			break;
		default:
			*v[i] = (u32)rng_next(r);
			break;
		}
	}
	in->pkt_len = 14 + rnd(r, 65);
	for (i = 0; i < in->pkt_len; i++)
		in->pkt[i] = rng_next(r);
	/* no IP header for the test run to check */
	in->pkt[12] = 0;
	in->pkt[13] = 0;
}
