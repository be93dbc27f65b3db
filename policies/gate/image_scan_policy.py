"""How the gate judges an image scan (policies/gate/data/image_scan.yaml): layouts, threshold, severities, rule."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import yaml

from policies.gate.findings import RuleInfo
from policies.gate.severity import BLOCKING_SEVERITIES, severity_scale
from policies.gate.subject import InputKind
from policies.gate.waivers import Waiver, WaiverFile

DATA_FILE = Path(__file__).parent / "data" / "image_scan.yaml"
IMAGE_SCAN_INPUT: InputKind = "image-scan"  # the subject's input_kind for an image scan


@dataclass(frozen=True)
class ImageScanPolicy:
    schema_versions: frozenset[int]
    fail_on: str
    severities: Mapping[str, str]  # Trivy's severity → the gate's
    rule: RuleInfo


@cache
def image_scan_policy() -> ImageScanPolicy:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    levels = set(severity_scale().names())
    severities = {str(trivy): str(gate) for trivy, gate in data["severities"].items()}
    unknown = sorted(f"{trivy}: {gate}" for trivy, gate in severities.items() if gate not in levels)
    if unknown:
        raise ValueError(f"{DATA_FILE}: severities {', '.join(unknown)} are not gate severities ({sorted(levels)})")
    fail_on = str(data["failOn"])
    if fail_on not in BLOCKING_SEVERITIES:
        raise ValueError(f"{DATA_FILE}: failOn {fail_on!r} is not one of {', '.join(BLOCKING_SEVERITIES)}")
    rule = data["rule"]
    return ImageScanPolicy(
        schema_versions=frozenset(int(v) for v in data["schemaVersions"]),
        fail_on=fail_on,
        severities=severities,
        rule=RuleInfo(
            policy_id=str(rule["policyId"]),
            engine="trivy",
            title=str(rule["title"]),
            description=" ".join(str(rule["description"]).split()),
            severity=str(rule["severity"]),
            controls=tuple(str(c) for c in rule["controls"]),
            remediation=" ".join(str(rule["remediation"]).split()),
        ),
    )


def split_waivers(waiver_file: WaiverFile, input_kind: str) -> tuple[WaiverFile, list[Waiver]]:
    """The waivers that can apply to this input kind, and the others (out of scope for this run).

    One waiver file serves every input: a waiver of an image vulnerability can match nothing in a plan or
    manifests run, and a waiver of a policy rule nothing in an image scan; there it is neither stale nor
    of an unknown policy (which would make the run exit 2), only out of scope.
    """
    image_rule = image_scan_policy().rule.policy_id
    wanted = input_kind == IMAGE_SCAN_INPUT
    own = [w for w in waiver_file.waivers if (w.policy == image_rule) == wanted]
    other = [w for w in waiver_file.waivers if (w.policy == image_rule) != wanted]
    return replace(waiver_file, waivers=own), other
