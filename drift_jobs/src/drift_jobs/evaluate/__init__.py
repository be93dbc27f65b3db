"""Evaluate: drift metrics, thresholds in force, history and the report of a run."""
