// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: differential fuzzing of gotox and callx.
 *
 * Program k of seed S is generated from a seed of its own (S and k), so
 * that 'fuzz -s S -k K' makes it again.  Each program is loaded twice,
 * with the JIT and with the interpreter (each load with insn_array maps
 * of its own), run on a few inputs with BPF_PROG_TEST_RUN, and the two
 * compared: return value and the __sk_buff cb[] the program may write.
 * A generated program that was not mutated is valid by construction and
 * has an expected result: the reference model's.
 *
 *   fuzz [-s SEED] [-n COUNT] [-f FIRST] [-k PROG] [-t SECONDS] [-T SECONDS]
 *        [-F MASK] [-M PERCENT] [-i INPUTS] [-m jit|interp] [-R REPORTS] [-v] [-d]
 *
 * -f: the first program number; -k: only program PROG, printed; -t: stop
 * after that many seconds; -T: give up a load after that many seconds
 * (default 10: the verifier stops on a signal); -F: features left out
 * (fuzz.h); -M: share of mutated programs (default 20%); -i: inputs a
 * program (default 4); -m: the mode of the first load; -R: how many
 * events of a kind are printed in full (default 5); -v: print every
 * program; -d: no kernel, only the generator and the model.
 *
 * Result lines, for scripts/fuzz.sh: one for each event printed in full,
 * and one for the whole run:
 *   fuzz: result FAIL gotox-callx/KIND seed=S prog=K
 *   fuzz: result PASS|FAIL gotox-callx N programs[: counts]
 *   Summary: ...
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "fuzz.h"

#define MAX_INPUTS	16
#define LOG_SIZE	(256 * 1024)

enum {
	E_DISAGREE, E_WRONG, E_SPLAT, E_VERIFIER_BUG, E_REJECTED_VALID, E_MODEL, E_NR,
};

static const char *const kind_name[E_NR] = {
	"DISAGREE", "WRONG-RESULT", "SPLAT", "VERIFIER-BUG", "REJECTED-VALID", "MODEL-ERROR",
};

struct stats {
	u64 generated;
	u64 accepted;
	u64 rejected;
	u64 jit_only;
	u64 mutated;
	u64 not_jited;
	u64 timeouts;
	u64 spectre;
	u64 nondet;
	u64 verified;
	u64 verified_max;
	u64 runs;
	u64 model_runs;
	u64 ran_gotox;
	u64 ran_callx;
	u64 valid;
	u64 events[E_NR];
};

static struct stats st;
static struct prog prog;
static struct input inputs[MAX_INPUTS];
static char log_buf[LOG_SIZE];
static u64 seed = 1;
static u32 features;
static u32 mutate_pct = 20;
static u32 ninputs = 4;
static bool jit_first = true, verbose, dry;
static int cur_fd = -1;
static u64 full_reports = 5;
static u64 cur_prog;
static u32 load_timeout = 10;

static u64 prog_seed(u64 s, u64 k)
{
	struct rng a = { .s = s }, b;

	b.s = rng_next(&a) ^ (k * 0x9e3779b97f4a7c15ULL);
	return rng_next(&b);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The last lines of a verifier log */
static void print_log_tail(const char *log, int lines)
{
	const char *p = log + strlen(log);
	int n = 0;

	while (p > log && n <= lines) {
		p--;
		if (*p == '\n')
			n++;
	}
	if (p > log)
		p++;
	printf("fuzz: verifier log (end):\n%s%s", p, *p && p[strlen(p) - 1] != '\n' ? "\n" : "");
}

static void print_output(const char *who, const struct output *o)
{
	printf("fuzz:   %-6s err=%d retval=%#x cb={%#x, %#x, %#x, %#x, %#x}\n", who,
	       o->err, o->retval, o->cb[0], o->cb[1], o->cb[2], o->cb[3], o->cb[4]);
}

/* Count an event of program @k; print it in full the first times */
static bool report(int kind, u64 k, const char *fmt, const char *detail)
{
	bool full = st.events[kind] < full_reports;

	st.events[kind]++;
	printf("fuzz: %s seed=%llu prog=%llu: ", kind_name[kind],
	       (unsigned long long)seed, (unsigned long long)k);
	printf(fmt, detail);
	printf("\n");
	if (full && kind != E_REJECTED_VALID && kind != E_MODEL)
		printf("fuzz: result FAIL gotox-callx/%s seed=%llu prog=%llu\n",
		       kind_name[kind], (unsigned long long)seed, (unsigned long long)k);
	if (full) {
		dump_prog(&prog);
		printf("fuzz: replay: fuzz -s %llu -k %llu", (unsigned long long)seed,
		       (unsigned long long)k);
		if (features)
			printf(" -F %#x", features);
		if (mutate_pct != 20)
			printf(" -M %u", mutate_pct);
		printf("\n");
	}
	return full;
}

static void count_model(const struct output *o)
{
	st.model_runs++;
	st.ran_gotox += o->gotox > 0;
	st.ran_callx += o->callx > 0;
}

static bool same(const struct output *a, const struct output *b)
{
	return a->err == b->err && a->retval == b->retval &&
	       !memcmp(a->cb, b->cb, sizeof(a->cb));
}

static bool expected_refusal(const char *log)
{
	return strstr(log, "callbacks are not allowed in non-JITed programs") ||
	       strstr(log, "calling kernel functions are not allowed in non-JITed programs") ||
	       strstr(log, "tail_calls are not allowed in non-JITed programs");
}

/*
 * A mutated program may read stack it never wrote or turn pointers into
 * numbers, which differ between the runs.  Without CAP_PERFMON the
 * verifier refuses that: then the difference says nothing.
 */
static bool nondeterministic(int btf_fd)
{
	static const char *const why[] = {
		"read from stack", "leaks addr", "prohibited", "invalid size of register fill",
		"partial copy", "sign-extension part of pointer", "leaking pointer",
	};
	struct loaded l;
	bool ret = false;
	u32 i;

	if (!prog.mutated || prog.restricted)
		return false;
	prog.restricted = true;
	kern_reset(&l);
	kern_load(&prog, btf_fd, true, log_buf, LOG_SIZE, &l);
	for (i = 0; l.fd < 0 && !ret && i < sizeof(why) / sizeof(why[0]); i++) {
		if (strstr(log_buf, why[i])) {
			printf("fuzz: note seed=%llu prog=%llu: the runs differ, but without "
			       "CAP_PERFMON: '%s'\n", (unsigned long long)seed,
			       (unsigned long long)cur_prog, why[i]);
			ret = true;
		}
	}
	kern_unload(&l);
	prog.restricted = false;
	return ret;
}

/* Both loads accepted or one refused: compare what ran */
static void run_inputs(u64 k, int btf_fd, struct loaded *jl, struct loaded *il)
{
	struct output oj, oi, om;
	char why[256];
	u32 n;

	for (n = 0; n < ninputs; n++) {
		const struct input *in = &inputs[n];

		if (jl->fd >= 0)
			kern_run(jl, in, &oj);
		if (il->fd >= 0)
			kern_run(il, in, &oi);
		st.runs++;
		if (jl->fd >= 0 && il->fd >= 0 && !same(&oj, &oi)) {
			if (nondeterministic(btf_fd)) {
				st.nondet++;
				return;
			}
			snprintf(why, sizeof(why), "input %u: the JIT and the interpreter differ", n);
			if (report(E_DISAGREE, k, "%s", why)) {
				dump_input(in);
				print_output("jit", &oj);
				print_output("interp", &oi);
			}
			return;
		}
		if (verbose) {
			dump_input(in);
			if (jl->fd >= 0)
				print_output("jit", &oj);
			if (il->fd >= 0)
				print_output("interp", &oi);
		}
		if (prog.mutated)
			continue;
		model_run(&prog, in, &om, why, sizeof(why));
		count_model(&om);
		if (verbose)
			print_output("model", &om);
		if (om.err) {
			report(E_MODEL, k, "%s", why);
			return;
		}
		if ((jl->fd >= 0 && !same(&oj, &om)) || (il->fd >= 0 && !same(&oi, &om))) {
			snprintf(why, sizeof(why), "input %u: %s the model", n,
				 jl->fd >= 0 && il->fd >= 0 ? "both modes agree, not with" :
				 "the kernel disagrees with");
			if (report(E_WRONG, k, "%s", why)) {
				dump_input(in);
				if (jl->fd >= 0)
					print_output("jit", &oj);
				if (il->fd >= 0)
					print_output("interp", &oi);
				print_output("model", &om);
			}
			return;
		}
	}
}

/* EFAULT is what the verifier answers when it finds a bug of its own */
static bool verifier_bug(u64 k, const struct loaded *l, bool jit)
{
	char msg[64];

	if (l->err != EFAULT)
		return false;
	snprintf(msg, sizeof(msg), "the %s load failed with EFAULT",
		 jit ? "JIT" : "interpreter");
	if (report(E_VERIFIER_BUG, k, "%s", msg))
		print_log_tail(log_buf, 25);
	return true;
}

static void load_both(u64 k, int btf_fd, struct loaded *jl, struct loaded *il)
{
	struct loaded *first = jit_first ? jl : il, *second = jit_first ? il : jl;
	char msg[64];

	kern_load(&prog, btf_fd, first == jl, NULL, 0, first);
	if (first->err != EAGAIN)
		kern_load(&prog, btf_fd, second == jl, NULL, 0, second);
	if (first->err == EAGAIN || second->err == EAGAIN) {
		/* the verifier took longer than -T: no verdict */
		st.timeouts++;
		kern_unload(jl);
		kern_unload(il);
		return;
	}
	if (jl->fd < 0 && il->fd < 0) {
		struct loaded *again = jl->err != EFAULT && il->err == EFAULT ? il : jl;
		int err = again->err;

		kern_load(&prog, btf_fd, again == jl, log_buf, LOG_SIZE, again);
		if (again->err == EAGAIN) {
			/* the load again, with the log, took longer than -T */
			st.timeouts++;
			return;
		}
		if (again->err != err)
			printf("fuzz: note seed=%llu prog=%llu: refused with %s, then with %s\n",
			       (unsigned long long)seed, (unsigned long long)k, strerror(err),
			       strerror(again->err));
		if (verifier_bug(k, jl, true) || verifier_bug(k, il, false))
			return;
		if (prog.mutated) {
			st.rejected++;
			return;
		}
		/* the JIT gave up: the interpreter cannot run callbacks */
		if (prog.jit_only && expected_refusal(log_buf)) {
			st.not_jited++;
			printf("fuzz: note seed=%llu prog=%llu: not JITed, so refused\n",
			       (unsigned long long)seed, (unsigned long long)k);
			return;
		}
		/* Spectre v1 hardening refuses what it cannot mask */
		if (prog.restricted && strstr(log_buf, "prohibited for !root")) {
			st.spectre++;
			return;
		}
		snprintf(msg, sizeof(msg), "%s", strerror(jl->err));
		if (report(E_REJECTED_VALID, k, "refused by both modes: %s", msg))
			print_log_tail(log_buf, 25);
		return;
	}
	if (jl->fd >= 0 && il->fd >= 0) {
		st.accepted++;
		return;
	}
	/* one refused: the interpreter may refuse what only the JIT can run */
	kern_load(&prog, btf_fd, il->fd < 0 ? false : true, log_buf, LOG_SIZE,
		  il->fd < 0 ? il : jl);
	if ((il->fd < 0 ? il : jl)->err == EAGAIN) {
		/* the load again, with the log, took longer than -T */
		st.timeouts++;
		kern_unload(jl);
		kern_unload(il);
		return;
	}
	if (verifier_bug(k, jl->fd < 0 ? jl : il, jl->fd < 0))
		return;
	if (jl->fd >= 0 && il->fd < 0 && (prog.jit_only || prog.mutated) &&
	    expected_refusal(log_buf)) {
		st.jit_only++;
		return;
	}
	if (jl->fd >= 0 && il->fd >= 0) {
		/* accepted the second time: the refusal did not repeat */
		snprintf(msg, sizeof(msg), "a refusal that a second load did not repeat");
	} else {
		snprintf(msg, sizeof(msg), "only the %s accepts it (%s)",
			 jl->fd >= 0 ? "JIT" : "interpreter",
			 strerror(jl->fd >= 0 ? il->err : jl->err));
	}
	if (report(E_DISAGREE, k, "%s", msg))
		print_log_tail(log_buf, 25);
}

static void fuzz_one(u64 k)
{
	struct loaded jl, il;
	double t0 = now();
	u32 verified = 0;
	char buf[512];
	struct rng r;
	int btf_fd = -1;
	u32 n;

	cur_prog = k;
	r.s = prog_seed(seed, k);
	gen_prog(&prog, &r, features);
	if (!(features & F_MUTATE) && chance(&r, mutate_pct))
		mutate_prog(&prog, &r);
	for (n = 0; n < ninputs; n++)
		gen_input(&inputs[n], &r);
	st.generated++;
	st.mutated += prog.mutated;
	st.valid += !prog.mutated;
	if (cur_fd >= 0) {
		n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)k);
		if (pwrite(cur_fd, buf, n, 0) < 0)
			cur_fd = -1;
	}
	if (verbose) {
		printf("fuzz: prog %llu\n", (unsigned long long)k);
		dump_prog(&prog);
		fflush(stdout);
	}
	if (dry) {
		struct output om;

		for (n = 0; n < ninputs && !prog.mutated; n++) {
			model_run(&prog, &inputs[n], &om, buf, sizeof(buf));
			count_model(&om);
			if (om.err) {
				report(E_MODEL, k, "%s", buf);
				break;
			}
			if (verbose)
				print_output("model", &om);
		}
		return;
	}

	kern_set_array(&prog);
	if (prog.btf) {
		btf_fd = kern_btf(&prog);
		if (btf_fd < 0) {
			if (prog.mutated)
				st.rejected++;
			else
				report(E_REJECTED_VALID, k, "BTF refused: %s", strerror(errno));
			return;
		}
	}
	kern_reset(&jl);
	kern_reset(&il);
	load_both(k, btf_fd, &jl, &il);
	if (jl.fd >= 0 && !jl.jited)
		st.not_jited++;
	if (jl.fd >= 0) {
		verified = jl.verified;
		st.verified += verified;
		if (verified > st.verified_max)
			st.verified_max = verified;
	}
	if (jl.fd >= 0 || il.fd >= 0)
		run_inputs(k, btf_fd, &jl, &il);
	kern_unload(&jl);
	kern_unload(&il);
	if (btf_fd >= 0)
		close(btf_fd);
	if (kern_splat(buf, sizeof(buf)))
		report(E_SPLAT, k, "kernel log: %s", buf);
	/* what makes the generator slow */
	if (now() - t0 > 5 || verified > 200000)
		printf("fuzz: note seed=%llu prog=%llu: %.1f s, %u insns verified\n",
		       (unsigned long long)seed, (unsigned long long)k, now() - t0, verified);
	fflush(stdout);
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz [-s SEED] [-n COUNT] [-f FIRST] [-k PROG] [-t SECONDS]\n"
			"            [-T SECONDS] [-F MASK] [-M PERCENT] [-i INPUTS] [-m jit|interp]\n"
			"            [-R REPORTS] [-v] [-d]\n");
	exit(2);
}

static int summary(u64 first, u64 done, double secs)
{
	u64 failures = st.events[E_DISAGREE] + st.events[E_WRONG] + st.events[E_SPLAT] +
		       st.events[E_VERIFIER_BUG];
	u64 bad_valid = st.events[E_REJECTED_VALID] + st.events[E_MODEL];
	bool too_many = bad_valid * 100 > st.valid;

	printf("Summary: fuzz seed=%llu programs %llu..%llu: %llu generated, %llu accepted, "
	       "%llu rejected, %llu JIT only, %llu mutated (%llu nondeterministic), "
	       "%llu refused by Spectre hardening, %llu timed out, "
	       "%llu runs, %llu not JITed, %llu verified insns (max %llu); "
	       "%llu disagreements, %llu wrong results, %llu splats, %llu verifier bugs, "
	       "%llu valid refused, %llu model errors; %.0f s, %.1f programs/s\n",
	       (unsigned long long)seed, (unsigned long long)first,
	       (unsigned long long)(first + done - 1), (unsigned long long)st.generated,
	       (unsigned long long)st.accepted, (unsigned long long)st.rejected,
	       (unsigned long long)st.jit_only, (unsigned long long)st.mutated,
	       (unsigned long long)st.nondet, (unsigned long long)st.spectre,
	       (unsigned long long)st.timeouts,
	       (unsigned long long)st.runs, (unsigned long long)st.not_jited,
	       (unsigned long long)st.verified, (unsigned long long)st.verified_max,
	       (unsigned long long)st.events[E_DISAGREE],
	       (unsigned long long)st.events[E_WRONG], (unsigned long long)st.events[E_SPLAT],
	       (unsigned long long)st.events[E_VERIFIER_BUG],
	       (unsigned long long)st.events[E_REJECTED_VALID],
	       (unsigned long long)st.events[E_MODEL], secs, secs > 0 ? done / secs : 0.0);
	if (st.model_runs)
		printf("fuzz: %llu model runs, %llu%% through a gotox, %llu%% through a callx\n",
		       (unsigned long long)st.model_runs,
		       (unsigned long long)(st.ran_gotox * 100 / st.model_runs),
		       (unsigned long long)(st.ran_callx * 100 / st.model_runs));
	if (too_many)
		printf("fuzz: result FAIL gotox-callx/valid-refused %llu of %llu valid programs "
		       "refused or beyond the model (over 1%%)\n",
		       (unsigned long long)bad_valid, (unsigned long long)st.valid);
	if (failures)
		printf("fuzz: result FAIL gotox-callx %llu programs: %llu disagreements, "
		       "%llu wrong results, %llu splats, %llu verifier bugs\n",
		       (unsigned long long)done, (unsigned long long)st.events[E_DISAGREE],
		       (unsigned long long)st.events[E_WRONG],
		       (unsigned long long)st.events[E_SPLAT],
		       (unsigned long long)st.events[E_VERIFIER_BUG]);
	else
		printf("fuzz: result %s gotox-callx %llu programs\n", too_many ? "FAIL" : "PASS",
		       (unsigned long long)done);
	return failures || too_many;
}

int main(int argc, char **argv)
{
	u64 first = 0, count = 1000, k, done = 0;
	double start, budget = 0;
	int c;

	while ((c = getopt(argc, argv, "s:n:f:k:t:T:F:M:i:m:R:vdh")) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			count = strtoull(optarg, NULL, 0);
			break;
		case 'f':
			first = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			first = strtoull(optarg, NULL, 0);
			count = 1;
			verbose = true;
			break;
		case 't':
			budget = strtod(optarg, NULL);
			break;
		case 'T':
			load_timeout = strtoul(optarg, NULL, 0);
			break;
		case 'F':
			features = strtoul(optarg, NULL, 0);
			break;
		case 'M':
			mutate_pct = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			ninputs = strtoul(optarg, NULL, 0);
			if (ninputs > MAX_INPUTS)
				ninputs = MAX_INPUTS;
			break;
		case 'm':
			jit_first = strcmp(optarg, "interp") != 0;
			break;
		case 'R':
			full_reports = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		case 'd':
			dry = true;
			break;
		default:
			usage();
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!dry && kern_init(load_timeout))
		return 1;
	cur_fd = open("/tmp/fuzz.cur", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	printf("fuzz: seed %llu, programs %llu..%llu, features off %#x, %u%% mutated, "
	       "%u inputs, first load %s\n", (unsigned long long)seed,
	       (unsigned long long)first, (unsigned long long)(first + count - 1), features,
	       mutate_pct, ninputs, jit_first ? "JIT" : "interpreter");
	start = now();
	for (k = first; k < first + count; k++) {
		if (budget > 0 && now() - start >= budget) {
			printf("fuzz: time budget of %.0f s spent after %llu programs\n", budget,
			       (unsigned long long)done);
			break;
		}
		fuzz_one(k);
		done++;
		if (!verbose && done % 500 == 0)
			printf("fuzz: progress %llu programs, %.0f s\n",
			       (unsigned long long)done, now() - start);
	}
	if (!dry)
		kern_fini();
	return summary(first, done, now() - start);
}
