"""Export: what leaves the run (Prometheus metrics, the HTML report)."""
