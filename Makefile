# SPDX-License-Identifier: MIT
#
# zkasic top-level build. `make` builds the userspace (math core, runtime,
# emulator core, tools, tests) and the kernel module; `make test` sets up
# what is missing (packages, kernel, QEMU), then runs host and VM tests.
#
# Non-recursive: each directory's sources are found by wildcard, so adding a
# file needs no Makefile edit. Outputs go to $(B) (default build/).

B ?= build
CACHE ?= $(or $(ZKASIC_CACHE),$(HOME)/.cache/zkasic)
CC ?= gcc
OPT ?= -O2
CFLAGS ?= $(OPT) -g
ZK_CPPFLAGS := -Iruntime/include -Iruntime/math -Iuapi -Iuapi/drm -Ikernel -Iemulator/core \
	-isystem $(CACHE)/kselftest -D_GNU_SOURCE
ZK_CFLAGS := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -pthread -fPIC \
	-MMD -MP $(shell pkg-config --cflags libdrm 2>/dev/null)
MATH_CFLAGS ?= -O3 -g
LDLIBS_RT := $(shell pkg-config --libs libdrm 2>/dev/null) -lnuma -lpthread -lm

MATH_SRCS := $(wildcard runtime/math/*.c)
RT_SRCS := $(wildcard runtime/*.c)
EMU_SRCS := $(wildcard emulator/core/*.c)
TOOL_SRCS := $(wildcard tools/*.c)
HOSTTEST_SRCS := $(wildcard tests/host/*.c)
VMTEST_SRCS := $(wildcard tests/vm/*.c)
PROVERD_SRCS := $(wildcard tools/proverd/*.c)

MATH_OBJS := $(MATH_SRCS:%.c=$(B)/%.o)
RT_OBJS := $(RT_SRCS:%.c=$(B)/%.o)
EMU_OBJS := $(EMU_SRCS:%.c=$(B)/%.o)
TOOLS := $(TOOL_SRCS:tools/%.c=$(B)/bin/%)
HOSTTESTS := $(HOSTTEST_SRCS:tests/host/%.c=$(B)/tests/host/%)
VMTESTS := $(VMTEST_SRCS:tests/vm/%.c=$(B)/tests/vm/%)
PROVERD_OBJS := $(PROVERD_SRCS:%.c=$(B)/%.o)
PROVERD := $(B)/bin/zkasic-proverd

LIBZKMATH := $(B)/lib/libzkmath.a
LIBZKASIC := $(B)/lib/libzkasic.a
# The shared library: SONAME libzkasic.so.1, exports only the public
# headers' functions (runtime/libzkasic.map, checked by tests/check-abi).
# The version (zkasic.pc, the Debian packages, dkms.conf) has one source:
# the first line of tools/debian/changelog (debian/changelog in the tree
# that tools/make-deb assembles).
CHANGELOG := $(firstword $(wildcard tools/debian/changelog debian/changelog))
VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' $(CHANGELOG))
SOMAJOR := 1
LIBZKASIC_SO := $(B)/lib/libzkasic.so
LIBZKASIC_SONAME := libzkasic.so.$(SOMAJOR)
LIBZKASIC_MAP := runtime/libzkasic.map
# TOOLS_LINK=shared links the CLIs against $(LIBZKASIC_SO) (the Debian
# packages do); the default links the static archive so build/bin runs from
# the tree without LD_LIBRARY_PATH.
TOOLS_LINK ?= static
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
LIBEMU := $(B)/lib/libzkasic-emu.a

.PHONY: all userspace module lib tools pc deb check-deb test check check-host check-vm check-cli check-groth16 check-fleet proverd-demo check-asan check-fuzz check-hotplug check-proverd report-faults setup demo clean \
	kselftest-headers check-style check-sparse
all: userspace module

userspace: $(LIBZKMATH) $(LIBZKASIC) $(LIBZKASIC_SO) $(LIBEMU) $(TOOLS) \
	$(HOSTTESTS) $(VMTESTS) $(PROVERD)

# What the Debian packages ship (tools/debian/rules builds these).
lib: $(LIBZKASIC) $(LIBZKASIC_SO)
tools: $(TOOLS) $(PROVERD)

$(B)/runtime/math/%.o: runtime/math/%.c
	@mkdir -p $(@D)
	$(CC) $(ZK_CPPFLAGS) $(ZK_CFLAGS) $(MATH_CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ZK_CPPFLAGS) $(ZK_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

$(LIBZKMATH): $(MATH_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# libzkasic carries the math core (its CPU backend) inside it.
$(LIBZKASIC): $(RT_OBJS) $(MATH_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBZKASIC_SO).$(SOMAJOR): $(RT_OBJS) $(MATH_OBJS) $(LIBZKASIC_MAP)
	@mkdir -p $(@D)
	$(CC) -shared $(LDFLAGS) -Wl,-soname,$(LIBZKASIC_SONAME) \
		-Wl,--version-script,$(LIBZKASIC_MAP) -Wl,--no-undefined -Wl,-z,defs \
		-o $@ $(RT_OBJS) $(MATH_OBJS) $(LDLIBS_RT)

$(LIBZKASIC_SO): $(LIBZKASIC_SO).$(SOMAJOR)
	ln -sf $(<F) $@

# pkg-config file for the installed library (the Debian package fills in
# its paths; `make pc PREFIX=...` for a plain install).
$(B)/zkasic.pc: runtime/zkasic.pc.in $(CHANGELOG)
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' $< >$@
pc: $(B)/zkasic.pc

$(LIBEMU): $(EMU_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

ifeq ($(TOOLS_LINK),shared)
TOOL_LINK := -Wl,--as-needed -L$(B)/lib -lzkasic
TOOL_LINK_DEP := $(LIBZKASIC_SO)
else
TOOL_LINK := $(LIBZKASIC)
TOOL_LINK_DEP := $(LIBZKASIC)
endif
$(B)/bin/%: $(B)/tools/%.o $(TOOL_LINK_DEP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(EXTRA_CFLAGS) -pthread -o $@ $< $(TOOL_LINK) $(LDLIBS_RT) $(TOOL_LIBS)

# zkasic-verify reads snarkjs's JSON files with jansson (libjansson-dev).
$(B)/bin/zkasic-verify: TOOL_LIBS := -ljansson

# zkasic-proverd: several sources, Debian's libmicrohttpd, jansson and libpq.
PROVERD_LIBS := $(shell pkg-config --libs libmicrohttpd jansson libpq 2>/dev/null)
PROVERD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd jansson libpq 2>/dev/null)
$(B)/tools/proverd/%.o: tools/proverd/%.c
	@mkdir -p $(@D)
	$(CC) $(ZK_CPPFLAGS) $(ZK_CFLAGS) $(PROVERD_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<

$(PROVERD): $(PROVERD_OBJS) $(TOOL_LINK_DEP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) $(EXTRA_CFLAGS) -pthread -o $@ $(PROVERD_OBJS) $(TOOL_LINK) \
		$(PROVERD_LIBS) $(LDLIBS_RT)

# Host unit tests link everything host-side: runtime, math core, emulator core.
$(B)/tests/host/%: $(B)/tests/host/%.o $(LIBZKASIC) $(LIBEMU)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -pthread -o $@ $< $(LIBEMU) $(LIBZKASIC) $(LDLIBS_RT)

# VM tests run inside the guest, which sees the host's /usr: dynamic is fine.
$(B)/tests/vm/%: $(B)/tests/vm/%.o $(LIBZKASIC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -pthread -o $@ $< $(LIBZKASIC) $(LDLIBS_RT)

$(HOSTTESTS:%=%.o) $(VMTESTS:%=%.o): | kselftest-headers
kselftest-headers: $(CACHE)/kselftest/kselftest_harness.h
$(CACHE)/kselftest/kselftest_harness.h:
	tools/vm/prepare-kselftest

# The kernel module, built against Debian's 6.12 headers the guest boots.
KVER = $(shell cat $(CACHE)/kernel/release 2>/dev/null)
KDIR ?= /usr/src/linux-headers-$(KVER)
module:
	@if [ -d "$(KDIR)" ] && [ -n "$(KVER)" ]; then \
		kernel/probe-features $(KDIR) && \
		$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules; \
	else \
		echo "module: no kernel headers yet (run tools/vm/prepare-kernel or make setup)"; \
	fi

setup:
	tools/setup-host
	tools/vm/prepare-kernel >/dev/null
	tools/vm/prepare-kselftest
	emulator/qemu/build-qemu >/dev/null

check-host: userspace
	tests/check-abi $(LIBZKASIC_SO).$(SOMAJOR)
	tests/run-host-tests $(HOSTTESTS)

check-vm: all
	tests/run-vm-tests $(VMTESTS)

# checkpatch --strict, kernel/Kconfig through the kernel's parser, then W=1
# and sparse (C=2) on every file of kernel/.
check-style:
	tools/checkpatch-kernel
	$(MAKE) --no-print-directory check-sparse

check-sparse:
	@if [ -d "$(KDIR)" ] && [ -n "$(KVER)" ]; then \
		tools/kconfig-check $(KDIR) && tools/sparse-kernel $(KDIR); \
	else \
		echo "check-sparse: no kernel headers (run tools/vm/prepare-kernel or make setup)"; \
		exit 1; \
	fi

check-groth16: all
	tests/run-groth16-tests

check-cli: all
	tests/run-cli-tests

# QMP device_del/device_add of a device with work in flight, in the VM.
check-hotplug: all
	tests/run-hotplug-tests $(or $(ZKASIC_UNPLUG_CYCLES),3)

# The proving service as a fleet: PostgreSQL, workers on the host and in
# the VM, many clients; then the same under faults (kill -9, PostgreSQL
# restart, device resets and a hang).
check-fleet: all
	tests/run-proverd-cluster-tests
	tests/run-proverd-fault-tests
	tests/run-exporter-tests

# Issue-6 figures: faults injected and recovered, fuzzing, unplugs, leaks.
report-faults: all
	tests/run-fault-report

# libFuzzer on the device model's core (ASan+UBSan), bounded in time.
check-fuzz: userspace
	tests/fuzz/run-fuzz $(or $(ZKASIC_FUZZ_SECONDS),60)

# The runtime, the tools and the device model under AddressSanitizer and
# UBSan (leaks included), on the host test workloads; built into $(B)/asan.
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan:
	$(MAKE) B=$(B)/asan EXTRA_CFLAGS="$(SAN_FLAGS)" MATH_CFLAGS="-O1 -g" \
		$(B)/asan/tests/host/test_runtime $(B)/asan/tests/host/test_emu_cmds \
		$(B)/asan/tests/host/test_emu_queue $(B)/asan/bin/zkasic-prove \
		$(B)/asan/bin/zkasic-run
	tests/run-asan-tests $(B)/asan

# zkasic-proverd on the CPU backend with a private PostgreSQL (tools/pg-local):
# standalone, hostile input (also under ASan+UBSan), a cluster of workers
# with a kill -9 and a PostgreSQL restart; proofs verified by snarkjs.
check-proverd: $(PROVERD)
	$(MAKE) B=$(B)/asan EXTRA_CFLAGS="$(SAN_FLAGS)" MATH_CFLAGS="-O1 -g" \
		$(B)/asan/bin/zkasic-proverd
	tests/run-proverd-tests --asan $(B)/asan/bin/zkasic-proverd

CHECKS := check-host check-asan check-fuzz check-style check-vm check-hotplug check-cli check-groth16 \
	check-proverd check-fleet check-deb
# One after another, each timed, so a slow or failing stage shows in CI logs.
check:
	@for t in $(CHECKS); do s=$$(date +%s); \
		$(MAKE) --no-print-directory $$t || { echo "check: $$t FAILED after $$(( $$(date +%s) - s )) s"; exit 1; }; \
		echo "check: $$t passed in $$(( $$(date +%s) - s )) s"; done

# The README's test command: from a fresh Debian 12 machine to passing tests.
test: setup
	$(MAKE) check

demo: setup
	$(MAKE) all
	tools/zkasic-demo

# PostgreSQL, three zkasic-proverd workers (two on the host, one in the VM
# on the emulated ASIC) and clients submitting many jobs: the throughput.
proverd-demo: setup
	$(MAKE) all
	tools/proverd-demo

# Debian packages for operators (zkasic-dkms, libzkasic1, libzkasic-dev,
# zkasic-tools) into $(B)/deb; check-deb installs them on a clean root and
# builds the module with DKMS for the VM's kernel.
deb:
	tools/make-deb $(B)/deb

check-deb: deb userspace
	tests/run-deb-tests $(B)/deb

clean:
	rm -rf $(B)
	@if [ -d "$(KDIR)" ] && [ -n "$(KVER)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi

-include $(shell find $(B) -path $(B)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
