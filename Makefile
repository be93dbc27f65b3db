# ai-platform: the offline plan and gate of a stack, the tests, the benchmarks.
# Everything runs in the uv-managed .venv with the system Python (no Python download).
SHELL := /bin/bash
STACK ?= dev
export UV_PYTHON_DOWNLOADS := never
# uv: a developer's own on PATH (every command is --frozen, so any release that reads uv.lock will do), else the
# pinned, hash-checked one that .ci/tools/install-uv puts in .tools/uv (fresh machine: only python3 is needed).
# .ci/run always uses the pinned one (.ci/tools/README.md).
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/uv/bin/uv)
RUN := $(UV) run --frozen

.PHONY: setup setup-gate plan gate test lint typecheck docs bench clean

# The environment in two sizes: `make gate`/`make plan` sync the project without the dev group (pytest, ruff, mypy,
# moto, ...; pyproject.toml [dependency-groups]) and run with --no-sync (a plain `uv run` would sync the dev group
# back); `make setup` (test, lint, typecheck, ...) syncs everything. --inexact: a gate after a test run keeps the
# dev tools installed, so switching between the two reinstalls nothing. Not --quiet: the first run downloads
# several hundred MB and uv's progress is the only sign of life.
# PYTHON: the interpreter for .venv and the tool envs, any of 3.11-3.13 (pyproject.toml requires-python), e.g.
# `make gate PYTHON=python3.12`. uv reads it as UV_PYTHON, which overrides .python-version (3.11, the developers'
# default): without it a machine whose python3 is 3.12 or 3.13 would be refused for want of a 3.11.
# A UV_PYTHON already in the environment is kept (a developer's choice, or a make run from the tests).
PYTHON ?= $(or $(UV_PYTHON),python3)
export UV_PYTHON := $(PYTHON)
define setup_env
	@$(UV) --version >/dev/null 2>&1 || PYTHON="$(PYTHON)" .ci/tools/install-uv >/dev/null
	@[ -d "$${UV_PROJECT_ENVIRONMENT:-.venv}" ] || echo "setup: creating the project environment ($(1)): a few hundred MB to download (README, Quick start)" >&2
	@$(UV) sync --frozen $(2)
	@UV="$(UV)" .ci/tools/install checkov
endef

setup:
	$(call setup_env,all packages and the dev tools,--all-packages)

setup-gate:
	$(call setup_env,what the gate and the plan run,--no-dev --inexact)

GATE_RUN := $(UV) run --frozen --no-sync
# make gate STACK=prod | make gate PLAN=file OUT=dir | make gate MANIFESTS=dir OUT=dir; GATE_ARGS: more gate
# options (python -m policies.gate --help), e.g. GATE_ARGS="--baseline base/report.json" (the PR workflow's
# merge-base report) or GATE_ARGS=--no-checkov.
ifdef PLAN
TOOL_CMD_gate = $(GATE_RUN) python -m policies.gate --plan $(PLAN) --out $(or $(OUT),build/gate) $(GATE_ARGS)
else ifdef MANIFESTS
TOOL_CMD_gate = $(GATE_RUN) python -m policies.gate --manifests $(MANIFESTS) --out $(or $(OUT),build/gate) $(GATE_ARGS)
else
TOOL_CMD_gate = $(GATE_RUN) python -m policies.gate --stack $(STACK) $(GATE_ARGS)
endif
# make plan STACK=prod [OUT=dir]: the plan alone (default build/<stack>/plan.json).
TOOL_CMD_plan = $(GATE_RUN) ai-platform plan --stack $(STACK) $(if $(OUT),--out $(OUT))
TOOL_GOALS := gate plan
TOOL_DEPS := setup-gate
# make's own exit code is the tool's (0/1/2), not make's 2 for any failing recipe: mk/exit-code.mk says how.
include mk/exit-code.mk

# Two sessions, each with fresh workers: a worker that runs the policy suite and everything else grows past
# 9 GiB (memory the Rego engines keep across modules; see the issue 8 note), one session per half stays lower.
test: setup
	$(RUN) pytest -n 2 -q tests/policies
	$(RUN) pytest -n 2 -q --ignore=tests/policies

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: setup
	$(RUN) mypy

docs: setup
	$(RUN) python -m infra.config.reference

bench: setup
	mkdir -p bench/results
	$(RUN) python bench/drift/run_bench.py
	$(RUN) python bench/drift/false_alarms.py
	UV="$(UV)" $(RUN) python bench/drift/detection_power.py
	$(RUN) python bench/gate/bench_engines.py
	$(RUN) python bench/gate/bench_gate.py
	$(RUN) python bench/gate/bench_checkov.py
	$(RUN) python bench/gate/bench_bounds.py
	$(RUN) python bench/gpu/bench_scale.py
	$(RUN) python bench/storage/bench_rgw.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
