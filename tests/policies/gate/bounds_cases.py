"""Hostile inputs shared by the bounds tests and bench/gate/bench_bounds.py: each is a few bytes to a few MB."""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


def alias_bomb(levels: int = 9, fan_out: int = 9) -> str:
    """The 'billion laughs' YAML: under 1 kB that expands to fan_out**levels nodes (~0.4 kB, 10^9 by default)."""
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}", "data:"]
    lines.append(f"  l0: &l0 [{', '.join(['lol'] * fan_out)}]")
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * fan_out)}]")
    return "\n".join(lines) + "\n"


def deep_yaml(depth: int = 1000) -> str:
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " + "[" * depth + "]" * depth + "\n"


def deep_json_plan(depth: int = 1000) -> str:
    bucket = "urn:pulumi:test::ai-platform::aws:s3/bucket:Bucket::deep"
    nested = '{"a":' * depth + "1" + "}" * depth
    return (
        '{"config": {}, "steps": [{"op": "create", "urn": "' + bucket + '", "newState": {"urn": "' + bucket + '", '
        '"type": "aws:s3/bucket:Bucket", "custom": true, "inputs": {"tags": ' + nested + "}}}]}"
    )


def big_stack_file(size: int = 10 * 1024 * 1024) -> str:
    """A stack file of about `size` bytes: a long list of tags under one key."""
    head = "config:\n  ai-platform:environment: dev\n  ai-platform:tags:\n"
    entry = "    k{0:08d}: value-{0:08d}\n"
    count = (size - len(head)) // len(entry.format(0)) + 1
    return head + "".join(entry.format(i) for i in range(count))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# A child process that runs one call and reports, as its last stderr lines, the seconds of the call alone and
# its own peak RSS. VmHWM is read from /proc because ru_maxrss (getrusage, wait4) also counts the memory of the
# forked parent before exec: a child of a large pytest worker would report the worker's size.
_CHILD = """
import sys, time
{setup}
start = time.perf_counter()
code = 0
try:
    {call}
finally:
    work = time.perf_counter() - start
    peak = next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:'))
    print(f'work_s={{work:.4f}}', file=sys.stderr)
    print(f'peak_kib={{peak}}', file=sys.stderr)
sys.exit(code)
"""
# (imports, the call): the call alone is timed as work_s.
GATE_CALL = ("from policies.gate.cli import main", "code = main(sys.argv[1:])")
CONFIG_LOADER_CALL = (
    "from pathlib import Path\nfrom infra.config import ConfigError, load_stack_file",
    "try:\n        load_stack_file(Path(sys.argv[1]))\n"
    "    except ConfigError as error:\n        print(error, file=sys.stderr)\n        code = 2",
)


@dataclass(frozen=True)
class ChildRun:
    exit_code: int
    stderr: str  # without the measurement lines
    process_s: float  # wall time of the child, interpreter start-up and imports included
    work_s: float  # the call alone, after its imports
    peak_mib: float  # the child's own peak RSS


def run_measured(call: tuple[str, str], args: list[str], cwd: Path, time_limit_s: float = 60) -> ChildRun:
    """Run `call` (GATE_CALL, CONFIG_LOADER_CALL) in a fresh interpreter with `args`; kill it past the limit."""
    argv = [sys.executable, "-c", _CHILD.format(setup=call[0], call=call[1]), *args]
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=time_limit_s, check=False)
    except subprocess.TimeoutExpired as expired:
        stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else str(expired.stderr or "")
        return ChildRun(-9, stderr, time.perf_counter() - start, float("inf"), float("inf"))
    seconds = time.perf_counter() - start
    lines = done.stderr.splitlines()
    metrics = dict(line.split("=", 1) for line in lines if line.startswith(("work_s=", "peak_kib=")))
    rest = "\n".join(line for line in lines if not line.startswith(("work_s=", "peak_kib=")))
    peak = int(metrics["peak_kib"]) / 1024 if "peak_kib" in metrics else float("inf")
    return ChildRun(done.returncode, rest, seconds, float(metrics.get("work_s", "inf")), peak)
