"""Schema and data-quality findings: the data incidents that are not distribution drift.

A feature column that disappears, arrives empty or as text instead of numbers, or whose
categories explode is a finding with a reason and a tier (`config.schema`, defaults in
`contract.DEFAULT_SCHEMA_TIERS`); the tier counts in the feature status and the run status,
so the most common production data incident pages like a drift does. Run-level findings:
columns the reference never had, and a window in which no feature could be evaluated.

Definitions (docs/drift-jobs.md, "Schema and data-quality findings"):

- missing_column: the column is absent from every file of the window.
- all_missing: the column is present but holds no valid value and no value of another type
  (100 % null, NaN or ±inf), while the reference had valid values.
- type_change: more than `type_change_share` of the column's present values are of the wrong
  type (e.g. text in a numeric feature), while the reference was at or below that share.
- cardinality_explosion (categorical): values the reference never had make up at least
  `cardinality.min_unseen_share` of the valid values, and there are at least
  max(`cardinality.min_new`, `cardinality.factor` x the reference's category count) distinct
  ones (a lower bound: the most distinct unseen values in one chunk or shard).
- extra_column: a column of the window that is not in the reference profile.
- nothing_evaluated: the window has rows but no feature could be evaluated. When it shares no
  column at all with the profile, the cause is the input's format (wrong delimiter, wrong
  file, no header): that is bad input (exit 2), not a finding.
"""

from __future__ import annotations

from collections.abc import Iterable

from drift_jobs.config import SchemaRules
from drift_jobs.errors import BadInputError
from drift_jobs.evaluate.report import FeatureReport
from drift_jobs.evaluate.report import SchemaFinding as Finding
from drift_jobs.summarise.categorical import UNSEEN, CategoricalSummary, CategoryBuckets
from drift_jobs.summarise.numeric import NumericSummary
from drift_jobs.summarise.profile import Profile
from drift_jobs.summarise.summary import WindowSummary

FEATURE_REASONS = ("missing_column", "all_missing", "type_change", "cardinality_explosion")
RUN_REASONS = ("extra_column", "nothing_evaluated")
REASONS = (*FEATURE_REASONS, *RUN_REASONS)


def _present(s: NumericSummary | CategoricalSummary) -> int:
    """Values that are there (valid, ±inf or of another type): rows minus null/NaN and absent."""
    return s.rows - s.n_missing - s.n_absent


def _mismatch_share(s: NumericSummary | CategoricalSummary) -> float:
    present = _present(s)
    return s.n_mismatch / present if present else 0.0


def feature_findings(
    name: str,
    kind: str,
    ref: NumericSummary | CategoricalSummary,
    cur: NumericSummary | CategoricalSummary,
    rules: SchemaRules,
    buckets: CategoryBuckets | None = None,
) -> list[Finding]:
    """Findings about one feature of the window, given its reference and window summaries."""

    def found(reason: str, message: str) -> Finding:
        return Finding(reason, name, rules.tier(reason, name), message)

    if cur.rows == 0:
        return []
    if cur.n_absent == cur.rows:
        return [found("missing_column", f"column {name!r} is absent from every file of the window")]
    out: list[Finding] = []
    share = _mismatch_share(cur)
    if share > rules.type_change_share and _mismatch_share(ref) <= rules.type_change_share:
        out.append(
            found(
                "type_change",
                f"column {name!r}: {share:.1%} of its present values are not {kind} "
                f"({cur.n_mismatch} of {_present(cur)}; the reference had {_mismatch_share(ref):.1%})",
            )
        )
    elif cur.n == 0 and cur.n_mismatch == 0 and ref.n > 0:
        out.append(
            found(
                "all_missing",
                f"column {name!r} holds no valid value in the window ({cur.rows - cur.n_absent} rows null, NaN or inf)",
            )
        )
    if isinstance(cur, CategoricalSummary) and buckets is not None and cur.n:
        labels = buckets.labels
        unseen = int(cur.counts[labels.index(UNSEEN)])
        unseen_share = unseen / cur.n
        ref_categories = len(buckets.categories) + len(buckets.known_other)
        needed = max(rules.cardinality.min_new, rules.cardinality.factor * ref_categories)
        if unseen_share >= rules.cardinality.min_unseen_share and cur.unseen_distinct >= needed:
            out.append(
                found(
                    "cardinality_explosion",
                    f"column {name!r}: at least {cur.unseen_distinct} distinct values the reference never had "
                    f"({unseen_share:.1%} of valid values; the reference had {ref_categories} categories)",
                )
            )
    return out


def extra_column_findings(columns_seen: Iterable[str], expected: Iterable[str], rules: SchemaRules) -> list[Finding]:
    known = set(expected)
    return [
        Finding("extra_column", c, rules.extra_column, f"column {c!r} of the window is not in the reference profile")
        for c in sorted(set(columns_seen) - known)
    ]


def nothing_evaluated(
    entries: list[FeatureReport],
    rows: int,
    columns_seen: Iterable[str],
    expected: Iterable[str],
    current: str,
    rules: SchemaRules,
) -> list[Finding]:
    """A window with rows in which no feature was evaluated is never ok.

    Raises BadInputError when the window shares no column with the profile: the input's
    format is the cause (a semicolon file read with another delimiter, the wrong file).
    """
    features = [e for e in entries if e.role == "feature"]
    if not features or rows == 0 or any(e.evaluated for e in features):
        return []
    seen = set(columns_seen)
    wanted = sorted(set(expected))
    if not seen & set(wanted):
        shown = sorted(seen)
        listed = ", ".join(repr(c) for c in shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
        raise BadInputError(
            f"current {current}: none of the profile's columns ({', '.join(wanted[:5])}"
            f"{'...' if len(wanted) > 5 else ''}) is in the window, whose columns are {listed or 'none'}; "
            "check the file format (for CSV: csv.delimiter, csv.encoding, a header row)"
        )
    why = sorted({f"{e.name}: {e.distribution_status or e.status}" for e in features})
    return [
        Finding(
            "nothing_evaluated",
            "",
            rules.nothing_evaluated,
            f"no feature could be evaluated ({'; '.join(why[:10])}{'; ...' if len(why) > 10 else ''})",
        )
    ]


def apply(entries: list[FeatureReport], findings: list[Finding]) -> None:
    """Hand feature findings to their entries before the decision (evaluator._tiers combines the tiers).

    A finding's tier counts in the feature's status even when its distribution could not be
    evaluated: the feature keeps why in `distribution_status` and a missing column pages.
    """
    for e in entries:
        mine = [f for f in findings if f.reason in FEATURE_REASONS and f.feature == e.name]
        e.schema = mine
        for f in mine:
            e.findings[f.reason] = f.tier
            e.reasons.append(f"{f.reason} ({f.tier}): {f.message}")


def run_status_tiers(findings: list[Finding]) -> list[str]:
    """Tiers that count in the run status (feature findings count through their feature)."""
    return [f.tier for f in findings if f.reason in RUN_REASONS]


def feature_check(rules: SchemaRules, profile: Profile, summary: WindowSummary) -> list[Finding]:
    """The findings about the profile's features in a window."""
    findings: list[Finding] = []
    for spec in profile.roles.features:
        ref: NumericSummary | CategoricalSummary
        cur: NumericSummary | CategoricalSummary
        buckets = None
        if spec.kind == "numeric":
            ref, cur = profile.numeric[spec.name].summary, summary.numeric[spec.name]
        else:
            ref, cur = profile.categorical[spec.name].summary, summary.categorical[spec.name]
            buckets = profile.categorical[spec.name].buckets
        findings += feature_findings(spec.name, spec.kind, ref, cur, rules, buckets)
    return findings


def run_check(
    rules: SchemaRules, profile: Profile, summary: WindowSummary, entries: list[FeatureReport]
) -> list[Finding]:
    """Run-level findings, once the features are decided (`nothing_evaluated` needs their outcome)."""
    # Profiles built before they recorded the reference's columns know only their roles' columns.
    expected = set(profile.columns) | profile.roles.columns
    findings = extra_column_findings(summary.columns_seen, expected, rules)
    findings += nothing_evaluated(entries, summary.rows, summary.columns_seen, expected, summary.current, rules)
    return findings
