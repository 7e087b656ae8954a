# gotox/callx: true indirect jumps and calls for eBPF, as a kernel patch
# series over Debian's linux-source-6.12. The two commands: 'make run' and
# 'make test'. See README.md.

ARCH ?= x86_64
ARCHES := x86_64 arm64
# 'make test' and 'make fuzz' also run on 32-bit x86, whose JIT has neither
# gotox nor callx: the interpreter fallback.
TEST_ARCHES := $(ARCHES) i386
S := scripts

.PHONY: all run test test-debug check bench fuzz fuzz-debug deps tree tree-clean export \
	series-check baseline kernels userspace initramfs clean help

all: run

help:
	@sed -n 's/^## //p' Makefile

deps:
	$(S)/deps.sh

build/linux/.git/HEAD: | deps
	$(S)/tree.sh

tree: build/linux/.git/HEAD

tree-clean: series-check
	rm -rf build/linux build/obj build/user build/initramfs

export:
	$(S)/export.sh

series-check:
	$(S)/series-check.sh

# kernel-x86_64, kernel-arm64, kernel-i386, kernel-x86_64-debug
kernel-%: tree
	$(S)/kernel.sh $*

# userspace-x86_64, userspace-arm64, userspace-i386 (needs the kernel's BTF)
userspace-%: kernel-%
	$(S)/userspace.sh $*

# initramfs-x86_64, initramfs-arm64, initramfs-i386, initramfs-x86_64-debug
initramfs-x86_64-debug: kernel-x86_64-debug userspace-x86_64
	$(S)/initramfs.sh x86_64-debug
initramfs-%: userspace-%
	$(S)/initramfs.sh $*

## make run [ARCH=arm64]    build, boot the patched kernel and show the demo
run: initramfs-$(ARCH)
	$(S)/run.sh $(ARCH)

## make test                selftests in x86_64, arm64 and i386, JIT and interpreter
test: $(addprefix initramfs-,$(TEST_ARCHES))
	$(S)/test.sh $(TEST_ARCHES)

## make test-debug          the same tests on the KASAN/lockdep x86_64 kernel
test-debug: initramfs-x86_64-debug
	$(S)/test.sh x86_64-debug

## make bench               gotox vs compare tree, callx vs other calls (bench/results.md)
bench: $(addprefix initramfs-,$(ARCHES))
	$(S)/bench.sh $(ARCHES)

## make fuzz [SEED=S] [COUNT=N]  differential fuzzing of gotox/callx, JIT vs interpreter
SEED ?= 1
COUNT ?= 5000
fuzz: $(addprefix initramfs-,$(TEST_ARCHES))
	$(S)/fuzz.sh --seed $(SEED) --count $(COUNT) $(TEST_ARCHES)

## make fuzz-debug [SEED=S] [COUNT=N]  the same on the KASAN/lockdep x86_64 kernel
fuzz-debug: initramfs-x86_64-debug
	$(S)/fuzz.sh --seed $(SEED) --count $(COUNT) x86_64-debug

## make check               checkpatch and build every prefix of the series
check: tree
	$(S)/check.sh

## make baseline            record test_verifier counts (unpatched tree only)
baseline:
	$(S)/baseline.sh

clean:
	rm -rf build/obj build/user build/initramfs build/results
