// SPDX-License-Identifier: GPL-2.0
/*
 * bench: run the switch programs of bench/switch.bpf.c and the call
 * programs of bench/calls.bpf.c through BPF_PROG_TEST_RUN and print what
 * one dispatch or one call costs.
 *
 *   bench [-r REPEAT] [-s SAMPLES] OBJ...     e.g. bench gotox.bpf.o tree.bpf.o
 *
 * Each program of each object is loaded on its own (libbpf, log_level
 * BPF_LOG_STATS for the verifier's figures) and run REPEAT times per
 * BPF_PROG_TEST_RUN; the kernel reports the mean duration of one run in ns.
 * Under QEMU with '-icount shift=0' guest time is the guest instruction
 * count, 1 ns a instruction, so the figures are instruction counts. Each
 * measurement is the least of SAMPLES test runs: an interrupt only ever
 * adds instructions.
 *
 * Output, the variant being the object's name less '.bpf.o':
 *   bench-raw <variant> <prog> key=<k> ns=<n> retval=<r>
 *   bench-verifier <variant> <prog> insns=<n> states=<n> xlated=<n> jited=<n>
 *   bench <variant> N=<n> seq=<f> rnd=<f> insns=<n> states=<n> xlated=<n> jited=<n> check=<x>
 * seq: mean over keys 0..N (N hits the default) of seq<N>, less empty;
 * rnd: (rnd<N> - rndbase<N>) / 16, keys from bpf_get_prandom_u32();
 * insns, states, xlated (insns), jited (bytes): of seq<N>;
 * check: a hash of seq<N>'s return values, the same for every variant.
 *
 * For call_<kind> programs (keys 0..3; call_tail with its tail_<i>
 * programs in its prog array) one line instead:
 *   bench-calls <kind>=<f>... agree=<yes|no>
 * each the mean over the keys less its baseline's: call_inline for the
 * kinds with one callee, call_base4 for those with four (switch, table,
 * tail); agree: whether the kinds with one callee returned what
 * call_inline did, and the kinds with four what call_switch did.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define LOOPS		16		/* as in switch.bpf.c */
#define CALL_KEYS	4		/* as in calls.bpf.c */
#define OPERAND		0x12345678	/* skb->priority, the switch's operand */
#define MAX_PROGS	64
#define LOG_SIZE	(1 << 16)

struct result {
	char name[64];
	unsigned int insns, states, xlated, jited;
	double ns;		/* seq<N>: mean over the keys; others: the one figure */
	unsigned int check;
};

static unsigned int repeat = 1000, samples = 3;
static char log_buf[LOG_SIZE];

/* Least mean duration of 'samples' test runs of 'repeat' runs each. */
static int run(int fd, unsigned int key, unsigned int *ns, unsigned int *retval)
{
	struct __sk_buff ctx = { .mark = key, .priority = OPERAND };
	unsigned char pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt,
		.data_size_in = sizeof(pkt),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = repeat,
	);
	unsigned int i, best = ~0u;

	for (i = 0; i < samples; i++) {
		opts.duration = 0;
		if (bpf_prog_test_run_opts(fd, &opts))
			return -errno;
		if (opts.duration < best)
			best = opts.duration;
	}
	*ns = best;
	*retval = opts.retval;
	return 0;
}

/* Put tail_<i> into call_tail's prog array at i */
static int fill_tail_progs(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "tail_progs");
	struct bpf_program *p;
	char name[16];
	__u32 i;
	int fd;

	for (i = 0; i < CALL_KEYS && map; i++) {
		snprintf(name, sizeof(name), "tail_%u", i);
		p = bpf_object__find_program_by_name(obj, name);
		fd = p ? bpf_program__fd(p) : -1;
		if (fd < 0 || bpf_map_update_elem(bpf_map__fd(map), &i, &fd, 0)) {
			fprintf(stderr, "bench: call_tail: cannot set up %s\n", name);
			return -1;
		}
	}
	return map ? 0 : -1;
}

static void parse_log(struct result *r)
{
	const char *p;

	p = strstr(log_buf, "processed ");
	if (p)
		sscanf(p, "processed %u insns", &r->insns);
	p = strstr(log_buf, "total_states ");
	if (p)
		sscanf(p, "total_states %u", &r->states);
}

/* Load program 'name' of 'path' alone and measure it. */
static int bench_prog(const char *path, const char *variant, const char *name,
		      struct result *r)
{
	struct bpf_prog_info info = {};
	__u32 info_len = sizeof(info);
	struct bpf_object *obj;
	struct bpf_program *prog, *p;
	unsigned int n = 0, key, keys = 1, ns = 0, retval = 0;
	double sum = 0;
	int fd, err;

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	prog = bpf_object__find_program_by_name(obj, name);
	/* call_tail needs the programs it tail calls */
	bpf_object__for_each_program(p, obj)
		bpf_program__set_autoload(p, p == prog ||
					  (!strcmp(name, "call_tail") &&
					   !strncmp(bpf_program__name(p), "tail_", 5)));
	bpf_program__set_log_level(prog, 4);	/* BPF_LOG_STATS */
	log_buf[0] = 0;
	bpf_program__set_log_buf(prog, log_buf, sizeof(log_buf));
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "bench: %s: loading %s: %s\n%s", variant, name,
			strerror(-err), log_buf);
		bpf_object__close(obj);
		return -1;
	}
	fd = bpf_program__fd(prog);
	if (!strcmp(name, "call_tail") && fill_tail_progs(obj)) {
		bpf_object__close(obj);
		return -1;
	}

	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	parse_log(r);
	if (!bpf_prog_get_info_by_fd(fd, &info, &info_len)) {
		r->xlated = info.xlated_prog_len / sizeof(struct bpf_insn);
		r->jited = info.jited_prog_len;
	}
	printf("bench-verifier %s %s insns=%u states=%u xlated=%u jited=%u\n",
	       variant, name, r->insns, r->states, r->xlated, r->jited);

	if (sscanf(name, "seq%u", &n) == 1)
		keys = n + 1;
	else if (!strncmp(name, "call_", 5))
		keys = CALL_KEYS;
	r->check = 2166136261u;
	for (key = 0; key < keys; key++) {
		err = run(fd, key, &ns, &retval);
		if (err) {
			fprintf(stderr, "bench: %s: test run of %s: %s\n", variant, name,
				strerror(-err));
			bpf_object__close(obj);
			return -1;
		}
		printf("bench-raw %s %s key=%u ns=%u retval=%u\n", variant, name, key,
		       ns, retval);
		sum += ns;
		r->check = (r->check ^ retval) * 16777619u;	/* FNV-1a */
	}
	r->ns = sum / keys;
	bpf_object__close(obj);
	return 0;
}

static struct result *find(struct result *res, int nres, const char *name)
{
	int i;

	for (i = 0; i < nres; i++)
		if (!strcmp(res[i].name, name))
			return &res[i];
	return NULL;
}

static int bench_obj(const char *path)
{
	static struct result res[MAX_PROGS];
	struct bpf_object *obj;
	struct bpf_program *prog;
	char variant[64], name[64];
	const char *base;
	struct result *seq, *rnd, *rndbase, *empty;
	int nres = 0, i, rc = 0;
	unsigned int n;

	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	snprintf(variant, sizeof(variant), "%.*s", (int)strcspn(base, "."), base);

	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (nres == MAX_PROGS)
			break;
		/* only ever tail called by call_tail */
		if (!strncmp(bpf_program__name(prog), "tail_", 5))
			continue;
		if (bench_prog(path, variant, bpf_program__name(prog), &res[nres]))
			rc = 1;
		else
			nres++;
	}
	bpf_object__close(obj);

	empty = find(res, nres, "call_inline");
	if (empty) {
		struct result *four = find(res, nres, "call_switch");
		struct result *base4 = find(res, nres, "call_base4");
		const char *kind;
		bool agree = four && base4;

		printf("bench-calls");
		for (i = 0; i < nres && agree; i++) {
			if (strncmp(res[i].name, "call_", 5) || &res[i] == empty ||
			    &res[i] == base4)
				continue;
			kind = res[i].name + 5;
			if (!strcmp(kind, "switch") || !strcmp(kind, "table") ||
			    !strcmp(kind, "tail")) {
				printf(" %s=%.2f", kind, res[i].ns - base4->ns);
				agree &= res[i].check == four->check;
			} else {
				printf(" %s=%.2f", kind, res[i].ns - empty->ns);
				agree &= res[i].check == empty->check;
			}
		}
		printf(" agree=%s\n", agree ? "yes" : "no");
		return rc || !agree;
	}

	empty = find(res, nres, "empty");
	for (i = 0; i < nres; i++) {
		if (sscanf(res[i].name, "seq%u", &n) != 1)
			continue;
		seq = &res[i];
		snprintf(name, sizeof(name), "rnd%u", n);
		rnd = find(res, nres, name);
		snprintf(name, sizeof(name), "rndbase%u", n);
		rndbase = find(res, nres, name);
		printf("bench %s N=%u", variant, n);
		if (empty)
			printf(" seq=%.2f", seq->ns - empty->ns);
		else
			printf(" seq=-");
		if (rnd && rndbase)
			printf(" rnd=%.2f", (rnd->ns - rndbase->ns) / LOOPS);
		else
			printf(" rnd=-");
		printf(" insns=%u states=%u xlated=%u jited=%u check=%08x\n",
		       seq->insns, seq->states, seq->xlated, seq->jited, seq->check);
	}
	return rc;
}

int main(int argc, char **argv)
{
	int opt, i, rc = 0;

	while ((opt = getopt(argc, argv, "r:s:")) != -1) {
		switch (opt) {
		case 'r':
			repeat = strtoul(optarg, NULL, 0);
			break;
		case 's':
			samples = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (optind == argc || !repeat || !samples)
		goto usage;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench-config repeat=%u samples=%u\n", repeat, samples);
	for (i = optind; i < argc; i++)
		rc |= bench_obj(argv[i]);
	return rc;
usage:
	fprintf(stderr, "usage: bench [-r REPEAT] [-s SAMPLES] OBJ...\n");
	return 2;
}
