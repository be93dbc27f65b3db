# mk/exit-code.mk: the goals in TOOL_GOALS (gate, plan) exit with their tool's own code: 0 compliant / written,
# 1 blocking findings, 2 bad input (README "Exit codes").
#
# Why not a plain recipe: GNU make exits 2 whenever a recipe fails, whatever the command's code, so a blocking
# finding and a bad input would read the same. The only 1 make has is question mode (-q: a goal is out of date).
# How: the tools run as the recipe of an included makefile, $(TOOL_EXIT_FILE), which records their code and
# succeeds; make always re-executes itself after remaking one of its makefiles (MAKE_RESTARTS is then set), reads
# the code, and ends: 0 → the goal's recipe does nothing; 1 → MAKEFLAGS += -q (the phony goal is out of date, so
# make exits 1 without running anything); anything else → $(error), which is exit 2. The tools' output is not
# captured: it reaches the terminal as it is written, stdout and stderr as the tool wrote them.
#
# The including makefile sets, before the include:
#   TOOL_GOALS         the goals this applies to
#   TOOL_CMD_<goal>    each goal's shell command line (a `cmd && cmd` chain runs as one; its code is the chain's)
#   TOOL_DEPS          prerequisites made first (the environment set-up)
# Several tool goals (`make gate plan`) run in command-line order and stop at the first that does not exit 0.
# Other goals on the same command line run after them, and only when they all exit 0.
# `make -n` / `-q` / `-t` given by the user: the goals keep ordinary recipes (printed, not run, as make does).

TOOL_GOALS_ASKED := $(filter $(TOOL_GOALS),$(MAKECMDGOALS))
# The single-letter flags are the first word of MAKEFLAGS; the leading "-" keeps an empty first word from
# matching the next word (a variable assignment).
TOOL_DRY_RUN := $(findstring n,$(firstword -$(MAKEFLAGS)))$(findstring q,$(firstword -$(MAKEFLAGS)))$(findstring t,$(firstword -$(MAKEFLAGS)))
TOOL_CMDS := $(foreach g,$(TOOL_GOALS_ASKED),$(g):$(TOOL_CMD_$(g));)
# One file per command line, so that two makes with different stacks or plans in one checkout do not share it.
TOOL_EXIT_FILE := build/.make/exit-$(firstword $(shell printf '%s' '$(subst ','\'',$(TOOL_CMDS))' | cksum)).mk

ifneq ($(TOOL_DRY_RUN),)
# Dry run: ordinary recipes.
$(foreach g,$(TOOL_GOALS),$(eval $(g): $(TOOL_DEPS) ; $$(TOOL_CMD_$(g))))
else ifeq ($(TOOL_GOALS_ASKED),)
# No tool goal asked for: nothing to record (as a prerequisite of another target a tool goal runs as usual).
$(foreach g,$(TOOL_GOALS),$(eval $(g): $(TOOL_DEPS) ; $$(TOOL_CMD_$(g))))
else ifeq ($(MAKE_RESTARTS),)
# First pass: run the tools (as the recipe that remakes $(TOOL_EXIT_FILE)) and record their code; make restarts.
# `include`, not `-include`: make ignores a failure to remake an optional makefile, so a failed set-up would
# end in the no-op goals below with exit 0.
include $(TOOL_EXIT_FILE)
.PHONY: tool-exit-force
$(TOOL_EXIT_FILE): $(TOOL_DEPS) tool-exit-force
	@mkdir -p $(@D); rc=0; \
	$(foreach g,$(TOOL_GOALS_ASKED),if [ $$rc -eq 0 ]; then \
	  printf '%s\n' '$(subst ','\'',$(TOOL_CMD_$(g)))'; ( $(TOOL_CMD_$(g)) ) || rc=$$?; fi; ) \
	echo "TOOL_EXIT := $$rc" > $@
# Reached only when make did not restart, i.e. the tools never ran: never a success.
$(foreach g,$(TOOL_GOALS),$(eval $(g): ; @echo "make: $$@: did not run (see the errors above)" >&2; exit 2))
else
# After the restart: the recorded code is make's. The file has served its purpose once read (-include: make
# does not look for a rule to remake it once it is gone).
-include $(TOOL_EXIT_FILE)
$(shell rm -f $(TOOL_EXIT_FILE))
ifeq ($(TOOL_EXIT),)
$(error $(TOOL_GOALS_ASKED): no exit code recorded in $(TOOL_EXIT_FILE))
endif
$(foreach g,$(TOOL_GOALS),$(eval $(g): ; @:))
ifeq ($(TOOL_EXIT),0)
else ifeq ($(TOOL_EXIT),1)
MAKEFLAGS += -q
else
$(error $(TOOL_GOALS_ASKED): exit $(TOOL_EXIT))
endif
endif
