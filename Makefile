# The ceremony appliance. Plain GNU make; every knob is ?= so a caller can override it.
#   make            build/ceremony
#   make check      every test (unit, constant-time, CLI), installing missing packages first
#   make asan       the same suite under ASan+UBSan, in build/asan
#   make valgrind   the same suite under valgrind memcheck
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each
#   make bench      figures (speed, sizes), never pass/fail
#   make install    PREFIX/bin/ceremony under DESTDIR
#   make rehearsal  the full scripted ceremony in a VM (image/image.mk)

VERSION     ?= 0.1.0
PREFIX      ?= /usr/local
DESTDIR     ?=
BUILD       ?= build
CC          ?= cc
PKG_CONFIG  ?= pkg-config
FUZZ_CC     ?= clang
FUZZ_SECONDS ?= 60
DEPS        ?= scripts/install-deps
SAN         ?=
# Test runner prefix (valgrind, say); empty for a plain run.
RUNNER      ?=
# CLI tests, and unit test binaries or fuzz corpus replays, run at once (tests/run-cli,
# tests/run-unit, tests/fuzz/run-replay), and compilers at once when check, asan and valgrind
# build what the tests run: CI has 2 cores.
CLI_JOBS    ?= 2
UNIT_JOBS   ?= 2
BUILD_JOBS  ?= 2
# V=1 shows the full compiler command lines.
V           ?=
Q           := $(if $(V),,@)

PKGS := openssl libsodium libqrencode zbar yaml-0.1 jansson libpng libcbor zlib

WARN := -Wall -Wextra -Werror -Wvla -Wshadow -Wformat=2 -Wformat-security -Wconversion \
        -Wsign-conversion -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
        -Wcast-qual -Wwrite-strings -Wundef -Wnull-dereference -Wimplicit-fallthrough \
        -Wno-error=deprecated-declarations
HARDEN := -fstack-protector-strong -fstack-clash-protection -D_FORTIFY_SOURCE=2 -fPIE -fcf-protection

CFLAGS   ?= -O2 -g
CPPFLAGS ?=
LDFLAGS  ?=
ALL_CPPFLAGS = -I. -D_GNU_SOURCE -DCEREMONY_VERSION='"$(VERSION)"' $(CPPFLAGS)
# The checkout's path stays out of the binary (debug info, hence the build ID), so that a rebuild
# elsewhere gives the same program and the same image (docs/image.md, Reproducibility).
REPRO  := -ffile-prefix-map=$(CURDIR)=.
ALL_CFLAGS   = -std=c11 $(WARN) $(HARDEN) $(REPRO) $(SAN) $(CFLAGS) -MMD -MP \
               $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
ALL_LDFLAGS  = -pie -Wl,-z,relro,-z,now,-z,noexecstack $(SAN) $(LDFLAGS)
LIBS         = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

# Sources are discovered, not listed: a module is a folder, a test is a file.
SHAMIR_SRC   := $(sort $(wildcard shamir/*.c))
MEDIA_SRC    := $(sort $(wildcard media/*.c))
CEREMONY_SRC := $(sort $(filter-out ceremony/cli/main.c,$(wildcard ceremony/*/*.c)))
UNIT_SRC     := $(sort $(wildcard tests/unit/test_*.c))
CT_SRC       := $(sort $(wildcard tests/ct/ct_*.c))
BENCH_SRC    := $(sort $(wildcard tests/bench/bench_*.c))
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
CLI_TESTS    := $(sort $(filter-out tests/cli/lib.sh,$(wildcard tests/cli/*.sh)))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
SHAMIR_LIB   := $(BUILD)/libshamir.a
MEDIA_LIB    := $(BUILD)/libmedia.a
CEREMONY_LIB := $(BUILD)/libceremony.a
# Order matters for static linking: ceremony uses media and shamir.
ALL_LIBS     := $(CEREMONY_LIB) $(MEDIA_LIB) $(SHAMIR_LIB)
BIN          := $(BUILD)/ceremony
UNIT_BIN     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
CT_BIN       := $(patsubst tests/ct/%.c,$(BUILD)/tests/%,$(CT_SRC))
BENCH_BIN    := $(patsubst tests/bench/%.c,$(BUILD)/tests/%,$(BENCH_SRC))
# LD_PRELOAD libraries that make the real binary meet a broken primitive or a failing medium.
PRELOAD_SRC  := $(sort $(wildcard tests/fault/*.c))
PRELOAD_LIB  := $(patsubst tests/fault/%.c,$(BUILD)/tests/%.so,$(PRELOAD_SRC))

.PHONY: all deps check test test-progs layers unit ct cli replay asan valgrind fuzz fuzz-build bench install \
        uninstall clean format FORCE
all: $(BIN)

# Objects are intermediates of pattern rules; keep them so a second make does nothing.
.SECONDARY:

deps:
	@$(DEPS) check

# Objects depend on the compile command as well as their sources: a new compiler or new flags (a
# changed Makefile, CFLAGS=...) rebuild them, where file times alone would keep stale objects.
# The file is rewritten only when the command changes (make compares times after the recipe).
COMPILE_CMD = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS)
# On a machine without a library (or pkg-config) this says what to run, once, before any compile
# fails on a missing header.
$(BUILD)/compile-command: FORCE
	@$(PKG_CONFIG) --exists $(PKGS) 2>/dev/null || { \
	  printf 'make: missing build dependencies (pkg-config names):' >&2; \
	  command -v $(PKG_CONFIG) >/dev/null || printf ' $(PKG_CONFIG) itself' >&2; \
	  for p in $(PKGS); do $(PKG_CONFIG) --exists $$p 2>/dev/null || printf ' %s' $$p >&2; done; \
	  printf '\nmake: run "$(DEPS) build" (Debian 12; "make deps" for the tests too), then make again\n' >&2; \
	  exit 1; }
	@mkdir -p $(dir $@)
	@printf '%s\n' '$(subst ','\'',$(COMPILE_CMD))' | cmp -s - $@ || \
	  printf '%s\n' '$(subst ','\'',$(COMPILE_CMD))' >$@
FORCE:

$(BUILD)/obj/%.o: %.c $(BUILD)/compile-command
	@mkdir -p $(dir $@)
	@$(if $(V),,echo '  CC      $<')
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(SHAMIR_LIB): $(call obj,$(SHAMIR_SRC))
$(MEDIA_LIB): $(call obj,$(MEDIA_SRC))
$(CEREMONY_LIB): $(call obj,$(CEREMONY_SRC))
$(ALL_LIBS):
	@mkdir -p $(dir $@)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BIN): $(call obj,ceremony/cli/main.c) $(ALL_LIBS)
	@$(if $(V),,echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) -lcmocka
$(BUILD)/tests/ct_%: $(BUILD)/obj/tests/ct/ct_%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
$(BUILD)/tests/bench_%: $(BUILD)/obj/tests/bench/bench_%.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# Test tools, never linked into the program (tests/fault/: faultshim.c makes media fail,
# katbreak.c breaks a primitive). Built without sanitizers: one in the program is enough, and
# they are loaded ahead of whatever runtime it has.
$(BUILD)/tests/%.so: tests/fault/%.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo '  CC      $@')
	$(Q)$(CC) $(ALL_CPPFLAGS) -std=c11 $(WARN) -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	  $(CFLAGS) $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null) -fPIC -shared \
	  -Wl,-z,relro,-z,now -o $@ $< -ldl

# --- tests -------------------------------------------------------------------------------------
# The programs the tests run are built first, BUILD_JOBS at a time (unless make was given -j);
# the tests then run one target after another, so that their output reads in order.
JOBS_FLAG = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(BUILD_JOBS))
TEST_PROGS = $(BIN) $(PRELOAD_LIB) $(UNIT_BIN) $(REPLAY_BIN) $(if $(SAN),,$(CT_BIN))

check: deps
	@$(MAKE) --no-print-directory $(JOBS_FLAG) test-progs
	@$(MAKE) --no-print-directory test

test: layers unit ct cli replay

# The house rules (tests/layers): which folder may include which, who prints, function length.
layers:
	@tests/layers

unit: $(UNIT_BIN)
	@UNIT_JOBS=$(UNIT_JOBS) tests/run-unit $(BUILD) "$(RUNNER)" $(UNIT_BIN)

# Constant-time checks: secrets are marked undefined, so any branch or index on them is a
# valgrind error. Meaningless under ASan, so the asan build skips them.
ct: $(if $(SAN),,$(CT_BIN))
	@if [ -n "$(SAN)" ]; then echo "ct: skipped under sanitizers"; else \
	  tests/run-ct $(CT_BIN); fi

cli: $(BIN) $(PRELOAD_LIB)
	@CLI_JOBS=$(CLI_JOBS) tests/run-cli $(BIN) "$(RUNNER)" $(CLI_TESTS)

# Every committed fuzz corpus file and crash input, through its target built by $(CC) with a plain
# main() (tests/fuzz/replay.c): no clang, no libFuzzer.
REPLAY_BIN := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/tests/replay_%,$(FUZZ_SRC))
replay: $(REPLAY_BIN)
	@UNIT_JOBS=$(UNIT_JOBS) tests/fuzz/run-replay "$(RUNNER)" $(REPLAY_BIN)
$(BUILD)/tests/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/replay.o $(ALL_LIBS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
# After REPLAY_BIN: a rule's prerequisites are expanded where it stands.
test-progs: $(TEST_PROGS)

ASAN_MAKE = $(MAKE) --no-print-directory BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
asan: deps
	@$(ASAN_MAKE) $(JOBS_FLAG) test-progs
	@$(ASAN_MAKE) test

# Unit tests, the fuzz corpora and CLI tests (ct already runs under valgrind) behind
# tests/valgrind-run: memcheck with its log per process off the program's stderr; any error fails
# the test. A CLI test that cannot run behind a runner skips itself, saying why (run_tty.sh: it
# drives the binary in tmux). Two CLI tests at a time: each is one valgrind process at a time, and
# the machine has two cores. The replay is here as well as under ASan because memcheck also sees
# into the libraries ASan does not instrument (libzbar, libpng, OpenSSL).
# The CLI tests: VALGRIND_CLI, a subset that runs every subcommand at least once (help and
# --version; script check, print, prompts; transcript verify, show; cert inspect, lint,
# profiles; slip39 split, combine; qr encode, decode; media list, mount, unmount, read, write,
# verify; selftest; run, for a key generation and a key-use ceremony with shares typed and read
# by QR) and hostile input to every parser. The rest of the suite runs the same code on other
# data, which make asan checks in full; under memcheck the whole suite was about half of CI's
# time (issue 21: some 27 of 54 minutes).
# VALGRIND_CLI=all runs every CLI test.
VALGRIND_CLI ?= basics script transcript cert_lint slip39 qr_tools media_device media_dir \
                selftest_nogo hostile run_smki_issuing
VG_MAKE = $(MAKE) --no-print-directory BUILD=build/valgrind CFLAGS="-O1 -g" \
	  RUNNER="$(CURDIR)/tests/valgrind-run"
valgrind: deps
	@$(VG_MAKE) $(JOBS_FLAG) test-progs
	@$(VG_MAKE) unit
	@$(VG_MAKE) $(if $(filter all,$(VALGRIND_CLI)),,CLI_TESTS="$(VALGRIND_CLI:%=tests/cli/%.sh)") cli
	@$(VG_MAKE) replay

# --- fuzzing: libFuzzer needs clang; the libraries are rebuilt with its instrumentation ---------
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_BIN   := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
fuzz-build: deps
	@$(MAKE) --no-print-directory $(JOBS_FLAG) BUILD=$(FUZZ_BUILD) FUZZ_BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	  CFLAGS="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	  -fsanitize-coverage-ignorelist=tests/fuzz/ignorelist.txt \
	  -fsanitize-ignorelist=tests/fuzz/asan-ignorelist.txt" \
	  $(FUZZ_BIN)
fuzz: fuzz-build
	@tests/run-fuzz $(FUZZ_SECONDS) $(FUZZ_BIN)

# Made by the sub-make above, whose BUILD is already $(FUZZ_BUILD).
# tests/fuzz/sodium_heap.c: sodium_malloc on the ASan heap, in the fuzz binaries only.
$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/obj/tests/fuzz/sodium_heap.o $(ALL_LIBS)
	@$(if $(V),,echo '  LD      $@')
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# --- figures -----------------------------------------------------------------------------------
bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 2; done
	@echo "== the image: sizes, boot and rehearsal times (image/bench.sh)"
	@$(MAKE) --no-print-directory bench-image

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ceremony
	install -m 0644 docs/ceremony.1 $(DESTDIR)$(PREFIX)/share/man/man1/ceremony.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ceremony $(DESTDIR)$(PREFIX)/share/man/man1/ceremony.1

format:
	clang-format -i $(SHAMIR_SRC) $(MEDIA_SRC) $(CEREMONY_SRC) ceremony/cli/main.c \
	  $(wildcard */*.h ceremony/*/*.h) $(UNIT_SRC) $(CT_SRC) $(BENCH_SRC) $(FUZZ_SRC) \
	  tests/fuzz/replay.c tests/fuzz/sodium_heap.c

clean:
	rm -rf build

-include image/image.mk
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
