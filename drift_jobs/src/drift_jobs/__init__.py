"""Fast, mergeable drift detection for models in production (numpy/scipy, Prometheus)."""

__version__ = "0.1.0"
