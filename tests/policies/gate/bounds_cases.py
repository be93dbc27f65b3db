"""Hostile inputs shared by the bounds tests and bench/gate/bench_bounds.py: each is a few bytes to a few MB."""

from __future__ import annotations

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
