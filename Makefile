# jailed: run AI coding agents in bubblewrap sandboxes, per project.
# make [all] | test | lint | layers | install | deps | demo | bench | clean     (SANITIZE=1 for ASan/UBSan)

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CXX ?= g++
SANITIZE ?= 0
# -g1: line tables, enough for backtraces and sanitizer reports; full -g makes the build 40% slower.
CXXFLAGS ?= -O2 -g1
# Unit test code is not optimised: Catch2's macros take three times as long to compile at -O2, and
# the code under test is the library's, built with CXXFLAGS.
TEST_CXXFLAGS ?= -O0

# Every core by default; `make -jN` (or -j1) on the command line wins.
ifeq ($(filter -j%,$(MAKEFLAGS)),)
  MAKEFLAGS += -j$(shell nproc)
endif

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wnon-virtual-dtor -Woverloaded-virtual \
            -Wformat=2 -Wimplicit-fallthrough -Wcast-qual
ALL_CXXFLAGS := -std=c++20 $(WARNINGS) -Isrc -MMD -MP $(CXXFLAGS)

# The prompt hook starts jailed on every prompt, so everything is linked statically: dynamic
# loading costs more than jailed's whole fast path.
# libarchive for snapshots: only its tar format and zstd filter are linked in (jailed asks for no
# others; see archive_link.cpp), so of `pkg-config --static --libs libarchive` only -lzstd is needed.
STATIC_LIBS := -lboost_program_options -lsqlite3 -lxxhash -lseccomp -larchive -lzstd -lcrypto
ifeq ($(SANITIZE),1)
  # Any finding stops the program: undefined behaviour fails a test run instead of printing a line.
  ALL_CXXFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
  LDFLAGS += -fsanitize=address,undefined
  LINK_LIBS := $(STATIC_LIBS) -lpthread -ldl -lm
else
  # Fully static: no dynamic loader, no shared libc to map and relocate at every start (0.2 ms
  # a process here). Accounts come from /etc/passwd itself (util/accounts.hpp), not NSS modules;
  # SQLite's dlopen, for extension loading jailed never turns on, goes to a stub (no_dlopen.cpp).
  LINK_LIBS := -static -Wl,--wrap=dlopen $(STATIC_LIBS) -lpthread -ldl -lm
  # A position-dependent binary needs no start-up relocation of the ~22,000 pointers in the
  # static libraries: a quarter less time per prompt (measured with bench/run). -u: the stub
  # comes from libjailed.a, which the linker reads before libsqlite3.a asks for it.
  LDFLAGS += -no-pie -Wl,-u,__wrap_dlopen
  # Links of $(LIB) ask for its libarchive stub (archive_link.cpp) first, for the same reason.
  LIB_LDFLAGS := -Wl,-u,__archive_write_entry_filetype_unsupported
endif

util_SRCS := src/util/strings.cpp src/util/files.cpp src/util/paths.cpp src/util/sqlite.cpp \
             src/util/hash.cpp src/util/spellcheck.cpp src/util/process.cpp src/util/line_diff.cpp \
             src/util/tree_digest.cpp src/util/accounts.cpp src/util/no_dlopen.cpp src/util/terminal_text.cpp \
             src/util/path_walk.cpp
config_SRCS := src/config/reader.cpp src/config/schema.cpp src/config/presets.cpp \
               src/config/jail_config.cpp src/config/find.cpp
trust_SRCS := src/trust/trust_store.cpp src/trust/subject.cpp src/trust/changes.cpp
shim_SRCS := src/shim/shim_dir.cpp
shell_SRCS := src/shell/shell.cpp src/shell/emit.cpp src/shell/state.cpp
resolve_SRCS := src/resolve/host_backend.cpp src/resolve/host_install.cpp src/resolve/nix_spec.cpp src/resolve/nix_json.cpp src/resolve/nix_calls.cpp \
                src/resolve/nix_backend.cpp src/resolve/interrupt_guard.cpp src/resolve/choose.cpp \
                src/resolve/nix_setup.cpp
cache_SRCS := src/cache/cache_key.cpp src/cache/gc_roots.cpp src/cache/closure_cache.cpp src/cache/cache_gc.cpp
sandbox_SRCS := src/sandbox/policy.cpp src/sandbox/project_probe.cpp src/sandbox/repo_scan.cpp src/sandbox/git_config.cpp \
                src/sandbox/envrc_scan.cpp src/sandbox/scan_cache.cpp src/sandbox/tree_walk.cpp \
                src/sandbox/host_probe.cpp src/sandbox/agent_home.cpp src/sandbox/tree_copy.cpp \
                src/sandbox/bwrap_args.cpp src/sandbox/seccomp.cpp src/sandbox/seccomp_build.cpp \
                src/sandbox/launcher.cpp src/sandbox/landlock.cpp src/sandbox/store_view.cpp src/sandbox/closure_rules.cpp \
                src/sandbox/gate.cpp src/sandbox/grant_paths.cpp
snapshot_SRCS := src/snapshot/tree_walk.cpp src/snapshot/exclude.cpp src/snapshot/beneath.cpp src/snapshot/content.cpp \
                 src/snapshot/pack.cpp src/snapshot/store.cpp src/snapshot/take.cpp src/snapshot/compare.cpp \
                 src/snapshot/host_files.cpp src/snapshot/restore.cpp src/snapshot/retention.cpp src/snapshot/unified.cpp \
                 src/snapshot/fetch.cpp src/snapshot/archive_link.cpp
cli_SRCS := src/cli/commands.cpp src/cli/output.cpp src/cli/context.cpp src/cli/agent_plan.cpp \
            src/cli/cmd_hook.cpp src/cli/cmd_export.cpp src/cli/cmd_allow.cpp src/cli/cmd_deny.cpp \
            src/cli/cmd_status.cpp src/cli/cmd_prune.cpp src/cli/cmd_run.cpp src/cli/cmd_explain.cpp \
            src/cli/cmd_doctor.cpp src/cli/cmd_complete.cpp src/cli/progress.cpp src/cli/resolve_agent.cpp \
            src/cli/cmd_resolve.cpp src/cli/cmd_cache.cpp src/cli/launch_memo.cpp src/cli/options.cpp \
            src/cli/review.cpp src/cli/grant_summary.cpp src/cli/setup_check.cpp \
            src/cli/cmd_edit.cpp src/cli/cmd_init.cpp \
            src/cli/project_snapshots.cpp src/cli/session.cpp src/cli/session_summary.cpp \
            src/cli/cmd_snapshot.cpp src/cli/cmd_snapshots.cpp src/cli/cmd_log.cpp src/cli/cmd_diff.cpp src/cli/cmd_restore.cpp

PRESETS := $(sort $(wildcard src/config/presets/*.jailed))
HOOKS := shell/jailed.bash shell/jailed.zsh shell/jailed.fish
GEN_SRCS := $(BUILD)/gen/presets.cpp $(BUILD)/gen/hooks.cpp $(BUILD)/gen/seccomp_program.cpp

LIB_SRCS := $(util_SRCS) $(config_SRCS) $(trust_SRCS) $(shim_SRCS) $(shell_SRCS) $(cache_SRCS) $(resolve_SRCS) \
            $(sandbox_SRCS) $(snapshot_SRCS) $(cli_SRCS)
GEN_OBJS := $(GEN_SRCS:%.cpp=%.o)
LIB_OBJS := $(LIB_SRCS:%.cpp=$(BUILD)/obj/%.o) $(GEN_OBJS)

# What each module's unit tests link besides the module itself (layers point one way).
deps_util :=
deps_config := util
deps_trust := util
deps_shim := util
deps_shell := util
deps_cache := util
deps_resolve := util config cache
deps_sandbox := util config resolve cache
deps_snapshot := util
deps_cli := util config trust shim shell cache resolve sandbox snapshot
MODULES := util config trust shim shell cache resolve sandbox snapshot cli
module_objs = $(addprefix $(BUILD)/obj/,$(foreach m,$(1) $(deps_$(1)),$($(m)_SRCS:.cpp=.o)))
LIB := $(BUILD)/libjailed.a

UNIT_SRCS := $(sort $(wildcard tests/unit/*.cpp))
UNIT_OBJS := $(UNIT_SRCS:%.cpp=$(BUILD)/obj/%.o)

.PHONY: all test unit lint lint-shell lint-cxx layers install uninstall deps demo bench bench-snapshot clean
all: $(BUILD)/jailed $(BUILD)/jailed-landlock

$(BUILD)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c $< -o $@

$(BUILD)/obj/tests/%.o: ALL_CXXFLAGS += $(TEST_CXXFLAGS)

# Catch2's single header is most of a unit test file's compile time: every test file gets it
# precompiled, once, with the test flags (main.cpp sets Catch's own macros first and parses it).
# It is compiled through a header that includes it, so it stays a system header.
CATCH_PCH := $(BUILD)/pch/catch_pch.hpp.gch
$(filter-out %/main.o,$(UNIT_OBJS)): $(CATCH_PCH)
$(filter-out %/main.o,$(UNIT_OBJS)): private ALL_CXXFLAGS += -I$(BUILD)/pch -include catch_pch.hpp -Winvalid-pch
$(CATCH_PCH): ALL_CXXFLAGS += $(TEST_CXXFLAGS)
$(CATCH_PCH):
	@mkdir -p $(dir $@)
	echo '#include <catch2/catch.hpp>' > $(@:.gch=)
	$(CXX) $(ALL_CXXFLAGS) -x c++-header $(@:.gch=) -o $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.cpp
	$(CXX) $(ALL_CXXFLAGS) -c $< -o $@

$(BUILD)/gen/presets.cpp: scripts/embed $(PRESETS)
	@mkdir -p $(dir $@)
	scripts/embed k_presets $(PRESETS) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/hooks.cpp: scripts/embed $(HOOKS)
	@mkdir -p $(dir $@)
	scripts/embed k_hooks $(HOOKS) > $@.tmp && mv $@.tmp $@

# The seccomp filter is built once here and embedded: libseccomp costs ~0.2 ms per launch.
# The generator links object files, not $(LIB): the library holds what it generates.
$(BUILD)/seccomp-embed: $(BUILD)/obj/src/sandbox/seccomp_embed.o $(BUILD)/obj/src/sandbox/seccomp_build.o
	$(CXX) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

$(BUILD)/gen/seccomp_program.cpp: $(BUILD)/seccomp-embed
	@mkdir -p $(dir $@)
	$< > $@.tmp && mv $@.tmp $@

$(LIB): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/jailed: $(BUILD)/obj/src/main.o $(LIB)
	$(CXX) $(LDFLAGS) $(LIB_LDFLAGS) -o $@ $^ $(LINK_LIBS)

$(BUILD)/unit_tests: $(UNIT_OBJS) $(LIB) | $(BUILD)/jailed-landlock
	$(CXX) $(LDFLAGS) $(LIB_LDFLAGS) -o $@ $^ $(LINK_LIBS)

# The in-jail Landlock helper: static (the jail has no /lib), small and freestanding (it runs on
# every launch, and a libc's start-up costs more than its work). Own flags: no sanitizers,
# exceptions, RTTI or stack protector (which needs libc's TLS); no libc at all.
$(BUILD)/jailed-landlock: src/sandbox/landlock_helper.cpp src/sandbox/landlock_access.hpp src/sandbox/landlock_calls.hpp \
                          src/sandbox/raw_syscall.hpp src/sandbox/mount_check.hpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++20 $(WARNINGS) -Isrc -Os -static -nostdlib -ffreestanding -fno-stack-protector -fno-exceptions \
	  -fno-rtti -fno-asynchronous-unwind-tables -s -o $@ $<

# Static checks: shellcheck over every shell script (zsh and fish files, which it cannot read,
# get their own shell's syntax check), and clang-tidy (.clang-tidy) over src/ with the build's
# flags; a checked file is checked again only when it or a header it includes changes.
SHELL_SCRIPTS := .ci/run bench/run bench/store bench/probe bench/snapshot tests/run shell/jailed.bash completions/jailed.bash \
                 $(wildcard scripts/*) $(wildcard tests/integration/*.sh)
ZSH_SCRIPTS := shell/jailed.zsh completions/_jailed
FISH_SCRIPTS := shell/jailed.fish completions/jailed.fish
CLANG_TIDY ?= clang-tidy
TIDY_SRCS := src/main.cpp src/sandbox/seccomp_embed.cpp src/sandbox/landlock_helper.cpp $(LIB_SRCS)
TIDY_FLAGS := -std=c++20 $(WARNINGS) -Isrc
$(BUILD)/tidy/src/sandbox/landlock_helper.cpp.ok: TIDY_FLAGS += -ffreestanding -fno-exceptions -fno-rtti

lint: lint-shell lint-cxx

lint-shell:
	shellcheck -x -P SCRIPTDIR $(SHELL_SCRIPTS)
	for f in $(ZSH_SCRIPTS); do zsh -n "$$f" || exit 1; done
	for f in $(FISH_SCRIPTS); do fish --no-execute "$$f" || exit 1; done

lint-cxx: $(TIDY_SRCS:%=$(BUILD)/tidy/%.ok)

$(BUILD)/tidy/%.ok: % .clang-tidy
	@mkdir -p $(dir $@)
	@$(CXX) $(TIDY_FLAGS) -MM -MP -MT $@ -MF $(@:.ok=.d) $<
	@echo "$(CLANG_TIDY) $<"
	@$(CLANG_TIDY) --quiet $< -- $(TIDY_FLAGS) > $(@:.ok=.log) 2>&1 || { grep -v 'warnings\? generated\.$$' $(@:.ok=.log); exit 1; }
	@touch $@

# The layering, enforced: each module's sources and unit tests include only the module and its
# deps_*, and its objects link with theirs alone into its unit tests (unit-module-%), so a call
# into a higher layer fails here rather than in a review.
empty :=
space := $(empty) $(empty)
layers: $(MODULES:%=$(BUILD)/unit-module-%)
	@fail=0; $(foreach m,$(MODULES),\
	  allowed='$(subst $(space),|,$(strip $(m) $(deps_$(m))))'; \
	  if grep -nE '^.include "[a-z_]+/' src/$(m)/*.?pp $(wildcard tests/unit/test_$(m)_*.cpp) | \
	     grep -vE "^[^:]+:[0-9]+:.include \"($$allowed)/"; then \
	    echo "layers: src/$(m) and its tests may include only $(strip $(m) $(deps_$(m)))"; fail=1; fi;) \
	exit $$fail
	@echo "layers: $(MODULES) link and include only their declared deps"

# Only the unit tests, e.g. while working on one module: make unit ARGS='[config]'
unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests $(ARGS)

# One module's unit tests, built from that module and its dependencies only: make unit-config
.SECONDEXPANSION:
$(BUILD)/unit-module-%: $(BUILD)/obj/tests/unit/main.o $$(addprefix $(BUILD)/obj/,$$(subst .cpp,.o,$$(wildcard tests/unit/test_$$*_*.cpp))) \
                        $$(call module_objs,$$*) $(GEN_OBJS) | $(BUILD)/jailed-landlock
	$(CXX) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

unit-%: $(BUILD)/unit-module-%
	$<

# Suites run at once (each in a world of its own); much of their time is spent waiting on
# shells, bwrap and Nix, so more suites than cores pay off.
TEST_JOBS ?= $(shell echo $$(( $$(nproc) + 2 )))
test: $(BUILD)/jailed $(BUILD)/jailed-landlock $(BUILD)/unit_tests
	tests/run -j$(TEST_JOBS) $(BUILD)

install: $(BUILD)/jailed $(BUILD)/jailed-landlock
	install -Dm755 $(BUILD)/jailed $(DESTDIR)$(PREFIX)/bin/jailed
	install -Dm755 $(BUILD)/jailed-landlock $(DESTDIR)$(PREFIX)/libexec/jailed/jailed-landlock
	install -Dm644 completions/jailed.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/jailed
	install -Dm644 completions/_jailed $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_jailed
	install -Dm644 completions/jailed.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/jailed.fish
	install -Dm644 man/jailed.1 $(DESTDIR)$(PREFIX)/share/man/man1/jailed.1
	install -Dm644 man/jailed.5 $(DESTDIR)$(PREFIX)/share/man/man5/jailed.5

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/jailed $(DESTDIR)$(PREFIX)/libexec/jailed/jailed-landlock
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/jailed
	rm -f $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_jailed
	rm -f $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/jailed.fish
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/jailed.1 $(DESTDIR)$(PREFIX)/share/man/man5/jailed.5

# Installs every Debian package the build, tests and benchmarks need (no-op when present).
deps:
	scripts/deps

demo: $(BUILD)/jailed
	scripts/demo $(BUILD)/jailed

# Launches a jail over a given closure with jailed's policy and launcher (bench/store).
$(BUILD)/bench-store-launch: $(BUILD)/obj/bench/store_launch.o $(LIB)
	$(CXX) $(LDFLAGS) $(LIB_LDFLAGS) -o $@ $^ $(LINK_LIBS)

bench: $(BUILD)/jailed $(BUILD)/jailed-landlock $(BUILD)/bench-store-launch
	bench/run $(BUILD)/jailed

# Snapshots of a generated 10,000-file, 200 MB project against tar and git status.
bench-snapshot: $(BUILD)/jailed $(BUILD)/jailed-landlock
	bench/snapshot $(BUILD)/jailed

# Under -j, `make clean all` would remove the build while it is being made: with other goals,
# the build directory goes at once, before any of them starts.
ifneq ($(and $(filter clean,$(MAKECMDGOALS)),$(filter-out clean,$(MAKECMDGOALS))),)
  ifndef MAKE_RESTARTS
    $(shell rm -rf $(BUILD))
  endif
clean:
	@echo rm -rf $(BUILD)
else
clean:
	rm -rf $(BUILD)
endif

-include $(shell find $(BUILD)/obj $(BUILD)/tidy -name '*.d' 2>/dev/null)
