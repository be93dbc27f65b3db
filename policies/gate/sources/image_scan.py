"""Findings from an image scan: one per vulnerability Trivy reports, on the image, the package and the id.

The resource of a finding is `kind: ImageVulnerability`, `namespace: <the image reference>`,
`name: <package>/<vulnerability id>`, so a waiver selects one CVE in one package on one image by exact name
and namespace (a glob over image references is a wildcard waiver, with `scope: all` and a justification).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from policies.gate.findings import Finding, ResourceRef
from policies.gate.hashing import sha256_file
from policies.gate.image_scan_policy import DATA_FILE, image_scan_policy
from policies.gate.inputs.image_scan import ImageScan, Vulnerability
from policies.gate.inputs.manifests import display_path
from policies.gate.sources.base import SourceResult
from policies.gate.subject import GateSubject

RESOURCE_TYPE = "container-image"
RESOURCE_KIND = "ImageVulnerability"
TOOL_NAME = "trivy"
UNKNOWN_VERSION = "unknown (not in the report)"


class ImageScanSource:
    name = "image-scan"

    def __init__(self, repo_root: Path) -> None:
        self.repo_root = repo_root

    def run(self, subject: GateSubject) -> SourceResult:
        scan = subject.image_scan
        if scan is None:
            return SourceResult()
        policy = image_scan_policy()
        findings = sorted({_finding(scan, v) for v in scan.vulnerabilities}, key=Finding.sort_key)
        return SourceResult(
            rules=[policy.rule],
            findings=findings,
            tools={TOOL_NAME: scan.trivy_version or UNKNOWN_VERSION},
            policy_files={display_path(DATA_FILE, self.repo_root): sha256_file(DATA_FILE)},
            details={"imageScan": _summary(scan, findings)},
        )


def vulnerability_ref(image: str, vulnerability: Vulnerability) -> ResourceRef:
    return ResourceRef(
        type=RESOURCE_TYPE,
        kind=RESOURCE_KIND,
        namespace=image,
        name=f"{vulnerability.package}/{vulnerability.id}",
    )


def _finding(scan: ImageScan, vulnerability: Vulnerability) -> Finding:
    policy = image_scan_policy()
    v = vulnerability
    # An OS target is "<artifact> (<distribution>)": the image is the finding's resource already.
    target = v.target.removeprefix(scan.artifact).strip().removeprefix("(").removesuffix(")") or v.target
    where = f"{target}, {v.package_path}" if v.package_path else target
    fix = (
        f"fixed in {v.package} {v.fixed}: rebuild the image with it"
        if v.fixed
        else "no fixed version published yet: waive it with an expiry, or drop the package"
    )
    title = f": {v.title}" if v.title else ""
    return Finding(
        policy_id=policy.rule.policy_id,
        engine=policy.rule.engine,
        severity=policy.severities[v.severity],
        controls=policy.rule.controls,
        resource=vulnerability_ref(scan.image, v),
        message=f"{v.id} in {v.package} {v.installed} ({where}; Trivy {v.severity}){title}; {fix}",
    )


def _summary(scan: ImageScan, findings: list[Finding]) -> dict[str, object]:
    return {
        "image": scan.image,
        "artifact": scan.artifact,
        "schemaVersion": scan.schema_version,
        "repoDigests": list(scan.repo_digests),
        "vulnerabilities": len(findings),
        "bySeverity": dict(sorted(Counter(f.severity for f in findings).items())),
        "withFixedVersion": sum(1 for v in set(scan.vulnerabilities) if v.fixed),
    }
