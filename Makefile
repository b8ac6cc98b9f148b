# qts — build, test, install, bench.  Programs are cmd/qts-*.c, libqts is
# lib/*.c, unit tests are tests/unit/test_*.c; new files need no edit here.

.DEFAULT_GOAL := all
VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
CSTD      := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN      := -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
CPPFLAGS  += -Ilib -DQTS_VERSION='"$(VERSION)"'
# Release programs are built for speed: -O3, link-time optimisation (calls
# between the files of lib/ inline, as the stages' calls do in qts pipe),
# and gcc's profile-guided optimisation: the programs are built once
# instrumented (build/train), run on qts's common work
# (scripts/train-profile.sh), and built again laid out by what ran.  PGO=0
# skips the profile, for a quicker build while editing; it is on with gcc
# alone (another compiler reads its counts another way).
OPT       ?= -O3 -g -flto=auto
PGO       ?= $(if $(shell $(CC) -v 2>&1 | grep '^gcc version'),1,0)
# A program loads only the libraries it calls: qts starts without libnats
# and the TLS libraries under it, which qts-bus alone needs.  Debian's gcc
# passes --as-needed itself, but not with -fsanitize (make check's build).
LDFLAGS   += -Wl,--as-needed
# libsnappy is not linked: parquet_snappy.c opens it when a Snappy page is
# compressed or uncompressed (a C++ library, it would bring libstdc++ into
# every start); test_parquet.c links it to make Snappy pages of its own.
LDLIBS    := -lcsv -lmsgpackc -lnats -lcurl -ljansson -lwslay -lzstd -lssl -lcrypto -lz -ldl -lm -lpthread
UNIT_LDLIBS := -lsnappy

# Debian packages the build and the tests need; `make deps` installs what is missing.
DEPS_PKGS := build-essential libcsv-dev libmsgpack-dev zlib1g-dev libjansson-dev libwslay-dev \
             libsnappy-dev libzstd-dev libssl-dev openssl python3 postgresql sqlite3 tmux \
             libcurl4-openssl-dev bats mandoc tzdata gcovr hyperfine zsh chromium parallel \
             libnats-dev nats-server strace procps

LIB_SRC   := $(sort $(wildcard lib/*.c))
CMD_SRC   := $(sort $(wildcard cmd/qts*.c))
PROGS     := $(patsubst cmd/%.c,%,$(CMD_SRC))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))

# A build flavour lives in build/<flavour>: release (bin/ links to it),
# asan (what `make check` tests) and cov (coverage).
define flavour
$(1)_DIR   := build/$(1)
$(1)_OBJ   := $$(patsubst lib/%.c,build/$(1)/lib/%.o,$$(LIB_SRC))
$(1)_LIB   := build/$(1)/libqts.a
$(1)_BIN   := $$(patsubst %,build/$(1)/bin/%,$$(PROGS))
$(1)_UNIT  := $$(patsubst tests/unit/%.c,build/$(1)/unit/%,$$(UNIT_SRC))

build/$(1)/lib/%.o: lib/%.c $$(wildcard lib/*.h) $$($(1)_PROFILE) | build/$(1)/lib
	@echo "  CC      $$@"
	@$$(CC) $$(CSTD) $$(WARN) $$(CPPFLAGS) $$($(1)_CFLAGS) $$($(1)_OBJFLAGS) -MMD -MP -c -o $$@ $$<
$$($(1)_LIB): $$($(1)_OBJ)
	@rm -f $$@ && ar rcs $$@ $$^
build/$(1)/bin/%: cmd/%.c $$($(1)_LIB) $$(wildcard lib/*.h) $$($(1)_PROFILE) | build/$(1)/bin
	@echo "  CCLD    $$@"
	@$$(CC) $$(CSTD) $$(WARN) $$(CPPFLAGS) $$($(1)_CFLAGS) $$(LDFLAGS) -o $$@ $$< $$($(1)_LIB) $$(LDLIBS)
build/$(1)/unit/%: tests/unit/%.c $$($(1)_LIB) $$(wildcard lib/*.h tests/unit/*.h) | build/$(1)/unit
	@echo "  CCLD    $$@"
	@$$(CC) $$(CSTD) $$(WARN) $$(CPPFLAGS) -Itests/unit $$($(1)_CFLAGS) $$(LDFLAGS) -o $$@ $$< $$($(1)_LIB) $$(LDLIBS) $$(UNIT_LDLIBS)
build/$(1)/lib build/$(1)/bin build/$(1)/unit:
	@mkdir -p $$@
-include $$(wildcard build/$(1)/lib/*.d)
endef

release_CFLAGS := $(OPT)
ifeq ($(PGO),1)
# Code the training does not reach keeps -O3's optimisation
# (-fprofile-partial-training) rather than being built for size.
release_CFLAGS  += -fprofile-use -fprofile-partial-training -Wno-missing-profile
# A profile gcc refuses (stale or mismatched counts) fails the build,
# under -Werror, rather than quietly losing the optimisation: every object
# depends on the training run, which any change of lib/ runs again.
release_PROFILE := build/release/profile
endif
# Numbers are written and read (num.c, num_ryu.c) without the profile: a
# training of many bars counts their general paths (full-precision values
# such as indicators') as lukewarm next to the bar loops, and gcc then
# builds them for size: qts_num_format took 54 ns a number where -O3
# alone takes 42 (bench/num.sh).
build/release/lib/num.o build/release/lib/num_ryu.o: release_CFLAGS := $(OPT)
# An instrumented object takes the release object's name for its counts
# (-dumpdir, -dumpbase): gcc writes them there, and names a file's static
# functions in them after it, so the release build finds them.  It is built
# without -flto, which would only slow the training build: the counters
# are put in each file as it is compiled.
train_CFLAGS   := $(filter-out -flto%,$(OPT)) -fprofile-generate -fprofile-update=prefer-atomic
train_OBJFLAGS  = -dumpdir build/release/lib/ -dumpbase $*
asan_CFLAGS    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
cov_CFLAGS     := -O0 -g --coverage
$(eval $(call flavour,release))
$(eval $(call flavour,asan))
$(eval $(call flavour,cov))
$(eval $(call flavour,train))

# A training run: the counts of lib/'s files land next to the release
# objects, where -fprofile-use looks for them (the short mains of cmd/ go
# without).  The run's output is kept in build/train/train.log, and shown
# when it fails.
build/release/profile: $(train_BIN) scripts/train-profile.sh | build/release/lib
	@echo "  TRAIN   $@"
	@rm -f build/release/lib/*.gcda build/train/bin/*.gcda
	@sh scripts/train-profile.sh $(CURDIR)/build/train/bin > build/train/train.log 2>&1 || \
		{ cat build/train/train.log; echo "the training run failed (PGO=0 builds without it)" >&2; exit 1; }
	@touch $@

.PHONY: all deps check build-asan build-cov demo bench soak coverage fuzz install uninstall clean
all: $(release_BIN)
	@mkdir -p bin && for p in $(PROGS); do ln -sf ../build/release/bin/$$p bin/$$p; done

deps:
	@sh scripts/deps.sh $(DEPS_PKGS)

# Tests run against the sanitizer build; the runner prints `N passed, N failed`.
check: deps
	@$(MAKE) --no-print-directory build-asan
	@QTS_BIN=$(CURDIR)/build/asan/bin QTS_UNIT=$(CURDIR)/build/asan/unit sh tests/run

build-asan: $(asan_BIN) $(asan_UNIT)
build-cov: $(cov_BIN) $(cov_UNIT)

demo: deps all
	@PATH="$(CURDIR)/bin:$$PATH" sh examples/demo.sh

bench: deps all
	@sh bench/run

# The paper pipeline on a paced feed at 10,000 events a second for 30
# minutes (SOAK_SECONDS), sampled every 10 s into soak.csv; not in check,
# which runs a two-minute form (tests/1440-soak.bats).
soak: deps all
	@PATH="$(CURDIR)/bin:$$PATH" sh scripts/soak.sh $${SOAK_SECONDS:-1800} $${SOAK_RATE:-10000} soak.csv

coverage: deps
	@$(MAKE) --no-print-directory build-cov
	@find build/cov -name '*.gcda' -delete
	@QTS_BIN=$(CURDIR)/build/cov/bin QTS_UNIT=$(CURDIR)/build/cov/unit sh tests/run || true
	@gcovr --root . --object-directory build/cov --filter 'lib/' --filter 'cmd/' --print-summary

# Coverage-guided fuzzing of the stream readers (clang's libFuzzer), not
# part of check: FUZZ_SECONDS per harness.
fuzz:
	@sh scripts/deps.sh clang libclang-rt-14-dev
	@sh tests/fuzz/run.sh -t $${FUZZ_SECONDS:-60}

# The installed ABI is include/qts/ alone; the headers of lib/ are internal
# (lib/README).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man3 $(DESTDIR)$(PREFIX)/share/man/man5 \
	  $(DESTDIR)$(PREFIX)/share/man/man7 $(DESTDIR)$(PREFIX)/include/qts \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions
	install -m 755 $(release_BIN) $(DESTDIR)$(PREFIX)/bin/
	for m in man/*.[1-9]; do s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s/; done
	install -m 644 include/qts/*.h $(DESTDIR)$(PREFIX)/include/qts/
	install -m 644 completions/bash/* $(DESTDIR)$(PREFIX)/share/bash-completion/completions/
	install -m 644 completions/zsh/* $(DESTDIR)$(PREFIX)/share/zsh/site-functions/

uninstall:
	cd $(DESTDIR)$(PREFIX)/bin && rm -f $(PROGS)
	for m in man/*.[1-9]; do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m#man/}; done
	rm -rf $(DESTDIR)$(PREFIX)/include/qts
	cd $(DESTDIR)$(PREFIX)/share/bash-completion/completions && rm -f $(notdir $(wildcard completions/bash/*))
	cd $(DESTDIR)$(PREFIX)/share/zsh/site-functions && rm -f $(notdir $(wildcard completions/zsh/*))

clean:
	rm -rf build bin coverage
