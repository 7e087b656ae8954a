# Turn one guest console log into result lines:
#   <arch> <mode>: PASS|FAIL|SKIP <suite>/<test>
# awk -v label="x86_64 jit" -f results.awk LOG
# Besides the runners' own results it reports, as FAIL lines, a runner that
# did not finish, a runner that failed with no failing test, a guest that
# stopped without a verdict, and kernel splats (outside the runners' output).

function result(what, name) { print label ": " what " " name }

# test_verifier: "#12/p descr OK", "#12/u descr SKIP (why)", "#12/p descr FAIL...",
# "#12/p descr Did not run the program (not supported) OK"
function verifier_line(line,    m, kind, rest, name) {
	match(line, /^#[0-9]+\/[up] /)
	kind = substr(line, RSTART + RLENGTH - 2, 1)
	rest = substr(line, RLENGTH + 1)
	suffix = (kind == "u") ? " [unpriv]" : ""
	# "Did not run the program (not supported)": loaded and verified, but
	# BPF_PROG_TEST_RUN does not exist for its type; test_verifier passes it.
	if (match(rest, / (Did not run the program \([a-z ]+\) )*([0-9]+ cases )?OK( \(NOTE:.*\))?$/)) {
		result("PASS", "test_verifier/" substr(rest, 1, RSTART - 1) suffix)
		vpass++
	} else if (match(rest, / SKIP( \(.*\))?$/)) {
		why = substr(rest, RSTART + 6)
		result("SKIP", "test_verifier/" substr(rest, 1, RSTART - 1) suffix (why != "" ? " " why : ""))
		vskip++
	} else {
		sub(/ +(\(run [0-9]+\/[0-9]+\) |Did not run the program \([a-z ]+\) )*FAIL.*$/, "", rest)
		sub(/ +$/, "", rest)
		result("FAIL", "test_verifier/" rest suffix)
		vfail++
	}
}

# test_progs: "#7      name:OK", "#7/2    name/sub:SKIP", "#7 name:OK (SKIP: 1/3)"
function progs_line(line,    num, name, res, parent) {
	num = line; sub(/[ \t].*/, "", num)
	name = line; sub(/^#[0-9\/]+[ \t]+/, "", name)
	match(name, /:(OK|SKIP|FAIL)( \(SKIP: [0-9]+\/[0-9]+\))?$/)
	res = substr(name, RSTART + 1, 4)
	name = substr(name, 1, RSTART - 1)
	if (num ~ /\//) {
		parent = num; sub(/\/.*/, "", parent)
		has_sub[parent] = 1
	} else if (num in has_sub) {
		return		# its subtests were reported one by one
	}
	if (res == "OK")	result("PASS", "test_progs/" name)
	else if (res == "SKIP")	result("SKIP", "test_progs/" name)
	else			result("FAIL", "test_progs/" name)
}

/^@@ skip / { sub(/^@@ skip /, ""); result("SKIP", $0); next }
/^@@ begin / { runner = $3; in_runner = 1; saw_fail = 0; summary = 0; repeats = 0; next }
/^@@ end / {
	rc = $4; sub(/^rc=/, "", rc)
	if (rc != 0 && !saw_fail)
		result("FAIL", runner "/exit status " rc)
	if (!summary)
		result("FAIL", runner "/no summary line (crashed?)")
	ended[runner] = 1
	in_runner = 0
	next
}
in_runner && /^Summary: / { summary = 1; next }
# test_progs repeats the failed tests' output after its summary
in_runner && /^All error logs:$/ { repeats = 1; next }
in_runner && repeats { next }
in_runner && runner == "test_verifier" && /^#[0-9]+\/[up] / {
	before = vfail; verifier_line($0); if (vfail > before) saw_fail = 1; next
}
# fuzz: "fuzz: result PASS gotox-callx 2000 programs",
# "fuzz: result FAIL gotox-callx/DISAGREE seed=1 prog=17"
in_runner && runner == "fuzz" && /^fuzz: result (PASS|FAIL|SKIP) / {
	if ($3 == "FAIL") saw_fail = 1
	name = $0; sub(/^fuzz: result [A-Z]+ /, "", name)
	result($3, "fuzz/" name); next
}
in_runner && runner == "test_progs" && /^#[0-9]+(\/[0-9]+)?[ \t]+.*:(OK|SKIP|FAIL)( \(SKIP: [0-9]+\/[0-9]+\))?$/ {
	if ($0 ~ /:FAIL$/) saw_fail = 1
	progs_line($0); next
}
in_runner { next }
/^@@ guest-exit / { verdict = $3 }
# The one boot banner of a PROVE_RCU kernel that names lockdep is no splat.
/^rcu:[ \t]*RCU lockdep checking is enabled\.$/ { next }
/BUG:|WARNING:|KASAN|lockdep|Kernel panic|Oops/ { result("FAIL", "kernel/splat: " $0) }
END {
	if (in_runner)
		result("FAIL", runner "/did not finish")
	if (verdict == "")
		result("FAIL", "guest/no verdict (crash or timeout)")
	else if (verdict != 0)
		result("FAIL", "guest/job exit status " verdict)
}
