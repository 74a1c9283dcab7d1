# jixiao — build, test and benchmark.
#   make demo      install missing packages (as root), build, and summarise the bundled table
#   make           build ./jixiao
#   make asan      build ./jixiao-asan (AddressSanitizer + UndefinedBehaviorSanitizer)
#   make test      build and run every test (unit, CLI golden, Lua), ends "N passed, N failed"
#   make test-asan the same suite against the sanitizer build
#   make deps      install missing Debian packages (needs root) or print the command

CC      ?= cc
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN     = -Wall -Wextra
CPPFLAGS_ALL = -std=c11 -D_GNU_SOURCE -DLUA_USE_LINUX -Isrc -Ivendor/lua-5.4.4/src -Ivendor/lpeg-1.0.2 -Ibuild/gen
LDLIBS   = -lm -ldl

LUA_DIR  = vendor/lua-5.4.4/src
LUA_CORE = lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes \
           lparser lstate lstring ltable ltm lundump lvm lzio \
           lauxlib lbaselib lcorolib ldblib liolib lmathlib loadlib loslib lstrlib \
           ltablib lutf8lib linit
LPEG_DIR = vendor/lpeg-1.0.2
LPEG_CORE = lpcap lpcode lpprint lptree lpvm

SRC      = $(sort $(wildcard src/*.c))
LUA_MODS = $(sort $(wildcard lua/jixiao/*.lua)) $(LPEG_DIR)/re.lua
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))

# Objects for one flavour ($1 = build dir).
objs_of = $(patsubst src/%.c,$1/src/%.o,$(SRC)) \
          $(patsubst %,$1/lua/%.o,$(LUA_CORE)) \
          $(patsubst %,$1/lpeg/%.o,$(LPEG_CORE)) \
          $1/gen/embedded.o

OBJ      = $(call objs_of,build/rel)
ASAN_OBJ = $(call objs_of,build/asan)
ASAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

.PHONY: all asan test test-asan unit clean deps bench demo test-deps
all: build/deps.ok jixiao

build/deps.ok: .ci/deps
	@sh .ci/deps --check
	@mkdir -p build && touch $@

jixiao: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -rdynamic

jixiao-asan: $(ASAN_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS) -rdynamic

asan: build/deps.ok jixiao-asan

build/gen/embedded.c: $(LUA_MODS) src/gen_embed.sh
	@mkdir -p build/gen
	sh src/gen_embed.sh $(LUA_MODS) > $@.tmp && mv $@.tmp $@

define flavour
$1/src/%.o: src/%.c $(wildcard src/*.h) | build/gen/embedded.c
	@mkdir -p $$(@D)
	$$(CC) $(CPPFLAGS_ALL) $2 $(WARN) -c -o $$@ $$<
$1/lua/%.o: $(LUA_DIR)/%.c
	@mkdir -p $$(@D)
	$$(CC) $(CPPFLAGS_ALL) $2 -c -o $$@ $$<
$1/lpeg/%.o: $(LPEG_DIR)/%.c
	@mkdir -p $$(@D)
	$$(CC) $(CPPFLAGS_ALL) $2 -c -o $$@ $$<
$1/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $$(@D)
	$$(CC) $(CPPFLAGS_ALL) $2 -c -o $$@ $$<
$1/unit/%.o: tests/unit/%.c $(wildcard tests/unit/*.h src/*.h)
	@mkdir -p $$(@D)
	$$(CC) $(CPPFLAGS_ALL) $2 $(WARN) -c -o $$@ $$<
endef
$(eval $(call flavour,build/rel,$(CFLAGS)))
$(eval $(call flavour,build/asan,$(ASAN_FLAGS)))

# Unit tests link every core object except main.
CORE_OBJ      = $(filter-out build/rel/src/main.o,$(OBJ))
ASAN_CORE_OBJ = $(filter-out build/asan/src/main.o,$(ASAN_OBJ))
build/unit-tests: $(patsubst tests/unit/%.c,build/rel/unit/%.o,$(UNIT_SRC)) $(CORE_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -rdynamic
build/unit-tests-asan: $(patsubst tests/unit/%.c,build/asan/unit/%.o,$(UNIT_SRC)) $(ASAN_CORE_OBJ)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS) -rdynamic

demo:
	@sh .ci/deps --install
	@$(MAKE) --no-print-directory all
	./jixiao parse --format summary tests/data/000_657db78fa8902e38.txt

test-deps:
	@sh .ci/deps --install-test

test: test-deps all build/unit-tests
	@sh tests/run.sh ./jixiao build/unit-tests

test-asan: test-deps asan build/unit-tests-asan
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	  sh tests/run.sh ./jixiao-asan build/unit-tests-asan

deps:
	@sh .ci/deps --install

bench: all
	sh tests/bench/run.sh

clean:
	rm -rf build jixiao jixiao-asan

# ---- fuzzing and robustness harnesses (tests/fuzz/README.md) ----
# `make fuzz` builds every tests/fuzz/fuzz_*.c with clang's libFuzzer, ASan
# and UBSan and runs each for FUZZ_SECONDS; crashes land in build/fuzz/crashes.
# The same targets are also linked with an ordinary main (tests/fuzz/replay.c)
# so tests/cli/fuzz.sh replays the seeds and saved crashes on every `make test`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS    = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined
FUZZ_TARGETS  = $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_CORE_OBJ = $(filter-out build/fuzz/src/main.o,$(call objs_of,build/fuzz))
FUZZ_HDR      = tests/fuzz/fuzz.h $(wildcard src/*.h)

$(eval $(call flavour,build/fuzz,$(FUZZ_FLAGS)))
build/fuzz/%: CC = $(FUZZ_CC)

define fuzz_objs
$1/fuzz/%.o: tests/fuzz/%.c $(FUZZ_HDR)
	@mkdir -p $$(@D)
	$$(CC) $(CPPFLAGS_ALL) $2 $(WARN) -c -o $$@ $$<
endef
$(eval $(call fuzz_objs,build/rel,$(CFLAGS)))
$(eval $(call fuzz_objs,build/asan,$(ASAN_FLAGS)))
$(eval $(call fuzz_objs,build/fuzz,$(FUZZ_FLAGS)))

build/fuzz/bin/%: build/fuzz/fuzz/%.o $(FUZZ_CORE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS) -rdynamic
build/fuzz-replay/%: build/rel/fuzz/%.o build/rel/fuzz/replay.o $(CORE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -rdynamic
build/fuzz-replay-asan/%: build/asan/fuzz/%.o build/asan/fuzz/replay.o $(ASAN_CORE_OBJ)
	@mkdir -p $(@D)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS) -rdynamic

.PHONY: fuzz fuzz-build fuzz-replay fuzz-replay-asan
fuzz-build: $(patsubst %,build/fuzz/bin/%,$(FUZZ_TARGETS))
fuzz: fuzz-build
	sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-replay: $(patsubst %,build/fuzz-replay/%,$(FUZZ_TARGETS))
fuzz-replay-asan: $(patsubst %,build/fuzz-replay-asan/%,$(FUZZ_TARGETS))
.SECONDARY: $(foreach d,build/rel build/asan build/fuzz,$(patsubst %,$d/fuzz/%.o,$(FUZZ_TARGETS) replay))

# The allocation-failure harness (tests/alloc/alloc_fail.c, run by
# tests/cli/alloc.sh): replaces malloc for the whole process, so it links the
# ordinary objects, never the sanitizer ones.
build/alloc-fail: build/rel/alloc/alloc_fail.o $(CORE_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -rdynamic
build/rel/alloc/alloc_fail.o: tests/alloc/alloc_fail.c $(wildcard src/*.h)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS) $(WARN) -c -o $@ $<
