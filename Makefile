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

.PHONY: setup plan gate test lint typecheck docs bench clean

setup:
	@$(UV) --version >/dev/null 2>&1 || .ci/tools/install-uv >/dev/null
	@$(UV) sync --frozen --all-packages --quiet
	@UV="$(UV)" .ci/tools/install checkov

plan: setup
	$(RUN) ai-platform plan --stack $(STACK)

# make gate STACK=prod | make gate PLAN=file OUT=dir | make gate MANIFESTS=dir OUT=dir
# GATE_ARGS: more gate options, e.g. GATE_ARGS="--baseline base/report.json" (the PR workflow's merge-base report).
gate: setup
ifdef PLAN
	$(RUN) python -m policies.gate --plan $(PLAN) --out $(or $(OUT),build/gate) $(GATE_ARGS)
else ifdef MANIFESTS
	$(RUN) python -m policies.gate --manifests $(MANIFESTS) --out $(or $(OUT),build/gate) $(GATE_ARGS)
else
	$(RUN) python -m policies.gate --stack $(STACK) $(GATE_ARGS)
endif

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
	$(RUN) python bench/gate/bench_engines.py
	$(RUN) python bench/gate/bench_gate.py
	$(RUN) python bench/gate/bench_checkov.py
	$(RUN) python bench/gate/bench_bounds.py
	$(RUN) python bench/gpu/bench_scale.py
	$(RUN) python bench/storage/bench_rgw.py

clean:
	rm -rf build .pytest_cache .mypy_cache .ruff_cache
