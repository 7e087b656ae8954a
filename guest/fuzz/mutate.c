// SPDX-License-Identifier: GPL-2.0
/*
 * The mutator: small random changes to a valid program, its tables and
 * its func_info.  The kernel must refuse the result or run it the same
 * with the JIT and with the interpreter.  Helper calls stay among the
 * deterministic ones, so that both runs can be compared.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "fuzz.h"

static void note(struct prog *p, const char *fmt, ...)
{
	size_t n = strlen(p->mutations);
	va_list ap;

	if (n + 3 >= sizeof(p->mutations))
		return;
	if (n) {
		strcpy(p->mutations + n, "; ");
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(p->mutations + n, sizeof(p->mutations) - n, fmt, ap);
	va_end(ap);
}

/* An instruction that is not the second half of an ld_imm64 */
static u32 pick_insn(struct prog *p, struct rng *r)
{
	u32 i = rnd(r, p->len);

	if (i && is_ldimm64(&p->insn[i - 1]))
		i--;
	return i;
}

static void mut_reg(struct prog *p, struct rng *r)
{
	u32 i = pick_insn(p, r);

	if (chance(r, 50))
		p->insn[i].dst_reg = rnd(r, 11);
	else
		p->insn[i].src_reg = rnd(r, 11);
	note(p, "insn %u regs now r%u, r%u", i, p->insn[i].dst_reg, p->insn[i].src_reg);
}

static void mut_off(struct prog *p, struct rng *r)
{
	u32 i = pick_insn(p, r);

	if (chance(r, 70))
		p->insn[i].off += (s16)(rnd(r, 7) - 3);
	else
		p->insn[i].off = (s16)rng_next(r);
	note(p, "insn %u off now %d", i, p->insn[i].off);
}

static void mut_imm(struct prog *p, struct rng *r)
{
	u32 i = pick_insn(p, r);
	struct bpf_insn *in = &p->insn[i];

	if (is_ldimm64(in) && in->src_reg == BPF_PSEUDO_MAP_VALUE && chance(r, 50)) {
		if (chance(r, 50))
			in->imm = rnd(r, p->ntab + 1);
		else
			in[1].imm = (s32)((u32)in[1].imm + 8 * rnd(r, 5) - 16);
	} else if (chance(r, 60)) {
		in->imm = (s32)((u32)in->imm + rnd(r, 5) - 2);
	} else {
		in->imm = (s32)rng_next(r);
	}
	note(p, "insn %u imm now %d", i, in->imm);
}

static void mut_code(struct prog *p, struct rng *r)
{
	static const u8 codes[] = {
		BPF_JMP | BPF_JA, BPF_JMP | BPF_JA | BPF_X, BPF_JMP | BPF_CALL | BPF_X,
		BPF_JMP | BPF_CALL, BPF_JMP | BPF_EXIT, BPF_JMP | BPF_JCOND,
		BPF_JMP32 | BPF_JA, BPF_JMP | BPF_JEQ | BPF_K, BPF_JMP | BPF_JNE | BPF_X,
		BPF_ALU64 | BPF_MOV | BPF_K, BPF_ALU64 | BPF_MOV | BPF_X,
		BPF_ALU64 | BPF_ADD | BPF_X, BPF_ALU | BPF_ADD | BPF_K,
		BPF_LDX | BPF_MEM | BPF_DW, BPF_LDX | BPF_MEM | BPF_W,
		BPF_STX | BPF_MEM | BPF_DW, BPF_ST | BPF_MEM | BPF_DW,
		BPF_LDX | BPF_MEMSX | BPF_W,
	};
	u32 i = pick_insn(p, r);

	if (is_ldimm64(&p->insn[i]))
		return;
	p->insn[i].code = codes[rnd(r, sizeof(codes))];
	note(p, "insn %u code now %#x", i, p->insn[i].code);
}

static void mut_entry(struct prog *p, struct rng *r)
{
	struct table *t;
	u32 e, f;

	if (!p->ntab)
		return;
	t = &p->tab[rnd(r, p->ntab)];
	e = rnd(r, t->n);
	switch (rnd(r, 4)) {
	case 0:
		t->off[e] = rnd(r, p->len + 2);
		break;
	case 1:
		f = rnd(r, t->n);
		t->off[e] ^= t->off[f];
		t->off[f] ^= t->off[e];
		t->off[e] ^= t->off[f];
		break;
	case 2:
		t->off[e] = p->func[rnd(r, p->nfunc)].start;
		break;
	default:
		t->off[e] += (s32)rnd(r, 5) - 2;
		break;
	}
	note(p, "table %d entry %u now %u", (int)(t - p->tab), e, t->off[e]);
}

static void mut_size(struct prog *p, struct rng *r)
{
	struct table *t;
	u32 n, e;

	if (!p->ntab)
		return;
	t = &p->tab[rnd(r, p->ntab)];
	if (chance(r, 60) || t->n >= MAX_ENTRIES) {
		n = rnd(r, t->n + 1);
	} else {
		n = t->n + 1 + rnd(r, 4);
		if (n > MAX_ENTRIES)
			n = MAX_ENTRIES;
		for (e = t->n; e < n; e++)
			t->off[e] = t->off[rnd(r, t->n)];
	}
	note(p, "table %d of %u entries now %u", (int)(t - p->tab), t->n, n);
	t->n = n;
}

static void mut_finfo(struct prog *p, struct rng *r)
{
	u32 k;

	if (!p->nfinfo)
		return;
	k = rnd(r, p->nfinfo);
	switch (rnd(r, 3)) {
	case 0:
		p->finfo[k].insn_off += (s32)rnd(r, 5) - 2;
		break;
	case 1:
		p->finfo[k].type_id = 1 + rnd(r, 12 + p->nfunc);
		break;
	default:
		p->nfinfo--;
		break;
	}
	note(p, "func_info %u now %u", k, p->finfo[k].insn_off);
}

/* A function table as an insn_array map, which is always a jump table:
 * the kernel must refuse it
 */
static void mut_rodata(struct prog *p, struct rng *r)
{
	int t, ft[MAX_TABLES], n = 0;

	for (t = 0; t < p->ntab; t++)
		if (p->tab[t].kind == TAB_FUNC)
			ft[n++] = t;
	if (!n)
		return;
	t = ft[rnd(r, n)];
	p->tab[t].rodata = false;
	note(p, "table %d now an insn_array map", t);
}

/* Insert or delete one instruction; nothing is adjusted */
static void mut_shift(struct prog *p, struct rng *r)
{
	u32 i = pick_insn(p, r);

	if (chance(r, 50) && p->len > 2) {
		memmove(&p->insn[i], &p->insn[i + 1], (p->len - i - 1) * sizeof(p->insn[0]));
		p->len--;
		note(p, "insn %u deleted", i);
	} else if (p->len < MAX_INSNS) {
		memmove(&p->insn[i + 1], &p->insn[i], (p->len - i) * sizeof(p->insn[0]));
		p->insn[i] = (struct bpf_insn){ .code = BPF_JMP | BPF_JA };
		p->len++;
		note(p, "ja +0 inserted at %u", i);
	}
}

/* Only helpers whose results are the same in both runs */
static void sanitize(struct prog *p)
{
	struct bpf_insn *in;
	u32 i;

	for (i = 0; i < p->len; i++) {
		in = &p->insn[i];
		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg == BPF_PSEUDO_CALL)
			continue;
		if (in->src_reg || (in->imm != BPF_FUNC_map_lookup_elem &&
				    in->imm != ZERO_HELPER && in->imm != BPF_FUNC_loop)) {
			in->src_reg = 0;
			in->imm = ZERO_HELPER;
		}
	}
}

void mutate_prog(struct prog *p, struct rng *r)
{
	int n = 1 + rnd(r, 3), k;

	p->mutated = true;
	for (k = 0; k < n; k++) {
		switch (rnd(r, 10)) {
		case 0:
			mut_reg(p, r);
			break;
		case 1:
			mut_off(p, r);
			break;
		case 2:
			mut_imm(p, r);
			break;
		case 3:
			mut_code(p, r);
			break;
		case 4:
		case 5:
			mut_entry(p, r);
			break;
		case 6:
			mut_size(p, r);
			break;
		case 7:
			mut_finfo(p, r);
			break;
		case 8:
			mut_rodata(p, r);
			break;
		default:
			mut_shift(p, r);
			break;
		}
	}
	sanitize(p);
}
