#!/bin/bash
# 'make bench': gotox against the compare tree, in guest instructions per
# dispatch, and callx against the other kinds of calls, in guest
# instructions per call. For each architecture boot the guest with '-icount shift=0'
# (guest time = guest instruction count) and JOB=bench, with the JIT, with
# the JIT and spectre_v2=off (x86_64: no retpolines), and with the
# interpreter; print the tables and write them to bench/results.md.
#   scripts/bench.sh [ARCH...]      default: x86_64 arm64
# Console logs: build/results/bench-<arch>-<config>.log
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
res=$top/build/results
out=$top/bench/results.md
mkdir -p "$res"
[ $# -gt 0 ] || set -- x86_64 arm64

# arch, config name (in file names), MODE, kernel command line extra
configs=()
for arch in "$@"; do
	configs+=("$arch jit jit -")
	[ "$arch" = x86_64 ] && configs+=("$arch jit-nospec jit spectre_v2=off")
	configs+=("$arch interp interp -")
done

# Guests two at a time (one host thread each); icount keeps the counts
# exact however loaded the host is.
jobs_max=$(nproc)
for cfg in "${configs[@]}"; do
	read -r arch name mode append <<< "$cfg"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
		wait -n || true
	done
	echo "== bench $arch $name: booting"
	opts=(--icount --timeout 1800 --log "$res/bench-$arch-$name.log")
	[ "$append" != - ] && opts+=(--append "$append")
	{
		"$top/scripts/vm.sh" "${opts[@]}" "$arch" bench "$mode" >/dev/null \
			2>"$res/bench-$arch-$name.vm"
		echo $? > "$res/bench-$arch-$name.rc"
	} &
done
wait

# One line per result: arch config-label spectre variant N=.. seq=.. ...
lines=$res/bench.lines
calls=$res/bench.calls
: > "$lines"
: > "$calls"
rc=0
for cfg in "${configs[@]}"; do
	read -r arch name mode append <<< "$cfg"
	log=$res/bench-$arch-$name.log
	st=$(cat "$res/bench-$arch-$name.rc" 2>/dev/null || echo 1)
	if [ "$st" != 0 ]; then
		echo "bench: $arch $name: the guest failed (exit status $st): $log" >&2
		sed 's/^/bench:   /' "$res/bench-$arch-$name.vm" >&2
		grep '^bench: ' "$log" 2>/dev/null | sed 's/^/bench:   /' >&2
		rc=1
	fi
	spectre=$(sed -n 's/^@@ spectre_v2: //p' "$log" 2>/dev/null | head -n 1)
	label=$mode
	[ "$append" != - ] && label="$mode, $append"
	awk -v pre="$arch\t$label\t${spectre:-?}\t" \
		'/^bench [a-z]+ N=/ { print pre substr($0, 7) }' "$log" 2>/dev/null >> "$lines"
	awk -v pre="$arch\t$label\t" \
		'/^bench-calls / { print pre substr($0, 13) }' "$log" 2>/dev/null >> "$calls"
done

awk -F'\t' -v arches="$*" '
function cell(k) { return (k in v) ? v[k] : "-" }
BEGIN {
	nn = split("4 16 64 256", Ns, " ")
	na = split(arches, A, " ")
	# the rows, in order: arch, config label
	for (a = 1; a <= na; a++) {
		rows[++nr] = A[a] "\tjit"
		if (A[a] == "x86_64")
			rows[++nr] = A[a] "\tjit, spectre_v2=off"
		else
			rows[++nr] = A[a] "\tjit, spectre_v2=off\tn/a"
		rows[++nr] = A[a] "\tinterp"
	}
	code["tree"] = "compare tree"
	code["gotox"] = "gotox"
}
{
	arch = $1; label = $2; spectre[arch "\t" label] = $3
	delete d
	split($4, f, " ")
	variant = f[1]
	for (i = 2; i in f; i++) {
		split(f[i], kv, "=")
		d[kv[1]] = kv[2]
	}
	k = arch "\t" label "\t" variant "\t" d["N"]
	v["seq\t" k] = d["seq"]; v["rnd\t" k] = d["rnd"]
	v["ver\t" k] = d["insns"] " / " d["states"]
	v["size\t" k] = d["xlated"] " / " d["jited"]
	check[k] = d["check"]
}
# The table of one figure, for the rows whose config matches filt.
function table(what, filt,   r, parts, name, vv, n, line) {
	print "| arch | config | code | N=4 | N=16 | N=64 | N=256 |"
	print "| --- | --- | --- | ---: | ---: | ---: | ---: |"
	for (r = 1; r <= nr; r++) {
		split(rows[r], parts, "\t")
		if (parts[2] !~ filt)
			continue
		name = parts[1] "\t" parts[2]
		if (parts[3] == "n/a") {
			print "| " parts[1] " | " parts[2] " | n/a (no retpolines on arm64) | | | | |"
			continue
		}
		for (vv = 1; vv <= 2; vv++) {
			variant = vv == 1 ? "tree" : "gotox"
			line = "| " parts[1] " | " parts[2] " | " code[variant] " |"
			for (n = 1; n <= nn; n++)
				line = line " " cell(what "\t" name "\t" variant "\t" Ns[n]) " |"
			print line
		}
	}
}
END {
	print "# make bench: gotox against the compare tree"
	print ""
	print "An N-way switch (`bench/switch.bpf.c`, every case a few ALU"
	print "instructions of its own) built by clang-22 twice: with jump tables"
	print "(`-mcpu=v4 -mllvm -bpf-min-jump-table-entries=4`: `gotox`) and without"
	print "(`-mcpu=v3`: a tree of compares). Run by `BPF_PROG_TEST_RUN` in QEMU"
	print "(TCG) with `-icount shift=0`, where 1 ns of guest time is one guest"
	print "instruction: the figures are guest (x86-64 or arm64) instructions per"
	print "dispatch, case body included, the cost of running an empty program"
	print "subtracted. The key is read from the context (`skb->mark`), which"
	print "counts too."
	print ""
	print "Reference, from the issue (unpatched x86-64 kernel, retpolines, keys"
	print "0..N): compare tree with the JIT 10.4 / 14.1 / 18.0 / 22.0, with the"
	print "interpreter 141 / 177 / 211 / 244, for N = 4 / 16 / 64 / 256."
	print ""
	print "Guests (`/sys/devices/system/cpu/vulnerabilities/spectre_v2`):"
	print ""
	for (r = 1; r <= nr; r++) {
		split(rows[r], parts, "\t")
		if (parts[3] == "n/a")
			continue
		name = parts[1] "\t" parts[2]
		print "- " parts[1] ", " parts[2] ": " ((name in spectre) ? spectre[name] : "no result")
	}
	print ""
	print "## Instructions per dispatch, keys 0..N in turn"
	print ""
	print "The mean over keys 0..N (N takes the default)."
	print ""
	table("seq", "")
	print ""
	print "## Instructions per dispatch, random keys"
	print ""
	print "16 dispatches a run on keys from `bpf_get_prandom_u32() % (N + 1)`, less the"
	print "same loop without the switch. Instruction counts do not see branch"
	print "mispredictions: on real hardware random keys cost the compare tree a"
	print "misprediction at about every other level, and the indirect jump a target"
	print "misprediction on most dispatches (through a retpoline, every dispatch"
	print "pays about as much). These figures stay close to the ones above: that"
	print "cost is exactly what they leave out."
	print ""
	table("rnd", "")
	print ""
	print "## Verifier: processed insns / total states (seq<N>)"
	print ""
	table("ver", "^jit$")
	print ""
	print "## Program size: xlated insns / jited bytes (seq<N>)"
	print ""
	table("size", "^jit")
	bad = 0
	for (k in check) {
		split(k, p, "\t")
		if (p[3] != "gotox")
			continue
		t = p[1] "\t" p[2] "\ttree\t" p[4]
		if ((t in check) && check[t] != check[k]) {
			if (!bad++) {
				print ""
				print "## Mismatches"
				print ""
			}
			print "- " p[1] " " p[2] " N=" p[4] ": gotox and the compare tree return different values (check " check[k] " vs " check[t] ")"
		}
	}
	exit (bad != 0)
}' "$lines" > "$out.tmp"
[ $? = 0 ] || { echo "bench: gotox and the compare tree disagree, see $out" >&2; rc=1; }

# The calls: one row per arch and config.
awk -F'\t' '
function fmt(x) { return x == "" ? "-" : x }
{
	delete d
	n = split($3, f, " ")
	for (i = 1; i <= n; i++) {
		split(f[i], kv, "=")
		d[kv[1]] = kv[2]
	}
	row[++nr] = "| " $1 " | " $2 " | " fmt(d["direct"]) " | " fmt(d["x"]) " | " \
		fmt(d["devirt"]) " | " fmt(d["switch"]) " | " fmt(d["table"]) " | " \
		fmt(d["tail"]) " |"
	if (d["direct"] != "" && d["x"] != "")
		cmp[nr] = sprintf("- %s, %s: callx - direct call = %+.2f, callx / direct call = %.2f; devirtualised callx - direct call = %+.2f; callx - bpf_tail_call = %+.2f, callx table - bpf_tail_call = %+.2f (both of 4)", \
			$1, $2, d["x"] - d["direct"], d["direct"] ? d["x"] / d["direct"] : 0, \
			d["devirt"] - d["direct"], d["x"] - d["tail"], d["table"] - d["tail"])
	if (d["agree"] != "yes")
		bad++
}
END {
	print ""
	print "# make bench: callx against the other kinds of calls"
	print ""
	print "`bench/calls.bpf.c`, clang-22 `-mcpu=v3`, run as above on keys 0..3:"
	print "guest instructions per call. One callee: every program first picks a"
	print "function pointer (h0, or another one on a test that never holds), then"
	print "calls h0 directly, calls through the pointer (`callx`), or calls through"
	print "a pointer that can only be h0, which the verifier makes a direct call;"
	print "less `call_inline`, which picks the pointer the same way and does the"
	print "work itself. The three differ in the call instruction only. Four"
	print "callees chosen by `key & 3`: a switch of direct calls (a compare tree),"
	print "`callx` through a table of four function pointers, and `bpf_tail_call()`"
	print "of one of four programs; less `call_base4`, the work of one callee with"
	print "no dispatch and no call, so these include the dispatch (key load and"
	print "mask, the compares, the table load, the prog array lookup)."
	print ""
	print "Reference, from the issue (unpatched x86-64 kernel, retpolines): direct"
	print "call 9 instructions and `bpf_tail_call` 17 with the JIT, 107 and 56 with"
	print "the interpreter."
	print ""
	print "| arch | config | direct call | callx | devirtualised callx | switch of 4 direct calls | callx, table of 4 | bpf_tail_call of 4 |"
	print "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	for (r = 1; r <= nr; r++)
		print row[r]
	print ""
	for (r = 1; r <= nr; r++)
		if (r in cmp)
			print cmp[r]
	if (bad) {
		print ""
		print "## Mismatches"
		print ""
		print "- " bad " configuration(s): the kinds of calls returned different values"
	}
	exit (bad != 0)
}' "$calls" >> "$out.tmp"
[ $? = 0 ] || { echo "bench: the kinds of calls disagree, see $out" >&2; rc=1; }
mv "$out.tmp" "$out"
cat "$out"
echo "bench: written to bench/results.md"
exit $rc
