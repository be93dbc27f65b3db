"""A local alerting pipeline on the real binaries: Pushgateway → Prometheus → Alertmanager → webhook.

Every service listens on a free loopback port, keeps its state and log under one tmp directory, and is
stopped by its own pid. Waits poll with deadlines; a failed wait raises with the services' logs attached.
Alertmanager runs the generated config with every receiver that has integrations rewritten to a webhook on
a local recording server (`/hook/<receiver>`), so a notification's path names the receiver the route chose.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import yaml

from tests.binaries import require
from tests.support.pushgateway import free_port

T = TypeVar("T")

HOOK_PATH = "/hook/"
# Test timing: Prometheus scrapes and evaluates every second, Alertmanager flushes a group a second after
# its first alert and again a second after each change, and repeats only after the test has ended.
INTERVAL = "1s"
GROUP_WAIT = "1s"
GROUP_INTERVAL = "1s"
REPEAT_INTERVAL = "1h"
STARTUP_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 5.0
LOG_TAIL_CHARS = 4000


class HarnessError(AssertionError):
    """A wait ran out or a service misbehaved; the message carries the services' logs."""


def wait_for(what: str, probe: Callable[[], T], timeout: float, *, interval: float = 0.1) -> T:
    """Poll `probe` until it returns something truthy (and return that); raise after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = probe()
            if result:
                return result
        except (OSError, ValueError) as exc:  # not up yet, connection refused, half-written JSON
            last_error = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise HarnessError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(interval)


def http_get_json(url: str, timeout: float = 2.0) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


def http_ready(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=1.0) as response:
        return bool(response.status == 200)


# --- the webhook -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notification:
    """One webhook delivery: the receiver (from the path) and Alertmanager's JSON payload."""

    receiver: str
    payload: dict[str, Any]
    received_at: float

    @property
    def alerts(self) -> list[dict[str, Any]]:
        return list(self.payload.get("alerts", []))


class Webhook:
    """A threaded HTTP server on a loopback port that records every POST under /hook/<receiver>."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notifications: list[Notification] = []
        webhook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path = urllib.parse.urlsplit(self.path).path
                if path.startswith(HOOK_PATH):
                    receiver = urllib.parse.unquote(path[len(HOOK_PATH) :])
                    with webhook._lock:
                        webhook._notifications.append(Notification(receiver, json.loads(body), time.monotonic()))
                    self.send_response(200)
                else:
                    self.send_response(404)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # quiet: the test prints what it needs
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url_for(self, receiver: str) -> str:
        return f"{self.base_url}{HOOK_PATH}{urllib.parse.quote(receiver, safe='')}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for a serve_forever loop that must be running
            self._server.shutdown()
            self._thread.join(timeout=STOP_TIMEOUT_S)
        self._server.server_close()

    @property
    def notifications(self) -> list[Notification]:
        with self._lock:
            return list(self._notifications)

    def summary(self) -> str:
        lines = []
        for n in self.notifications:
            alerts = ", ".join(
                f"{a.get('status')}:{a.get('labels', {}).get('alertname')}{sorted(a.get('labels', {}).items())}"
                for a in n.alerts
            )
            lines.append(f"  {n.receiver}: {n.payload.get('status')} [{alerts}]")
        return "\n".join(lines) or "  (none)"


# --- the services ----------------------------------------------------------------------------------------


@dataclass
class Service:
    name: str
    argv: list[str]
    log: Path
    url: str
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT_S) -> None:
        def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise HarnessError(f"{self.name} exited with {self.process.returncode} before it was ready")
            return http_ready(f"{self.url}/-/ready")

        wait_for(f"{self.name} to be ready", ready, timeout)

    def stop(self) -> None:
        """terminate → wait → kill, by this service's own pid."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_TIMEOUT_S)

    def log_tail(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-LOG_TAIL_CHARS:]


# --- the generated configs, adapted to the test --------------------------------------------------------------


def _has_integrations(receiver: Mapping[str, Any]) -> bool:
    return any(key.endswith("_configs") and value for key, value in receiver.items())


def _fast_route(route: Mapping[str, Any], *, root: bool) -> dict[str, Any]:
    fast = dict(route)
    if root or "group_wait" in fast:
        fast["group_wait"] = GROUP_WAIT
    if root or "group_interval" in fast:
        fast["group_interval"] = GROUP_INTERVAL
    if root or "repeat_interval" in fast:
        fast["repeat_interval"] = REPEAT_INTERVAL
    if "routes" in fast:
        fast["routes"] = [_fast_route(child, root=False) for child in fast["routes"]]
    return fast


def alertmanager_for_test(config: Mapping[str, Any], webhook: Webhook) -> dict[str, Any]:
    """The generated config with its routes, receivers' names and inhibitions kept as they are.

    A receiver with integrations becomes one webhook to the recorder at /hook/<its name>; one without stays
    without (a route to it notifies nobody, in the test as in production). Global settings and templates
    only shape the integrations that were replaced, so only `resolve_timeout` is kept of them.
    """
    out = {key: value for key, value in config.items() if key not in {"global", "templates", "receivers", "route"}}
    resolve_timeout = dict(config.get("global") or {}).get("resolve_timeout")
    if resolve_timeout is not None:
        out["global"] = {"resolve_timeout": resolve_timeout}
    out["route"] = _fast_route(config["route"], root=True)
    out["receivers"] = [
        {"name": r["name"], "webhook_configs": [{"url": webhook.url_for(r["name"]), "send_resolved": True}]}
        if _has_integrations(r)
        else {"name": r["name"]}
        for r in config.get("receivers", [])
    ]
    return out


def receivers_with_integrations(config: Mapping[str, Any]) -> set[str]:
    return {r["name"] for r in config.get("receivers", []) if _has_integrations(r)}


def prometheus_config(
    *, external_labels: Mapping[str, str], pushgateway: str, alertmanager: str, rule_file: Path
) -> dict[str, Any]:
    return {
        "global": {
            "scrape_interval": INTERVAL,
            "scrape_timeout": INTERVAL,
            "evaluation_interval": INTERVAL,
            "external_labels": dict(external_labels),
        },
        "rule_files": [str(rule_file)],
        "alerting": {"alertmanagers": [{"api_version": "v2", "static_configs": [{"targets": [alertmanager]}]}]},
        # honor_labels: the pushed job/instance labels are the series' own (as the chart's ServiceMonitor does).
        "scrape_configs": [
            {"job_name": "pushgateway", "honor_labels": True, "static_configs": [{"targets": [pushgateway]}]}
        ],
    }


# --- the pipeline ------------------------------------------------------------------------------------------


@dataclass
class AlertingPipeline:
    """The running services; built by `alerting_pipeline`."""

    root: Path
    pushgateway: Service
    prometheus: Service
    alertmanager: Service
    webhook: Webhook
    alertmanager_config: dict[str, Any]  # as the test runs it
    external_labels: dict[str, str]
    services: list[Service] = field(default_factory=list)

    @property
    def pushgateway_url(self) -> str:
        return self.pushgateway.url

    def push(self, job: str, grouping: Mapping[str, str], exposition: str) -> None:
        """PUT a group of series to the Pushgateway (replacing the group), text exposition format."""
        path = "".join(f"/{k}/{urllib.parse.quote(v, safe='')}" for k, v in grouping.items())
        request = urllib.request.Request(
            f"{self.pushgateway.url}/metrics/job/{urllib.parse.quote(job, safe='')}{path}",
            data=exposition.encode(),
            method="PUT",
            headers={"Content-Type": "text/plain; version=0.0.4"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            if response.status not in (200, 202):
                raise HarnessError(f"push to the Pushgateway answered {response.status}")

    def query(self, promql: str) -> list[dict[str, Any]]:
        url = f"{self.prometheus.url}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"
        answer = http_get_json(url)
        if answer.get("status") != "success":
            raise HarnessError(f"query {promql!r} failed: {answer}")
        return list(answer["data"]["result"])

    def prometheus_alerts(self) -> list[dict[str, Any]]:
        """Prometheus's active alerts (pending and firing), labels without the external labels."""
        return list(http_get_json(f"{self.prometheus.url}/api/v1/alerts")["data"]["alerts"])

    def routed_receivers(self, labels: Mapping[str, str]) -> list[str]:
        """The receivers the run config's route tree picks for `labels` (amtool's own matcher)."""
        result = subprocess.run(
            [
                require("amtool"),
                "config",
                "routes",
                "test",
                f"--config.file={self.root / 'alertmanager.yml'}",
                *(f"{k}={v}" for k, v in sorted(labels.items())),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        if result.returncode != 0:
            raise HarnessError(f"amtool config routes test failed: {result.stderr}")
        return [name for name in result.stdout.strip().split(",") if name]

    def diagnostics(self) -> str:
        parts = [f"--- {s.name} log ({s.log}) ---\n{s.log_tail()}" for s in self.services]
        parts.append(f"--- webhook notifications ---\n{self.webhook.summary()}")
        with contextlib.suppress(OSError, ValueError, HarnessError):
            parts.append(f"--- prometheus alerts ---\n{json.dumps(self.prometheus_alerts(), indent=1)}")
        return "\n".join(parts)

    @contextlib.contextmanager
    def logs_on_failure(self) -> Iterator[None]:
        """Re-raise a failed assertion with the services' logs and the notifications appended."""
        try:
            yield
        except HarnessError:
            raise
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.diagnostics()}") from None

    def wait(self, what: str, probe: Callable[[], T], timeout: float) -> T:
        """wait_for with the services' logs and the notifications in the failure message."""
        try:
            return wait_for(what, probe, timeout)
        except HarnessError as exc:
            raise HarnessError(f"{exc}\n{self.diagnostics()}") from None


@contextlib.contextmanager
def alerting_pipeline(
    root: Path,
    *,
    rule_groups: Sequence[Mapping[str, Any]],
    alertmanager_config: Mapping[str, Any],
    external_labels: Mapping[str, str],
) -> Iterator[AlertingPipeline]:
    """Start Pushgateway, webhook, Alertmanager and Prometheus under `root`; stop them all on exit."""
    root.mkdir(parents=True, exist_ok=True)
    binaries = {name: require(name) for name in ("pushgateway", "prometheus", "alertmanager", "promtool", "amtool")}
    webhook = Webhook()
    run_config = alertmanager_for_test(alertmanager_config, webhook)
    (root / "alertmanager.yml").write_text(yaml.safe_dump(run_config, sort_keys=False))
    rule_file = root / "rules.yml"
    rule_file.write_text(yaml.safe_dump({"groups": [dict(g) for g in rule_groups]}, sort_keys=False))

    ports = {name: free_port() for name in ("pushgateway", "alertmanager", "prometheus")}
    addr = {name: f"127.0.0.1:{port}" for name, port in ports.items()}
    (root / "prometheus.yml").write_text(
        yaml.safe_dump(
            prometheus_config(
                external_labels=external_labels,
                pushgateway=addr["pushgateway"],
                alertmanager=addr["alertmanager"],
                rule_file=rule_file,
            ),
            sort_keys=False,
        )
    )
    pushgateway = Service(
        "pushgateway",
        [
            binaries["pushgateway"],
            f"--web.listen-address={addr['pushgateway']}",
            f"--persistence.file={root / 'pushgateway.store'}",
        ],
        root / "pushgateway.log",
        f"http://{addr['pushgateway']}",
    )
    alertmanager = Service(
        "alertmanager",
        [
            binaries["alertmanager"],
            f"--config.file={root / 'alertmanager.yml'}",
            f"--storage.path={root / 'alertmanager-data'}",
            f"--web.listen-address={addr['alertmanager']}",
            "--cluster.listen-address=",  # no gossip: a single instance that is ready at once
        ],
        root / "alertmanager.log",
        f"http://{addr['alertmanager']}",
    )
    prometheus = Service(
        "prometheus",
        [
            binaries["prometheus"],
            f"--config.file={root / 'prometheus.yml'}",
            f"--storage.tsdb.path={root / 'prometheus-data'}",
            f"--web.listen-address={addr['prometheus']}",
            "--rules.alert.resend-delay=1s",
        ],
        root / "prometheus.log",
        f"http://{addr['prometheus']}",
    )
    pipeline = AlertingPipeline(
        root=root,
        pushgateway=pushgateway,
        prometheus=prometheus,
        alertmanager=alertmanager,
        webhook=webhook,
        alertmanager_config=run_config,
        external_labels=dict(external_labels),
    )
    # Check both inputs first: a generator's invalid output is reported as such, not as a startup timeout.
    for argv in (
        [binaries["promtool"], "check", "rules", str(rule_file)],
        [binaries["amtool"], "check-config", str(root / "alertmanager.yml")],
    ):
        check = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=30)
        if check.returncode != 0:
            raise HarnessError(f"{' '.join(argv)} failed:\n{check.stdout}{check.stderr}")
    webhook.start()
    try:
        for service in (pushgateway, alertmanager, prometheus):
            pipeline.services.append(service)
            service.start()
        for service in pipeline.services:
            try:
                service.wait_ready()
            except HarnessError as exc:
                raise HarnessError(f"{exc}\n{pipeline.diagnostics()}") from None
        # Prometheus is ready before its first scrape: wait until the Pushgateway target is up.
        pipeline.wait(
            "Prometheus to scrape the Pushgateway",
            lambda: any(s["value"][1] == "1" for s in pipeline.query('up{job="pushgateway"}')),
            STARTUP_TIMEOUT_S,
        )
        yield pipeline
    finally:
        for service in reversed(pipeline.services):
            service.stop()
        webhook.stop()
