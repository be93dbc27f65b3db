"""report.html as a browser lays it out: nothing wider than a 1280 px window, the blocking groups above the controls.

Headless Chromium loads a copy of the report with a probe script appended (the report itself has no scripts); the
probe measures the laid-out page and writes the figures into the DOM, which `--dump-dom` prints.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from gate_support import plan_document, step
from report_cases import gate_result, placed_plan

from policies.gate.pipeline import GateResult
from policies.gate.reports.html_report import html_report
from tests.binaries import require

WIDTH, HEIGHT = 1280, 900
# One unbroken 400-character name: the resource cell, the message and the URN must wrap it, not widen the page.
LONG_NAME = "bucket-" + "x" * 393

_PROBE = """<script>
(() => {
  const root = document.documentElement;
  const top = (el) => (el ? el.getBoundingClientRect().top + window.scrollY : null);
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
    .slice(0, 5)
    .map((el) => el.tagName + "." + el.className + ": " + el.textContent.slice(0, 80));
  const probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({
    innerWidth: window.innerWidth,
    clientWidth: root.clientWidth,
    scrollWidth: root.scrollWidth,
    firstBlockingGroup: top(document.querySelector(".group.blocking")),
    controls: top(document.getElementById("controls")),
    wide: wide,
  });
  document.body.appendChild(probe);
})();
</script>"""


def _measure(html: str, tmp_path: Path) -> dict[str, Any]:
    chromium = require("chromium")
    page = tmp_path / "report-probe.html"
    page.write_text(html.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    completed = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # tests run as root in CI containers, where the sandbox cannot start
            "--disable-gpu",
            f"--window-size={WIDTH},{HEIGHT}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    found = re.search(r'<pre id="probe">(.*?)</pre>', completed.stdout, re.S)
    assert found, f"chromium printed no probe (exit {completed.returncode}): {completed.stderr[-2000:]}"
    figures: dict[str, Any] = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert figures["innerWidth"] == WIDTH, figures  # else the page was not measured at the width under test
    return figures


@pytest.fixture(scope="module")
def blocking(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    document = placed_plan()
    document["steps"].append(step("aws:s3/bucket:Bucket", LONG_NAME, {"acl": "public-read"}))
    return gate_result(tmp_path_factory.mktemp("blocking"), document)


def test_a_blocking_report_fits_1280_px_and_opens_on_the_blocking_groups(blocking: GateResult, tmp_path: Path) -> None:
    assert blocking.verdict.blocking, "the case must block"
    figures = _measure(html_report(blocking), tmp_path)
    assert figures["scrollWidth"] <= figures["clientWidth"], f"wider than the page: {figures['wide']}"
    assert figures["firstBlockingGroup"] is not None and figures["controls"] is not None
    assert figures["firstBlockingGroup"] < figures["controls"], figures
    assert figures["firstBlockingGroup"] < HEIGHT, "the first blocking group is not on the first screen"


def test_a_passing_report_with_advisory_findings_fits_1280_px(tmp_path: Path) -> None:
    # No team tag: an advisory (warn) finding naming the long bucket, listed in an open group; nothing blocks.
    result = gate_result(tmp_path, plan_document(step("aws:s3/bucket:Bucket", LONG_NAME, {})))
    assert result.verdict.verdict == "pass"
    assert any(LONG_NAME in f.message for f in result.findings)
    figures = _measure(html_report(result), tmp_path)
    assert figures["scrollWidth"] <= figures["clientWidth"], f"wider than the page: {figures['wide']}"
    assert figures["firstBlockingGroup"] is None and figures["controls"] is not None
