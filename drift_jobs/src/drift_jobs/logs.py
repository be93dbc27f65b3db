"""Structured JSON logs for machines, a progress bar for people at a terminal."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import IO, Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        doc.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD}
        tail = " ".join(f"{k}={v}" for k, v in extra.items())
        line = f"{record.levelname.lower():7s} {record.getMessage()}" + (f"  {tail}" if tail else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def interactive(stream: IO[str] | None = None) -> bool:
    s = stream or sys.stderr
    return bool(getattr(s, "isatty", lambda: False)())


def setup_logging(fmt: str = "auto", verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    use_json = fmt == "json" or (fmt == "auto" and not interactive())
    handler.setFormatter(JsonFormatter() if use_json else TextFormatter())
    root = logging.getLogger("drift_jobs")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False


class Progress:
    """A one-line bar on a terminal; otherwise a structured log line every `every_s` seconds."""

    def __init__(self, what: str, total_rows: int | None, enabled: bool | None = None, every_s: float = 10.0):
        self.what = what
        self.total = total_rows
        self.bar = interactive() if enabled is None else enabled
        self.every_s = every_s
        self.rows = 0
        self.start = time.perf_counter()
        self.last = self.start
        self.log = logging.getLogger("drift_jobs.progress")

    def update(self, rows: int) -> None:
        self.rows += rows
        now = time.perf_counter()
        if self.bar:
            if now - self.last >= 0.1 or (self.total and self.rows >= self.total):
                self._draw(now)
                self.last = now
        elif now - self.last >= self.every_s:
            self.log.info("progress", extra={"stage": self.what, "rows": self.rows, "total_rows": self.total})
            self.last = now

    def _draw(self, now: float) -> None:
        elapsed = now - self.start
        rate = self.rows / elapsed if elapsed > 0 else 0.0
        if self.total:
            frac = min(1.0, self.rows / self.total)
            filled = int(frac * 30)
            bar = "#" * filled + "." * (30 - filled)
            text = f"\r{self.what:8s} [{bar}] {frac:4.0%} {self.rows:,}/{self.total:,} rows {rate:,.0f}/s"
        else:
            text = f"\r{self.what:8s} {self.rows:,} rows {rate:,.0f}/s"
        sys.stderr.write(text)
        sys.stderr.flush()

    def close(self) -> None:
        if self.bar and self.rows:
            self._draw(time.perf_counter())
            sys.stderr.write("\n")
            sys.stderr.flush()
