"""Read PromQL without a PromQL parser: the metric names an expression selects, and Grafana's template
variables replaced by values the real parser (promtool) accepts.

Whether an expression parses is promtool's job (tests run it); this tokenizer only has to find the metric
names in an expression that does parse, so it skips everything that cannot be one: strings, label matchers
(`{...}`), ranges and subquery steps (`[...]`), numbers and durations, keywords, aggregation operators,
function names (an identifier before `(`) and the label lists after `by`, `without`, `on`, `ignoring`,
`group_left` and `group_right`.
"""

from __future__ import annotations

import re
from typing import Final

KEYWORDS: Final = frozenset(
    {
        "and", "or", "unless", "bool", "offset", "atan2", "inf", "nan",
        # Aggregation operators: followed by `(` or by a `by`/`without` clause.
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
        "bottomk", "topk", "quantile", "limitk", "limit_ratio",
    }
)  # fmt: skip
LABEL_LIST_KEYWORDS: Final = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_IDENT_START = re.compile(r"[A-Za-z_:]")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
_NUMBER = re.compile(r"[0-9.][0-9A-Za-z_.]*")
_NAME_MATCHER = re.compile(r"""__name__\s*=\s*(?:"([^"\\]*)"|'([^'\\]*)')""")
_CLOSERS: Final = {"(": ")", "{": "}", "[": "]"}

# What Grafana puts in place of its built-in variables: any valid duration or number will do for parsing.
GRAFANA_BUILTINS: Final[dict[str, str]] = {
    "__rate_interval": "5m",
    "__interval": "1m",
    "__range": "1h",
    "__range_s": "3600",
    "__range_ms": "3600000",
    "__interval_ms": "60000",
}
_VARIABLE = re.compile(r"\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]")
# Dashboard variables appear only inside label matcher strings; any text is valid there.
PLACEHOLDER: Final = "placeholder"


def _skip_string(expr: str, start: int) -> int:
    """Index after the string literal opening at `start` (PromQL's ", ' and ` quotes)."""
    quote = expr[start]
    i = start + 1
    while i < len(expr):
        if expr[i] == "\\" and quote != "`":
            i += 2
            continue
        if expr[i] == quote:
            return i + 1
        i += 1
    raise ValueError(f"unterminated string in {expr!r}")


def _skip_group(expr: str, start: int) -> int:
    """Index after the bracketed group opening at `start`, strings and nested groups included."""
    depth: list[str] = []
    i = start
    while i < len(expr):
        char = expr[i]
        if char in "\"'`":
            i = _skip_string(expr, i)
            continue
        if char in _CLOSERS:
            depth.append(_CLOSERS[char])
        elif depth and char == depth[-1]:
            depth.pop()
            if not depth:
                return i + 1
        i += 1
    raise ValueError(f"unbalanced {expr[start]!r} in {expr!r}")


def _next_significant(expr: str, i: int) -> str:
    while i < len(expr) and expr[i].isspace():
        i += 1
    return expr[i] if i < len(expr) else ""


def metric_names(expr: str) -> set[str]:
    """The metric names `expr` selects (`foo{...}`, `foo[5m]`, `{__name__="foo"}`)."""
    names: set[str] = set()
    i = 0
    while i < len(expr):
        char = expr[i]
        if char in "\"'`":
            i = _skip_string(expr, i)
        elif char in "{[":
            end = _skip_group(expr, i)
            if char == "{":
                names |= {m.group(1) or m.group(2) for m in _NAME_MATCHER.finditer(expr, i, end)}
            i = end
        elif char.isdigit() or (char == "." and expr[i + 1 : i + 2].isdigit()):
            i = _NUMBER.match(expr, i).end()  # type: ignore[union-attr]
        elif _IDENT_START.match(char):
            word = _IDENT.match(expr, i).group(0)  # type: ignore[union-attr]
            i += len(word)
            following = _next_significant(expr, i)
            if word.lower() in LABEL_LIST_KEYWORDS:
                if following == "(":
                    i = _skip_group(expr, expr.index("(", i))
            elif word.lower() in KEYWORDS or following == "(":
                continue
            else:
                names.add(word)
        else:
            i += 1
    return names


def grafana_to_promql(expr: str) -> str:
    """`expr` with Grafana's variables replaced: built-ins by a duration or number, dashboard variables by
    a plain word (they stand inside label matcher strings)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        return GRAFANA_BUILTINS.get(name, PLACEHOLDER)

    return _VARIABLE.sub(value, expr)


_LABEL_VALUES = re.compile(r"^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", re.DOTALL)
_QUERY_RESULT = re.compile(r"^\s*query_result\((.*)\)\s*$", re.DOTALL)


def variable_query_promql(query: str) -> str | None:
    """The PromQL inside a Grafana Prometheus variable query (`label_values(expr, label)`,
    `query_result(expr)`), or None when the query names no series (`label_values(label)`, `label_names()`)."""
    for pattern in (_LABEL_VALUES, _QUERY_RESULT):
        match = pattern.match(query)
        if match:
            return match.group(1)
    return None
