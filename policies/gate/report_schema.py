"""The version of report.json's shape: written by reports/json_report.py, checked where a report is read back
(--baseline, policies/gate/baseline.py). A module of its own so that reading a report needs no report writer."""

from __future__ import annotations

REPORT_SCHEMA_VERSION = 1
