"""checkov findings: its checks on the rendered manifests, the repository's Dockerfiles and workflows, and the plan.

One checkov process per gate run (policies/gate/checkov/runner.py), started by `start()` once the manifests
are written (the plan's AWS resources are converted and written here) and collected by `collect()` after the
Rego source ran. Failed checks become findings with our severity and controls (policies/checkov/mapping/);
checks the table does not adopt become info notes with the table's reason; inline skips become failing
findings that only a waiver accepts; ids missing from the table get the default severity and are listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from policies.gate.catalog import CHECKOV_NOT_RUN, ENGINE_ERROR, gate_finding, gate_rules
from policies.gate.checkov.mapping import CheckovMapping, CheckovRule, MappingError, checkov_mapping
from policies.gate.checkov.registry import RegistryError, known_terraform_types
from policies.gate.checkov.runner import CheckovError, CheckovProcess, CheckovReport, CheckResult
from policies.gate.checkov.settings import CheckovSettings, CheckovSettingsError, checkov_settings
from policies.gate.checkov.targets import WorkspaceError, dockerfiles, workflows
from policies.gate.checkov.terraform_plan import TerraformPlan, to_terraform_plan
from policies.gate.findings import Finding, Location, ResourceRef, RuleInfo
from policies.gate.inputs.manifests import display_path
from policies.gate.locations import Locate
from policies.gate.sources.base import SourceResult
from policies.gate.subject import CloudResource, GateSubject, KubeObject

TFPLAN_FILE = "tfplan.json"
DOCKERFILE_TYPE = "dockerfile"
WORKFLOW_TYPE = "workflow"
SUPPRESSED_MESSAGE = "suppressed inline: {reason}; a waiver in policies/waivers.yaml is required"
REMEDIATION_FALLBACK = "See the checkov documentation for {check_id}"
DETAILS_KEY = "checkov"
ENGINE_NAME = "checkov"


class CheckovSource:
    """A FindingSource whose work runs in the background between `start()` and `collect()`."""

    name = ENGINE_NAME

    def __init__(
        self,
        out: Path,
        repo_root: Path,
        *,
        locate: Locate | None = None,
        manifest_files: Mapping[Path, KubeObject] | None = None,
        settings: CheckovSettings | None = None,
        mapping: CheckovMapping | None = None,
    ) -> None:
        self.out = out
        self.repo_root = repo_root
        self.locate = locate
        self.manifest_files = dict(manifest_files or {})
        self._given = (settings, mapping)
        # Read in start(): a malformed table or settings file is an engine error naming it, not a traceback.
        self.settings: CheckovSettings | None = None
        self.mapping = CheckovMapping(rules={}, default_severity="")
        self._subject: GateSubject | None = None
        self._plan: TerraformPlan | None = None
        self._process: CheckovProcess | None = None
        self._files: dict[str, list[Path]] = {}
        self._setup_error: str | None = None

    def run(self, subject: GateSubject) -> SourceResult:
        self.start(subject)
        return self.collect()

    def start(self, subject: GateSubject) -> None:
        self._subject = subject
        try:
            self.settings = self._given[0] or checkov_settings()
            self.mapping = self._given[1] or checkov_mapping()
        except (CheckovSettingsError, MappingError, OSError, yaml.YAMLError) as error:
            self._setup_error = f"checkov settings or mapping table unreadable: {error}"
            return
        try:
            self._files = self._targets(subject, self.settings)
        except (RegistryError, WorkspaceError, OSError, ValueError) as error:
            self._setup_error = f"checkov targets could not be prepared: {error}"
            return
        files = [path for paths in self._files.values() for path in paths]
        target = self.settings.target_of
        required = [*self._files[target("dockerfile")], *self._files[target("github_actions")]]
        if self._plan is not None and self._plan.addresses:
            required += self._files[target("terraform_plan")]
        work_dir = self.out / self.settings.work_directory
        self._process = CheckovProcess(files, work_dir, self.repo_root, self.settings, required=required)
        self._process.start()

    def cancel(self) -> None:
        """Stop a started checkov (the gate failed before collecting it)."""
        if self._process is not None:
            self._process.cancel()

    def collect(self) -> SourceResult:
        if self._subject is None:
            raise RuntimeError("CheckovSource.collect() before start()")
        if self._setup_error is not None or self._process is None:
            return self._failed(self._setup_error or "checkov was not started")
        try:
            report = self._process.collect()
        except CheckovError as error:
            return self._failed(str(error))
        return self._result(report, self._subject)

    # -- targets -------------------------------------------------------------------------------------------------

    def _targets(self, subject: GateSubject, settings: CheckovSettings) -> dict[str, list[Path]]:
        target = settings.target_of
        files: dict[str, list[Path]] = {target(framework): [] for framework in settings.frameworks}
        if subject.input_kind == "plan":
            files[target("kubernetes")] = sorted(self.manifest_files)
            tfplan = self.out / settings.work_directory / TFPLAN_FILE
            files[target("terraform_plan")] = [self._write_terraform_plan(subject.resources, tfplan)]
        else:
            files[target("kubernetes")] = sorted(set(subject.input_files))
        files[target("dockerfile")] = dockerfiles(self.repo_root, settings)
        files[target("github_actions")] = workflows(self.repo_root, settings)
        return files

    def _write_terraform_plan(self, resources: Sequence[CloudResource], path: Path) -> Path:
        self._plan = to_terraform_plan(resources, known_terraform_types())
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self._plan.document, indent=1), encoding="utf-8")
        return path

    # -- results -------------------------------------------------------------------------------------------------

    def _failed(self, message: str) -> SourceResult:
        """An engine error carrying every control the table maps, so none of them reads as passing."""
        controls = sorted({c for rule in self.mapping.rules.values() if rule.adopted for c in rule.controls})
        finding = gate_finding(ENGINE_ERROR, f"checkov: {message}", controls=tuple(controls))
        return SourceResult(
            rules=[gate_rules()[ENGINE_ERROR]],
            findings=[finding],
            details={DETAILS_KEY: {"ran": False, "error": message, **self._base_details()}},
        )

    def _result(self, report: CheckovReport, subject: GateSubject) -> SourceResult:
        resolver = _Resolver(subject, self.manifest_files, self._plan, self.locate, self.repo_root)
        rules: dict[str, RuleInfo] = {}
        findings: list[Finding] = []
        for check in report.results:
            rule = self.mapping.rule(check.check_id)
            rules.setdefault(check.check_id, _rule_info(check, rule))
            if check.status != "passed":
                findings.append(_finding(check, rule, resolver))
        unmapped = sorted({c.check_id for c in report.results if not self.mapping.rule(c.check_id).mapped})
        details = {
            "ran": True,
            "version": report.version,
            "seconds": round(report.seconds, 3),
            "targets": self._counts(report.results),
            "unmapped": unmapped,
            **self._base_details(),
        }
        return SourceResult(
            rules=list(rules.values()),
            findings=findings,
            tools={ENGINE_NAME: report.version},
            details={DETAILS_KEY: details},
        )

    def _base_details(self) -> dict[str, Any]:
        unconverted = self._plan.unconverted if self._plan else {}
        return {"unconverted": {kind: list(urns) for kind, urns in sorted(unconverted.items())}}

    def _counts(self, results: Iterable[CheckResult]) -> dict[str, dict[str, int]]:
        targets = self.settings.targets.values() if self.settings else ()
        counts = {
            target: {"files": len(self._files.get(target, [])), "resources": 0, "passed": 0, "failed": 0, "skipped": 0}
            for target in targets
        }
        resources: dict[str, set[tuple[str, str]]] = {target: set() for target in counts}
        for check in results:
            row = counts.setdefault(check.target, {"files": 0, "resources": 0, "passed": 0, "failed": 0, "skipped": 0})
            row[check.status] += 1
            resources.setdefault(check.target, set()).add((check.file, check.resource))
        for target, seen in resources.items():
            counts[target]["resources"] = len(seen)
        return counts


def not_run_result() -> SourceResult:
    """--no-checkov: every check the table adopts is listed as not evaluated, so controls only checkov serves read
    `not-evaluated` (never pass), and a note says checkov did not run."""
    mapping = checkov_mapping()
    rules = [
        RuleInfo(
            policy_id=rule.check_id,
            engine="checkov",
            title=f"checkov {rule.check_id} (not run: --no-checkov)",
            description="checkov was switched off for this run (--no-checkov); this check was not evaluated.",
            severity=rule.severity,
            controls=rule.controls,
            remediation=REMEDIATION_FALLBACK.format(check_id=rule.check_id),
            config_keys=rule.config_keys,
            evaluated=False,
        )
        for rule in mapping.rules.values()
        if rule.adopted
    ]
    note = gate_finding(CHECKOV_NOT_RUN, "checkov was not run (--no-checkov): its checks were not evaluated")
    return SourceResult(
        rules=[*rules, gate_rules()[CHECKOV_NOT_RUN]],
        findings=[note],
        details={DETAILS_KEY: {"ran": False, "error": None, "unconverted": {}}},
    )


def _rule_info(check: CheckResult, rule: CheckovRule) -> RuleInfo:
    description = f"checkov {check.framework} check {check.check_id}: {check.check_name}."
    if not rule.adopted:
        description += f" Not enforced here: {rule.reason}"
    elif not rule.mapped:
        description += " Not in our mapping table (policies/checkov/mapping/): default severity, no controls."
    return RuleInfo(
        policy_id=check.check_id,
        engine="checkov",
        title=check.check_name,
        description=description,
        severity=rule.severity,
        # A check we do not adopt serves no control: its silence must not make a control pass.
        controls=rule.controls if rule.adopted else (),
        remediation=check.guideline or REMEDIATION_FALLBACK.format(check_id=check.check_id),
        config_keys=rule.config_keys,
    )


def _finding(check: CheckResult, rule: CheckovRule, resolver: _Resolver) -> Finding:
    resource, location = resolver.resolve(check, rule.config_keys)
    message = check.check_name
    if check.status == "skipped":
        message += ": " + SUPPRESSED_MESSAGE.format(reason=check.suppress_comment or "no reason given")
    if not rule.adopted:
        message += f" (not enforced: {rule.reason})"
    return Finding(
        policy_id=check.check_id,
        engine="checkov",
        severity=rule.severity,
        controls=rule.controls,
        resource=resource,
        message=message,
        status="fail" if rule.adopted else "info",
        location=location,
    )


class _Resolver:
    """checkov's resource ids → the gate's resources (URN, Kubernetes object, file) and locations."""

    def __init__(
        self,
        subject: GateSubject,
        manifest_files: Mapping[Path, KubeObject],
        plan: TerraformPlan | None,
        locate: Locate | None,
        repo_root: Path,
    ) -> None:
        self.repo_root = repo_root
        self.locate = locate
        self.addresses = plan.addresses if plan else {}
        self.by_urn = {resource.urn: resource for resource in subject.resources}
        # Objects per file: one per rendered file for a plan; a given manifest file may hold several.
        self.objects: dict[str, list[KubeObject]] = {}
        for path, obj in manifest_files.items():
            self.objects.setdefault(display_path(path, repo_root), []).append(obj)
        if subject.input_kind == "manifests":
            for obj in subject.objects:
                self.objects.setdefault(obj.location.file, []).append(obj)

    def resolve(self, check: CheckResult, config_keys: tuple[str, ...] = ()) -> tuple[ResourceRef, Location]:
        here = Location(check.file, max(check.lines[0], 1))
        if check.framework == "kubernetes":
            return self._object(check, here, config_keys)
        if check.framework == "terraform_plan":
            return self._cloud(check, here, config_keys)
        if check.framework == "dockerfile":
            instruction = check.resource.rsplit(".", 1)[-1] if "." in check.resource else ""
            name = f"{check.file}:{instruction}" if instruction else check.file
            return ResourceRef(type=DOCKERFILE_TYPE, kind="Dockerfile", name=name), here
        name = f"{check.file}:{check.job}" if check.job else check.file
        return ResourceRef(type=WORKFLOW_TYPE, kind="Workflow", name=name), here

    def _object(self, check: CheckResult, here: Location, config_keys: tuple[str, ...]) -> tuple[ResourceRef, Location]:
        kind, namespace, name = _kube_id(check.resource)
        for obj in self.objects.get(check.file, []):
            if obj.kind == kind and obj.name == name and (obj.namespace or "default") == namespace:
                rendered_from = self.by_urn.get(obj.urn or "")
                if rendered_from is not None and self.locate is not None and config_keys:
                    return obj.ref, self.locate(rendered_from, config_keys)
                return obj.ref, obj.location
        return ResourceRef(type=kind, kind=kind, namespace=namespace, name=name), here

    def _cloud(self, check: CheckResult, here: Location, config_keys: tuple[str, ...]) -> tuple[ResourceRef, Location]:
        resource = self.by_urn.get(self.addresses.get(check.resource, ""))
        if resource is None:
            return ResourceRef(type=check.resource.split(".", 1)[0], name=check.resource), here
        location = self.locate(resource, config_keys) if self.locate else resource.source_position
        return resource.ref, location or here


def _kube_id(resource: str) -> tuple[str, str, str]:
    """`Kind.namespace.name` (names may hold dots; kinds and namespaces never do)."""
    parts = resource.split(".", 2)
    if len(parts) < 3:
        return resource, "default", resource
    return parts[0], parts[1], parts[2]
