// SPDX-License-Identifier: GPL-2.0
/*
 * Print a program as the instruction macros of include/linux/filter.h,
 * with its tables, functions and the array map, and print inputs.
 */
#include <stdio.h>
#include "fuzz.h"

static const char *const reg[] = {
	"BPF_REG_0", "BPF_REG_1", "BPF_REG_2", "BPF_REG_3", "BPF_REG_4",
	"BPF_REG_5", "BPF_REG_6", "BPF_REG_7", "BPF_REG_8", "BPF_REG_9",
	"BPF_REG_10", "11", "12", "13", "14", "15",
};

static const char *alu_op(u8 op)
{
	switch (op) {
	case BPF_ADD:	return "BPF_ADD";
	case BPF_SUB:	return "BPF_SUB";
	case BPF_MUL:	return "BPF_MUL";
	case BPF_DIV:	return "BPF_DIV";
	case BPF_OR:	return "BPF_OR";
	case BPF_AND:	return "BPF_AND";
	case BPF_LSH:	return "BPF_LSH";
	case BPF_RSH:	return "BPF_RSH";
	case BPF_NEG:	return "BPF_NEG";
	case BPF_MOD:	return "BPF_MOD";
	case BPF_XOR:	return "BPF_XOR";
	case BPF_MOV:	return "BPF_MOV";
	case BPF_ARSH:	return "BPF_ARSH";
	default:	return "BPF_END";
	}
}

static const char *jmp_op(u8 op)
{
	switch (op) {
	case BPF_JA:	return "BPF_JA";
	case BPF_JEQ:	return "BPF_JEQ";
	case BPF_JGT:	return "BPF_JGT";
	case BPF_JGE:	return "BPF_JGE";
	case BPF_JSET:	return "BPF_JSET";
	case BPF_JNE:	return "BPF_JNE";
	case BPF_JSGT:	return "BPF_JSGT";
	case BPF_JSGE:	return "BPF_JSGE";
	case BPF_CALL:	return "BPF_CALL";
	case BPF_EXIT:	return "BPF_EXIT";
	case BPF_JLT:	return "BPF_JLT";
	case BPF_JLE:	return "BPF_JLE";
	case BPF_JSLT:	return "BPF_JSLT";
	case BPF_JSLE:	return "BPF_JSLE";
	default:	return "BPF_JCOND";
	}
}

static const char *size_name(u8 sz)
{
	switch (sz) {
	case BPF_B:	return "BPF_B";
	case BPF_H:	return "BPF_H";
	case BPF_W:	return "BPF_W";
	default:	return "BPF_DW";
	}
}

static const char *helper_name(s32 id)
{
	switch (id) {
	case BPF_FUNC_map_lookup_elem:		return "BPF_FUNC_map_lookup_elem";
	case BPF_FUNC_get_smp_processor_id:	return "BPF_FUNC_get_smp_processor_id";
	case BPF_FUNC_get_numa_node_id:		return "BPF_FUNC_get_numa_node_id";
	case BPF_FUNC_loop:			return "BPF_FUNC_loop";
	default:				return NULL;
	}
}

static void raw(const struct bpf_insn *i)
{
	static const char *const cls[] = {
		"BPF_LD", "BPF_LDX", "BPF_ST", "BPF_STX", "BPF_ALU", "BPF_JMP",
		"BPF_JMP32", "BPF_ALU64",
	};
	u8 c = BPF_CLASS(i->code);

	printf("BPF_RAW_INSN(%s", cls[c]);
	if (c == BPF_ALU || c == BPF_ALU64)
		printf(" | %s | %s", alu_op(BPF_OP(i->code)),
		       BPF_SRC(i->code) ? "BPF_X" : "BPF_K");
	else if (c == BPF_JMP || c == BPF_JMP32)
		printf(" | %s | %s", jmp_op(BPF_OP(i->code)),
		       BPF_SRC(i->code) ? "BPF_X" : "BPF_K");
	else
		printf(" | %#x", i->code & ~7);
	printf(", %s, %s, %d, %d)", reg[i->dst_reg], reg[i->src_reg], i->off, i->imm);
}

static bool print_alu(const struct bpf_insn *i)
{
	bool is64 = BPF_CLASS(i->code) == BPF_ALU64;
	u8 op = BPF_OP(i->code);

	if (i->off || op == BPF_END || op == BPF_NEG)
		return false;
	if (op == BPF_MOV && BPF_SRC(i->code) == BPF_X && !i->imm)
		printf("BPF_MOV%s_REG(%s, %s)", is64 ? "64" : "32", reg[i->dst_reg],
		       reg[i->src_reg]);
	else if (op == BPF_MOV && !i->src_reg)
		printf("BPF_MOV%s_IMM(%s, %d)", is64 ? "64" : "32", reg[i->dst_reg], i->imm);
	else if (BPF_SRC(i->code) == BPF_X && !i->imm)
		printf("BPF_ALU%s_REG(%s, %s, %s)", is64 ? "64" : "32", alu_op(op),
		       reg[i->dst_reg], reg[i->src_reg]);
	else if (BPF_SRC(i->code) == BPF_K && !i->src_reg)
		printf("BPF_ALU%s_IMM(%s, %s, %d)", is64 ? "64" : "32", alu_op(op),
		       reg[i->dst_reg], i->imm);
	else
		return false;
	return true;
}

static bool print_jmp(const struct bpf_insn *i)
{
	bool is64 = BPF_CLASS(i->code) == BPF_JMP;
	u8 op = BPF_OP(i->code);
	const char *h;

	if (op == BPF_EXIT && is64 && !i->dst_reg && !i->src_reg && !i->off && !i->imm) {
		printf("BPF_EXIT_INSN()");
	} else if (op == BPF_JA && is64 && BPF_SRC(i->code) == BPF_K && !i->imm &&
		   !i->dst_reg && !i->src_reg) {
		printf("BPF_JMP_A(%d)", i->off);
	} else if (op == BPF_CALL && is64 && BPF_SRC(i->code) == BPF_K &&
		   i->src_reg == BPF_PSEUDO_CALL && !i->off && !i->dst_reg) {
		printf("BPF_CALL_REL(%d)", i->imm);
	} else if (op == BPF_CALL && is64 && BPF_SRC(i->code) == BPF_K && !i->src_reg &&
		   !i->off && !i->dst_reg && (h = helper_name(i->imm))) {
		printf("BPF_EMIT_CALL(%s)", h);
	} else if (op == BPF_JA || op == BPF_CALL || op == BPF_EXIT || op > BPF_JSLE) {
		return false;
	} else if (BPF_SRC(i->code) == BPF_X && !i->imm) {
		printf("BPF_JMP%s_REG(%s, %s, %s, %d)", is64 ? "" : "32", jmp_op(op),
		       reg[i->dst_reg], reg[i->src_reg], i->off);
	} else if (BPF_SRC(i->code) == BPF_K && !i->src_reg) {
		printf("BPF_JMP%s_IMM(%s, %s, %d, %d)", is64 ? "" : "32", jmp_op(op),
		       reg[i->dst_reg], i->imm, i->off);
	} else {
		return false;
	}
	return true;
}

static bool print_mem(const struct bpf_insn *i)
{
	u8 c = BPF_CLASS(i->code);

	if (BPF_MODE(i->code) != BPF_MEM)
		return false;
	if (c == BPF_LDX && !i->imm)
		printf("BPF_LDX_MEM(%s, %s, %s, %d)", size_name(BPF_SIZE(i->code)),
		       reg[i->dst_reg], reg[i->src_reg], i->off);
	else if (c == BPF_STX && !i->imm)
		printf("BPF_STX_MEM(%s, %s, %s, %d)", size_name(BPF_SIZE(i->code)),
		       reg[i->dst_reg], reg[i->src_reg], i->off);
	else if (c == BPF_ST && !i->src_reg)
		printf("BPF_ST_MEM(%s, %s, %d, %d)", size_name(BPF_SIZE(i->code)),
		       reg[i->dst_reg], i->off, i->imm);
	else
		return false;
	return true;
}

/* ld_imm64: two slots, one line */
static void print_ld64(const struct prog *p, const struct bpf_insn *i)
{
	u64 v = (u32)i[0].imm | (u64)(u32)i[1].imm << 32;

	if (i->off || i[1].code || i[1].dst_reg || i[1].src_reg || i[1].off) {
		raw(i);
		printf(", ");
		raw(i + 1);
		return;
	}
	switch (i->src_reg) {
	case 0:
		printf("BPF_LD_IMM64(%s, %#llx)", reg[i->dst_reg], (unsigned long long)v);
		break;
	case BPF_PSEUDO_MAP_VALUE:
		printf("BPF_LD_MAP_VALUE(%s, %d, %d) /* table %d */", reg[i->dst_reg],
		       i->imm, i[1].imm, i->imm);
		break;
	case BPF_PSEUDO_MAP_FD:
		printf("BPF_LD_MAP_FD(%s, %d)%s", reg[i->dst_reg], i->imm,
		       i->imm == ARRAY_MAP_ID ? " /* the array map */" : "");
		break;
	case BPF_PSEUDO_FUNC:
		printf("BPF_RAW_INSN(BPF_LD | BPF_DW | BPF_IMM, %s, BPF_PSEUDO_FUNC, 0, %d), "
		       "BPF_RAW_INSN(0, 0, 0, 0, %d) /* insn %lld */", reg[i->dst_reg],
		       i->imm, i[1].imm, (long long)(i - p->insn) + 1 + i->imm);
		break;
	default:
		printf("BPF_LD_IMM64_RAW(%s, %d, %#llx)", reg[i->dst_reg], i->src_reg,
		       (unsigned long long)v);
		break;
	}
}

static void print_insn(const struct prog *p, const struct bpf_insn *i)
{
	u8 c = BPF_CLASS(i->code), op = BPF_OP(i->code);
	bool done = false;

	if (c == BPF_ALU || c == BPF_ALU64)
		done = print_alu(i);
	else if (c == BPF_JMP || c == BPF_JMP32)
		done = print_jmp(i);
	else if (c == BPF_LDX || c == BPF_ST || c == BPF_STX)
		done = print_mem(i);
	if (done)
		return;
	raw(i);
	if (c == BPF_JMP && op == BPF_JA && BPF_SRC(i->code) == BPF_X)
		printf(" /* gotox */");
	else if (c == BPF_JMP && op == BPF_CALL && BPF_SRC(i->code) == BPF_X)
		printf(" /* callx */");
	else if (c == BPF_JMP && op == BPF_JCOND)
		printf(" /* may_goto */");
}

static void print_func_header(const struct prog *p, u32 at)
{
	int f;

	for (f = 0; f < p->nfunc; f++) {
		const struct func *fn = &p->func[f];

		if (fn->start != at)
			continue;
		printf("\t/* func f%d: %s%s%s, level %d, %d args */\n", f,
		       f == 0 ? "main" : fn->global ? "global" : "static",
		       fn->callback ? ", bpf_loop callback" : "",
		       fn->unused ? ", never called" : "", fn->level, fn->arity);
	}
}

void dump_prog(const struct prog *p)
{
	u32 i, e;
	int t, f;

	printf("fuzz: %u insns, %d functions, %d tables, btf %s, jit_harden %d, caps %s%s%s\n",
	       p->len, p->nfunc, p->ntab, p->btf ? "yes" : "no", p->harden,
	       p->restricted ? "CAP_BPF" : "all", p->mutated ? ", mutated: " : "",
	       p->mutated ? p->mutations : "");
	printf("struct bpf_insn prog[] = {\n");
	for (i = 0; i < p->len; i++) {
		print_func_header(p, i);
		printf("\t/* %u */ ", i);
		if (is_ldimm64(&p->insn[i]) && i + 1 < p->len) {
			print_ld64(p, &p->insn[i]);
			i++;
		} else {
			print_insn(p, &p->insn[i]);
		}
		printf(",\n");
	}
	printf("};\n");
	for (t = 0; t < p->ntab; t++) {
		const struct table *tab = &p->tab[t];

		if (tab->kind == TAB_JUMP)
			printf("/* table %d: jump table of f%d, %u entries */\n",
			       t, tab->func, tab->n);
		else if (tab->rodata)
			printf("/* table %d: function table, %d args, %u entries, read-only data, DATASEC %u */\n",
			       t, tab->arity, tab->n, tab->btf_datasec);
		else
			printf("/* table %d: function table, %d args, %u entries, an insn_array map */\n",
			       t, tab->arity, tab->n);
		printf("__u32 table%d[] = {", t);
		for (e = 0; e < tab->n && e < MAX_ENTRIES; e++)
			printf("%s%u", e % 16 ? ", " : "\n\t", tab->off[e]);
		printf("\n};\n");
	}
	if (p->btf) {
		printf("struct bpf_func_info func_info[] = {");
		for (f = 0; f < p->nfinfo; f++)
			printf("%s{ %u, %u }", f % 6 ? ", " : "\n\t", p->finfo[f].insn_off,
			       p->finfo[f].type_id);
		printf("\n};\n");
	}
	printf("__u64 array_map[%d] = {", ARRAY_ENTRIES);
	for (f = 0; f < ARRAY_ENTRIES; f++)
		printf("%s%#llx", f % 4 ? ", " : "\n\t", (unsigned long long)p->array[f]);
	printf("\n};\n");
}

void dump_input(const struct input *in)
{
	u32 i;

	printf("fuzz: input mark=%#x priority=%#x cb={%#x, %#x, %#x, %#x, %#x} len=%u data=",
	       in->mark, in->priority, in->cb[0], in->cb[1], in->cb[2], in->cb[3],
	       in->cb[4], in->pkt_len);
	for (i = 0; i < in->pkt_len; i++)
		printf("%02x", in->pkt[i]);
	printf("\n");
}
