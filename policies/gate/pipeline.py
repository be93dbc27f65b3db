"""The gate's data flow: input → subject → sources → findings → waivers → verdict (reports are written by the CLI)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

from policies.gate.baseline import Baseline, compare, load_baseline
from policies.gate.catalog import ENGINE_ERROR, HELM_NOT_RENDERED, gate_finding, gate_rules
from policies.gate.findings import Finding, Location, RuleInfo
from policies.gate.hashing import sha256_file, sha256_files
from policies.gate.image_scan_policy import IMAGE_SCAN_INPUT, split_waivers
from policies.gate.inputs.image_scan import load_image_scan_subject
from policies.gate.inputs.manifests import display_path, read_manifests
from policies.gate.inputs.plan import load_plan
from policies.gate.locations import Locate, StackFileLocator, source_or
from policies.gate.opaque import opaque_findings, opaque_object_findings, weigh
from policies.gate.render import HELM_RELEASE_TYPES, render_objects, write_manifests
from policies.gate.scope import is_platform_plan
from policies.gate.settings import Overrides, enforce_fail_on_floor, resolve_settings
from policies.gate.sources.base import FindingSource, SourceResult
from policies.gate.sources.checkov import CheckovSource, not_run_result
from policies.gate.sources.image_scan import ImageScanSource
from policies.gate.sources.rego import RegoSource
from policies.gate.sources.schema import SchemaSource
from policies.gate.subject import CloudResource, GateSubject
from policies.gate.verdict import Verdict, decide
from policies.gate.waivers import WaiverOutcome, apply_waivers, load_waivers

DEFAULT_PACKS = Path(__file__).resolve().parent.parent / "packs"
DEFAULT_WAIVERS = Path("policies/waivers.yaml")


@dataclass(frozen=True)
class GateOptions:
    out: Path
    plan: Path | None = None
    manifests: Path | None = None
    image_scan: Path | None = None  # a Trivy JSON report of `image`
    image: str | None = None
    overrides: Overrides = field(default_factory=Overrides)
    engine: str | None = None
    waivers: Path | None = None  # None: the default file, if it exists
    packs_root: Path = DEFAULT_PACKS
    today: dt.date = field(default_factory=dt.date.today)
    allow_unknown: bool = False
    repo_root: Path = field(default_factory=Path.cwd)
    checkov: bool = True  # False (--no-checkov) only for debugging: checkov's controls read not-evaluated
    baseline: Path | None = None  # an earlier run's report.json (the merge base's): findings new/unchanged/absent
    fail_on_existing: bool = False  # with a baseline: unchanged findings block too, not only new ones


@dataclass
class GateResult:
    subject: GateSubject
    rules: dict[str, RuleInfo]
    findings: list[Finding]
    waivers: WaiverOutcome
    verdict: Verdict
    tools: dict[str, str]
    hashes: dict[str, Any]
    details: dict[str, Any]
    timings: dict[str, float]
    options: GateOptions
    manifests_written: list[Path] = field(default_factory=list)
    generated_at: str = ""
    # With --baseline: the baseline's findings this run no longer has (baseline state `absent`), never blocking.
    absent: list[Finding] = field(default_factory=list)
    # The input itself is invalid (a stack config the loader refuses): reported as findings, and still exit 2.
    input_invalid: bool = False

    @property
    def exit_code(self) -> int:
        """2 when the input or the waiver file is malformed (bad input), else the verdict's 0 or 1."""
        return 2 if self.waivers.malformed or self.input_invalid else self.verdict.exit_code

    def shown(self, path: Path) -> str:
        return display_path(path, self.options.repo_root)


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def run_gate(options: GateOptions, extra_sources: Sequence[FindingSource] = ()) -> GateResult:
    """Evaluate one input. Raises GateInputError for input the gate cannot assess (exit 2)."""
    watch = _Stopwatch()
    written: list[Path] = []
    with watch.stage("load"):
        subject, locate = _load_subject(options)
        # Read early: a missing --waivers file is bad input, found before the expensive stages.
        waiver_file = load_waivers(
            options.waivers or options.repo_root / DEFAULT_WAIVERS, required=options.waivers is not None
        )
        # Before evaluation: a threshold below the environment's floor without an exception is exit 2.
        fail_on_exception = enforce_fail_on_floor(
            subject.settings,
            source=subject.input_path,
            from_command_line=options.overrides.fail_on is not None,
            exceptions=waiver_file.exceptions,
            today=options.today,
        )
        baseline = _load_baseline(options, subject)
    if subject.input_kind == "plan":
        with watch.stage("render"):
            written = write_manifests(subject.objects, options.out / "manifests")
    checkov: CheckovSource | None = None
    if options.checkov and subject.input_kind != IMAGE_SCAN_INPUT:  # an image scan has nothing checkov reads
        with watch.stage("checkov-start"):
            # Started now and collected after the other sources, so checkov's process overlaps with Rego.
            checkov = CheckovSource(
                options.out,
                options.repo_root,
                locate=locate,
                # write_manifests writes one file per object, in order: a file names its object unambiguously.
                manifest_files=dict(zip(written, subject.objects, strict=True)) if subject.input_kind == "plan" else {},
            )
            checkov.start(subject)
    sources: list[tuple[str, FindingSource]] = [
        ("validate", SchemaSource()),
        ("rego", RegoSource(options.packs_root, options.engine, locate=locate, repo_root=options.repo_root)),
        *((source.name, source) for source in extra_sources),
    ]
    if subject.input_kind == IMAGE_SCAN_INPUT:
        # An image scan holds no resources or objects: only its own findings, judged like any other.
        sources = [(ImageScanSource.name, ImageScanSource(options.repo_root))]
    results: list[SourceResult] = []
    try:
        for stage, source in sources:
            with watch.stage(stage):
                results.append(source.run(subject))
    except BaseException:
        if checkov is not None:
            checkov.cancel()  # never leave a checkov process running behind a failed gate
        raise
    if subject.input_kind != IMAGE_SCAN_INPUT:
        with watch.stage("checkov"):
            results.append(checkov.collect() if checkov is not None else not_run_result())
    with watch.stage("verdict"):
        rules: dict[str, RuleInfo] = {}
        findings: list[Finding] = _helm_release_notes(subject, locate)
        if findings:
            rules[HELM_NOT_RENDERED] = gate_rules()[HELM_NOT_RENDERED]
        opaque = opaque_findings(subject.resources, locate) + opaque_object_findings(subject.objects)
        rules.update({f.policy_id: gate_rules()[f.policy_id] for f in opaque})
        findings.extend(opaque)
        tools = base_tools()
        details: dict[str, Any] = {}
        policy_files: dict[str, str] = {}
        for result in results:
            rules.update({rule.policy_id: rule for rule in result.rules})
            findings.extend(result.findings)
            tools.update(result.tools)
            details.update(result.details)
            policy_files.update(result.policy_files)
        findings = _with_code_location(_with_default_location(findings, subject, options, rules), subject)
        findings = sorted(findings, key=Finding.sort_key)
        # What the gate cannot see into blocks or warns by environment (data/opaque.yaml).
        findings, rules = weigh(findings, rules, subject.settings.environment)
        engines_failed = any(f.policy_id == ENGINE_ERROR for f in findings)
        applicable, other_inputs = split_waivers(waiver_file, subject.input_kind)
        findings, waiver_outcome = apply_waivers(
            findings,
            applicable,
            today=options.today,
            stack=subject.settings.stack,
            known_policies=None if engines_failed else set(rules),
        )
        waiver_outcome.out_of_scope.extend(other_inputs)
        waiver_outcome.exceptions_applied = [fail_on_exception] if fail_on_exception else []
        absent: list[Finding] = []
        if baseline is not None:
            comparison = compare(findings, baseline)
            findings, absent = comparison.findings, comparison.absent
        verdict = decide(
            findings,
            rules.values(),
            subject.settings.fail_on,
            allow_unknown=options.allow_unknown,
            fail_on_existing=options.fail_on_existing,
        )
    hashes = {
        "policies": dict(sorted(policy_files.items())),
        "input": {"path": display_path(subject.input_path, options.repo_root), "sha256": _input_hash(subject)},
        "waivers": (
            {"path": display_path(waiver_file.path, options.repo_root), "sha256": sha256_file(waiver_file.path)}
            if waiver_file.path
            else None
        ),
    }
    return GateResult(
        subject=subject,
        rules=dict(sorted(rules.items())),
        findings=findings,
        waivers=waiver_outcome,
        verdict=verdict,
        tools=tools,
        hashes=hashes,
        details=details,
        timings=watch.timings,
        options=options,
        manifests_written=written,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        absent=absent,
    )


def _load_baseline(options: GateOptions, subject: GateSubject) -> Baseline | None:
    """Read before the expensive stages: a bad --baseline, or one of another stack, is exit 2 at once."""
    if options.baseline is None:
        return None
    baseline = load_baseline(options.baseline, display_path(options.baseline, options.repo_root))
    baseline.check_applies(input_kind=subject.input_kind, stack=subject.settings.stack)
    return baseline


def _load_subject(options: GateOptions) -> tuple[GateSubject, Locate]:
    if options.image_scan is not None:
        if not options.image:
            raise ValueError("GateOptions needs the image reference of an image scan")
        subject = load_image_scan_subject(options.image_scan, options.image, options.overrides, options.repo_root)
        shown = display_path(options.image_scan, options.repo_root)
        return subject, _fixed(Location(shown, 1))
    if options.plan is not None:
        plan = load_plan(options.plan)
        settings = resolve_settings(
            source=options.plan,
            config=plan.config,
            stack=plan.stack,
            overrides=options.overrides,
            repo_root=options.repo_root,
            ours=is_platform_plan(plan.resources),
        )
        locate = _plan_locator(settings.stack_file, options)
        objects, _ = render_objects(plan.resources, locate)
        subject = GateSubject(
            input_kind="plan",
            input_path=options.plan,
            input_files=[options.plan],
            settings=settings,
            resources=plan.resources,
            objects=objects,
        )
        return subject, locate
    if options.manifests is None:
        raise ValueError("GateOptions needs a plan or a manifests directory")
    found = read_manifests(options.manifests, options.repo_root)
    settings = resolve_settings(
        source=options.manifests, config={}, stack=None, overrides=options.overrides, repo_root=options.repo_root
    )
    subject = GateSubject(
        input_kind="manifests",
        input_path=options.manifests,
        input_files=found.files,
        settings=settings,
        objects=found.objects,
        skipped=found.skipped,
        hidden=found.hidden,
    )
    shown = display_path(options.manifests, options.repo_root)
    return subject, source_or(Location(shown, 1))


def _plan_locator(stack_file: Path | None, options: GateOptions) -> Locate:
    if stack_file is not None:
        return StackFileLocator(stack_file, display_path(stack_file, options.repo_root)).locate
    plan_shown = display_path(options.plan, options.repo_root) if options.plan else "plan.json"
    return source_or(Location(plan_shown, 1))


def _fixed(location: Location) -> Locate:
    def locate(resource: CloudResource, config_keys: Sequence[str] = (), /) -> Location:
        return location

    return locate


def _helm_release_notes(subject: GateSubject, locate: Locate) -> list[Finding]:
    notes: list[Finding] = []
    for release in (r for r in subject.resources if r.type in HELM_RELEASE_TYPES):
        chart = release.inputs.get("chart", "?")
        version = release.inputs.get("version", "?")
        notes.append(
            gate_finding(
                HELM_NOT_RENDERED,
                f"Helm release {release.name} (chart {chart} {version}): objects it installs are not rendered offline",
                resource=release.ref,
                location=locate(release),
            )
        )
    return notes


def _with_default_location(
    findings: list[Finding], subject: GateSubject, options: GateOptions, rules: dict[str, RuleInfo]
) -> list[Finding]:
    """Findings about the stack as a whole (or an engine) point at the stack file (at the line of the rule's
    config keys when it has some), else at the input."""
    stack_file = subject.settings.stack_file
    shown = display_path(stack_file or subject.input_path, options.repo_root)
    locator = StackFileLocator(stack_file, shown) if stack_file is not None else None

    def default(finding: Finding) -> Location:
        rule = rules.get(finding.policy_id)
        line = locator.key_line(rule.config_keys) if locator is not None and rule is not None else None
        return Location(shown, line or 1)

    return [f if f.location is not None else replace(f, location=default(f)) for f in findings]


def _with_code_location(findings: list[Finding], subject: GateSubject) -> list[Finding]:
    """Beside a primary location elsewhere (the stack line), where the program registers the resource."""
    positions = {r.urn: r.source_position for r in subject.resources if r.source_position is not None}
    placed: list[Finding] = []
    for finding in findings:
        code = positions.get(finding.resource.urn or "") if finding.resource is not None else None
        keep = finding.code_location is not None or code is None or code == finding.location
        placed.append(finding if keep else replace(finding, code_location=code))
    return placed


def _input_hash(subject: GateSubject) -> str:
    if subject.input_kind in ("plan", IMAGE_SCAN_INPUT):
        return sha256_file(subject.input_path)
    return sha256_files(subject.input_files, subject.input_path)


def base_tools() -> dict[str, str]:
    try:
        gate_version = package_version("ai-platform")
    except PackageNotFoundError:
        gate_version = "0+unknown"
    return {"ai-platform-gate": gate_version}
