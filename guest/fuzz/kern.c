// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side: raw bpf() calls to load the BTF, make the insn_array
 * maps of one load, load the program with or without the JIT, and run it
 * with BPF_PROG_TEST_RUN; the sysctls, the capabilities, and new kernel
 * log lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <linux/btf.h>
#include <linux/capability.h>
#include "fuzz.h"

static int array_fd = -1;
static int jit_fd = -1, harden_fd = -1, kmsg_fd = -1;
static int jit_cur = -1, harden_cur = -1, jit_start, harden_start;
static struct __user_cap_data_struct caps_full[2];
static struct bpf_insn load_insns[MAX_INSNS];
static u32 load_timeout;

static void on_alarm(int sig)
{
}

/* The verifier gives up with EAGAIN on a signal: SIGALRM after @secs */
static void set_alarm(u32 secs)
{
	struct itimerval it = { .it_value = { .tv_sec = secs } };

	setitimer(ITIMER_REAL, &it, NULL);
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static u64 ptr(const void *p)
{
	return (u64)(unsigned long)p;
}

/* A map with a 4-byte key; with the BTF type @btf_value_type of @btf_fd
 * for its value if @btf_fd >= 0
 */
static int map_create(u32 type, u32 value_size, u32 n, u32 flags, int btf_fd,
		      u32 btf_value_type, const char *name)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = value_size;
	a.max_entries = n;
	a.map_flags = flags;
	if (btf_fd >= 0) {
		a.btf_fd = btf_fd;
		a.btf_value_type_id = btf_value_type;
	}
	strncpy(a.map_name, name, sizeof(a.map_name) - 1);
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int map_update(int fd, u32 key, const void *value)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = ptr(&key);
	a.value = ptr(value);
	return sys_bpf(BPF_MAP_UPDATE_ELEM, &a);
}

static int map_freeze(int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	return sys_bpf(BPF_MAP_FREEZE, &a);
}

static int get_sysctl(int fd)
{
	char c = '0';

	if (pread(fd, &c, 1, 0) != 1)
		return -1;
	return c - '0';
}

static int set_sysctl(int fd, int *cur, int val)
{
	char c = '0' + val;

	if (*cur == val)
		return 0;
	if (pwrite(fd, &c, 1, 0) != 1)
		return -1;
	*cur = val;
	return 0;
}

static void set_caps(bool restricted)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memcpy(d, caps_full, sizeof(d));
	if (restricted) {
		d[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
		d[CAP_PERFMON / 32].effective &= ~(1u << (CAP_PERFMON % 32));
	}
	syscall(SYS_capset, &h, d);
}

int kern_init(u32 timeout)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct sigaction sa = { .sa_handler = on_alarm };
	cpu_set_t cpu0;

	load_timeout = timeout;
	sigaction(SIGALRM, &sa, NULL);

	/* the model's bpf_get_smp_processor_id() is 0 */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
		perror("fuzz: sched_setaffinity");

	if (syscall(SYS_capget, &h, caps_full)) {
		perror("fuzz: capget");
		return -1;
	}
	array_fd = map_create(BPF_MAP_TYPE_ARRAY, 8, ARRAY_ENTRIES, 0, -1, 0, "fuzz_array");
	if (array_fd < 0) {
		perror("fuzz: array map");
		return -1;
	}
	jit_fd = open("/proc/sys/net/core/bpf_jit_enable", O_RDWR);
	harden_fd = open("/proc/sys/net/core/bpf_jit_harden", O_RDWR);
	if (jit_fd < 0 || harden_fd < 0) {
		perror("fuzz: /proc/sys/net/core");
		return -1;
	}
	jit_start = jit_cur = get_sysctl(jit_fd);
	harden_start = harden_cur = get_sysctl(harden_fd);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	return 0;
}

void kern_fini(void)
{
	set_sysctl(jit_fd, &jit_cur, jit_start);
	set_sysctl(harden_fd, &harden_cur, harden_start);
}

int kern_set_array(const struct prog *p)
{
	u32 i;

	for (i = 0; i < ARRAY_ENTRIES; i++)
		if (map_update(array_fd, i, &p->array[i]))
			return -1;
	return 0;
}

struct btf_buf {
	u32 types[4096];
	u32 ntypes;		/* in u32 */
	char strs[1024];
	u32 nstrs;
};

static u32 btf_str(struct btf_buf *b, const char *s)
{
	u32 off = b->nstrs;

	strcpy(b->strs + off, s);
	b->nstrs += strlen(s) + 1;
	return off;
}

static void btf_put(struct btf_buf *b, u32 v)
{
	b->types[b->ntypes++] = v;
}

static void btf_type(struct btf_buf *b, u32 name, u32 kind, u32 vlen, u32 size_or_type)
{
	btf_put(b, name);
	btf_put(b, kind << 24 | vlen);
	btf_put(b, size_or_type);
}

/* The ids gen.c assigned: 1 long, 2-6 protos, 7-11 pointers, 12 + f, arrays */
static void btf_build(const struct prog *p, struct btf_buf *b)
{
	static const char *const args[] = { "a", "b", "c", "d" };
	char name[16];
	int a, k, f, t;

	b->ntypes = 0;
	b->nstrs = 0;
	btf_str(b, "");
	btf_type(b, btf_str(b, "long"), BTF_KIND_INT, 0, 8);
	btf_put(b, BTF_INT_SIGNED << 24 | 64);
	for (a = 0; a <= 4; a++) {
		btf_type(b, 0, BTF_KIND_FUNC_PROTO, a, 1);
		for (k = 0; k < a; k++) {
			btf_put(b, btf_str(b, args[k]));
			btf_put(b, 1);
		}
	}
	for (a = 0; a <= 4; a++)
		btf_type(b, 0, BTF_KIND_PTR, 0, 2 + a);
	for (f = 0; f < p->nfunc; f++) {
		snprintf(name, sizeof(name), "f%d", f);
		btf_type(b, btf_str(b, name), BTF_KIND_FUNC,
			 f == 0 || p->func[f].global ? BTF_FUNC_GLOBAL : BTF_FUNC_STATIC,
			 2 + p->func[f].arity);
	}
	for (t = 0; t < p->ntab; t++) {
		if (!p->tab[t].btf_array)
			continue;
		btf_type(b, 0, BTF_KIND_ARRAY, 0, 0);
		btf_put(b, 7 + p->tab[t].arity);
		btf_put(b, 1);
		btf_put(b, p->tab[t].n);
	}
	for (t = 0; t < p->ntab; t++) {
		if (!p->tab[t].btf_datasec)
			continue;
		snprintf(name, sizeof(name), "ft%d", t);
		btf_type(b, btf_str(b, name), BTF_KIND_VAR, 0, p->tab[t].btf_array);
		btf_put(b, BTF_VAR_STATIC);
		btf_type(b, btf_str(b, ".rodata"), BTF_KIND_DATASEC, 1, p->tab[t].n * 8);
		btf_put(b, p->tab[t].btf_datasec - 1);
		btf_put(b, 0);
		btf_put(b, p->tab[t].n * 8);
	}
}

int kern_btf(const struct prog *p)
{
	static struct btf_buf b;
	static u8 blob[sizeof(b.types) + sizeof(b.strs) + sizeof(struct btf_header)];
	static char log[4096];
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
	};
	union bpf_attr a;
	int fd;

	btf_build(p, &b);
	h.type_off = 0;
	h.type_len = b.ntypes * 4;
	h.str_off = h.type_len;
	h.str_len = b.nstrs;
	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), b.types, h.type_len);
	memcpy(blob + sizeof(h) + h.type_len, b.strs, h.str_len);

	memset(&a, 0, sizeof(a));
	a.btf = ptr(blob);
	a.btf_size = sizeof(h) + h.type_len + h.str_len;
	fd = sys_bpf(BPF_BTF_LOAD, &a);
	if (fd >= 0)
		return fd;
	log[0] = 0;
	a.btf_log_buf = ptr(log);
	a.btf_log_size = sizeof(log);
	a.btf_log_level = 1;
	fd = sys_bpf(BPF_BTF_LOAD, &a);
	if (fd < 0)
		printf("fuzz: BTF refused: %s\n%s\n", strerror(errno), log);
	return fd;
}

/* A function table as read-only data: each function pointer holds the
 * byte offset of its function
 */
static int make_rodata(const struct table *t, int btf_fd)
{
	u64 v[MAX_ENTRIES];
	u32 i;
	int fd;

	fd = map_create(BPF_MAP_TYPE_ARRAY, t->n * 8, 1, BPF_F_RDONLY_PROG,
			btf_fd, t->btf_datasec, "ft.rodata");
	if (fd < 0)
		return -errno;
	for (i = 0; i < t->n; i++)
		v[i] = (u64)t->off[i] * sizeof(struct bpf_insn);
	if (map_update(fd, 0, v) || map_freeze(fd)) {
		i = errno;
		close(fd);
		return -i;
	}
	return fd;
}

static int make_table(const struct table *t, int btf_fd)
{
	struct bpf_insn_array_value v;
	u32 i;
	int fd;

	if (t->rodata)
		return make_rodata(t, btf_fd);
	fd = map_create(BPF_MAP_TYPE_INSN_ARRAY, sizeof(v), t->n, 0, -1, 0,
			t->kind == TAB_FUNC ? "ft" : "jt");
	if (fd < 0)
		return -errno;
	for (i = 0; i < t->n; i++) {
		memset(&v, 0, sizeof(v));
		v.orig_off = t->off[i];
		if (map_update(fd, i, &v))
			goto fail;
	}
	if (map_freeze(fd))
		goto fail;
	return fd;
fail:
	i = errno;
	close(fd);
	return -i;
}

/* The program of one load: map references become file descriptors */
static void patch_maps(const struct prog *p, const struct loaded *l)
{
	struct bpf_insn *in;
	u32 i;

	memcpy(load_insns, p->insn, p->len * sizeof(p->insn[0]));
	for (i = 0; i + 1 < p->len; i++) {
		in = &load_insns[i];
		if (!is_ldimm64(in))
			continue;
		if (in->src_reg == BPF_PSEUDO_MAP_VALUE || in->src_reg == BPF_PSEUDO_MAP_FD) {
			if (in->imm == ARRAY_MAP_ID)
				in->imm = array_fd;
			else if (in->imm >= 0 && in->imm < l->nmap && l->map_fd[in->imm] >= 0)
				in->imm = l->map_fd[in->imm];
		}
		i++;
	}
}

static void prog_info(struct loaded *l)
{
	struct bpf_prog_info info;
	union bpf_attr a;

	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = l->fd;
	a.info.info_len = sizeof(info);
	a.info.info = ptr(&info);
	if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a))
		return;
	l->jited = info.jited_prog_len > 0;
	l->verified = info.verified_insns;
}

static int prog_load(const struct prog *p, int btf_fd, char *log, u32 log_size)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = ptr(load_insns);
	a.insn_cnt = p->len;
	a.license = ptr("GPL");
	if (log) {
		log[0] = 0;
		a.log_buf = ptr(log);
		a.log_size = log_size;
		a.log_level = 1;
	}
	if (btf_fd >= 0 && p->nfinfo) {
		a.prog_btf_fd = btf_fd;
		a.func_info_rec_size = sizeof(struct bpf_func_info);
		a.func_info = ptr(p->finfo);
		a.func_info_cnt = p->nfinfo;
	}
	set_caps(p->restricted);
	set_alarm(load_timeout);
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		fd = -errno;
	set_alarm(0);
	set_caps(false);
	return fd;
}

/*
 * Load @p with the JIT or the interpreter, with maps of its own, made at
 * the first load into @l (after kern_reset()).  With @log the load is
 * logged: a second load into the same @l after a refusal, say.
 */
void kern_load(const struct prog *p, int btf_fd, bool jit, char *log, u32 log_size,
	       struct loaded *l)
{
	int t, fd;

	if (l->nmap < 0) {
		l->nmap = 0;
		for (t = 0; t < p->ntab; t++)
			l->map_fd[l->nmap++] = make_table(&p->tab[t], btf_fd);
	}
	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	for (t = 0; t < l->nmap; t++) {
		if (l->map_fd[t] < 0) {
			l->fd = -1;
			l->err = -l->map_fd[t];
			if (log)
				snprintf(log, log_size, "table %d: map refused: %s\n", t,
					 strerror(l->err));
			return;
		}
	}
	patch_maps(p, l);
	set_sysctl(jit_fd, &jit_cur, jit);
	set_sysctl(harden_fd, &harden_cur, jit ? p->harden : 0);
	fd = prog_load(p, btf_fd, log, log_size);
	l->fd = fd < 0 ? -1 : fd;
	l->err = fd < 0 ? -fd : 0;
	if (fd >= 0)
		prog_info(l);
}

void kern_reset(struct loaded *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->nmap = -1;
}

void kern_unload(struct loaded *l)
{
	int t;

	if (l->fd >= 0)
		close(l->fd);
	for (t = 0; t < l->nmap; t++)
		if (l->map_fd[t] >= 0)
			close(l->map_fd[t]);
	kern_reset(l);
}

void kern_run(const struct loaded *l, const struct input *in, struct output *out)
{
	struct __sk_buff ctx_in, ctx_out;
	union bpf_attr a;

	memset(&ctx_in, 0, sizeof(ctx_in));
	memset(&ctx_out, 0, sizeof(ctx_out));
	ctx_in.mark = in->mark;
	ctx_in.priority = in->priority;
	memcpy(ctx_in.cb, in->cb, sizeof(ctx_in.cb));
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = l->fd;
	a.test.data_in = ptr(in->pkt);
	a.test.data_size_in = in->pkt_len;
	a.test.ctx_in = ptr(&ctx_in);
	a.test.ctx_size_in = sizeof(ctx_in);
	a.test.ctx_out = ptr(&ctx_out);
	a.test.ctx_size_out = sizeof(ctx_out);
	a.test.repeat = 1;
	memset(out, 0, sizeof(*out));
	if (sys_bpf(BPF_PROG_TEST_RUN, &a)) {
		out->err = errno;
		return;
	}
	out->retval = a.test.retval;
	memcpy(out->cb, ctx_out.cb, sizeof(out->cb));
}

/* The first new kernel log line that looks like a splat, if any: 1 */
int kern_splat(char *buf, int size)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "KASAN", "general protection",
		"Call Trace", "verifier bug", "RIP:", "pc :",
	};
	char rec[1024];
	ssize_t n;
	int found = 0;
	u32 i;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]) && !found; i++) {
			if (strstr(rec, bad[i])) {
				snprintf(buf, size, "%s", rec);
				buf[strcspn(buf, "\n")] = 0;
				found = 1;
			}
		}
	}
	return found;
}
