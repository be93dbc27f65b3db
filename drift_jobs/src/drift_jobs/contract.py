"""The drift job's public contract: metric names, labels, threshold defaults, exit codes.

Alert rules and dashboards are generated from this module (infra/ imports it), so the
job and the alerts cannot disagree about a name or a default.
"""

from __future__ import annotations

from typing import Final

from drift_jobs.evaluate.metrics import REGISTRY, effect_metrics

# Exit codes (DESIGN §5.5).
EXIT_OK: Final = 0
EXIT_INTERNAL: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_DEPENDENCY: Final = 3

PROFILE_SCHEMA_VERSION: Final = 1
SUMMARY_SCHEMA_VERSION: Final = 1
REPORT_SCHEMA_VERSION: Final = 1
HISTORY_SCHEMA_VERSION: Final = 1

PUSHGATEWAY_JOB: Final = "drift-job"
GROUPING_KEY_LABELS: Final = ("model", "stack")
BASE_LABELS: Final = ("model", "model_version", "stack", "region", "cluster")
FEATURE_LABELS: Final = (*BASE_LABELS, "feature")

# Feature status values as pushed in model_drift_feature_status.
STATUS_CODES: Final[dict[str, int]] = {
    "not_evaluated": -1,
    "ok": 0,
    "warning": 1,
    "critical": 2,
}

# name -> (labels beyond BASE_LABELS, help text). Counters are listed by their exposed name.
# The per-feature drift metrics come from the metric registry (drift_jobs.evaluate.metrics).
METRICS: Final[dict[str, tuple[tuple[str, ...], str]]] = {
    **{m.prometheus: (("feature",), m.help) for m in REGISTRY},
    "model_drift_missing_share": (("feature",), "Share of missing values (null, NaN, +-inf) in the window"),
    "model_drift_missing_share_change": (("feature",), "Window missing share minus reference share"),
    "model_drift_feature_status": (("feature",), "-1 not evaluated, 0 ok, 1 warning, 2 critical"),
    "model_drift_threshold": (("feature", "metric", "tier"), "Threshold in force (static or adaptive)"),
    "model_drift_dataset_drifted": ((), "1 if the dataset decision is drift"),
    "model_drift_drifted_features_share": ((), "Share of evaluated features that drifted"),
    "model_drift_status": ((), "Worst tier of the run: 0 ok, 1 warning, 2 critical"),
    "model_drift_schema_issue": (
        ("feature", "reason"),
        "Schema or data-quality finding (reason label): 0 ok, 1 warning, 2 critical",
    ),
    "model_performance_value": (("metric", "window"), "Performance metric on reference or current window"),
    "model_performance_relative_drop": (("metric",), "Relative performance degradation vs reference"),
    "model_latency_quantile": (("quantile", "window"), "Latency quantile in the column's unit"),
    "model_latency_relative_increase": (("quantile",), "Relative latency quantile increase vs reference"),
    "drift_job_last_success_timestamp_seconds": ((), "Unix time the last run finished"),
    "drift_job_duration_seconds": ((), "Wall time of the run"),
    "drift_job_rows_processed_total": ((), "Rows of the current window processed by the run"),
}

TIERS: Final = ("warning", "critical")

# Threshold defaults (DESIGN §2); relative quantities are fractions (0.05 = 5 %). The drift
# effect sizes' defaults are declared by their metric modules (PSI 0.1/0.2 is DESIGN §2's).
DEFAULT_THRESHOLDS: Final[dict[str, dict[str, float]]] = {
    **{
        m.name: {"warning": m.default_tiers[0], "critical": m.default_tiers[1]}
        for m in effect_metrics()
        if m.default_tiers is not None
    },
    "accuracy_drop": {"warning": 0.05, "critical": 0.10},
    "latency_increase": {"warning": 0.20, "critical": 0.50},
    # Not in DESIGN §2: an absolute rise of the missing share that is a data incident in itself.
    "missing_share_increase": {"warning": 0.10, "critical": 0.30},
}
# Metrics a per-feature threshold may name: every effect size of the registry, and the missing share.
FEATURE_THRESHOLD_METRICS: Final = (*(m.name for m in effect_metrics()), "missing_share_increase")
DEFAULT_SIGNIFICANCE: Final = 0.05  # Benjamini-Hochberg false discovery rate
DEFAULT_DATASET_DRIFT_SHARE: Final = 0.2
DEFAULT_MIN_SAMPLES: Final = 100

# Profile and summary resolution.
DEFAULT_FINE_BINS: Final = 4096
DEFAULT_COARSE_BINS: Final = 10
DEFAULT_CATEGORY_CAP: Final = 50
DEFAULT_EXACT_MAX: Final = 10_000
DEFAULT_CHUNK_ROWS: Final = 262_144
# Columns of a chunk summarised in parallel (numpy releases the GIL in its array loops). Two: with the
# per-cell edge counts a summary thread no longer leaves a second core idle while pyarrow decodes
# (measured on a 2-core machine, 1M x 20, medians of 10 alternating runs: 0.46 s on two, 0.54 s on one).
DEFAULT_THREADS: Final = 2

# Adaptive thresholds: robust upper bound median + k * 1.4826 * MAD of past runs.
DEFAULT_ADAPTIVE_MIN_HISTORY: Final = 8
ADAPTIVE_K: Final[dict[str, float]] = {"warning": 3.0, "critical": 5.0}
# Adaptation may raise a static threshold at most this much, and never learns from runs in
# which the feature was critical, so a persistent drift cannot silence its own alert.
ADAPTIVE_MAX_FACTOR: Final = 2.0
HISTORY_MAX_RUNS: Final = 200

# Schema and data-quality findings (evaluate/schema.py): reason -> default tier ("ok" never alerts).
# Feature-level reasons carry the feature's name; run-level ones (extra_column, nothing_evaluated) carry
# the column's name or "" in model_drift_schema_issue{feature=...}.
DEFAULT_SCHEMA_TIERS: Final[dict[str, str]] = {
    "missing_column": "critical",
    "all_missing": "critical",
    "type_change": "critical",
    "cardinality_explosion": "warning",
    "extra_column": "warning",
    "nothing_evaluated": "critical",
}
# A column counts as retyped when more than this share of its present values has the wrong type.
DEFAULT_TYPE_CHANGE_SHARE: Final = 0.5
# Cardinality explosion: distinct unseen values >= max(min_new, factor x reference categories) and
# unseen values >= min_unseen_share of the window's valid values.
DEFAULT_CARDINALITY: Final[dict[str, float]] = {"factor": 1.0, "min_new": 20, "min_unseen_share": 0.1}

LATENCY_QUANTILES: Final = (0.5, 0.95, 0.99)
PROFILE_SUFFIX: Final = ".drift-profile.npz"
DIRECTORY_PROFILE_NAME: Final = "_drift_profile.npz"
