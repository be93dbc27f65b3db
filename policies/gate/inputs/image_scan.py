"""Read a Trivy image report (`trivy image --format json`) into the vulnerabilities the gate judges.

The layout is Trivy's `types.Report` (SchemaVersion 2): `ArtifactName`, `ArtifactType` (`container_image`),
`Metadata.RepoDigests`, and `Results[]`, each a scanned target (the OS packages, a lock file or a site-packages
tree) with `Vulnerabilities[]` of `VulnerabilityID`, `PkgName`, `InstalledVersion`, `FixedVersion` (absent
until a fix exists), `Severity` and `Title`. Trivy omits empty lists, so a clean image has no `Results` or no
`Vulnerabilities`. Anything else (another layout, a missing id, a severity Trivy does not have) is bad input:
exit 2 naming the file and the JSON pointer, never a partial verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policies.gate.errors import GateInputError
from policies.gate.image_scan_policy import IMAGE_SCAN_INPUT, image_scan_policy
from policies.gate.inputs.json_file import read_json_input
from policies.gate.settings import Overrides, resolve_settings
from policies.gate.subject import GateSubject

IMAGE_ARTIFACT_TYPE = "container_image"
_DIGEST_MARK = "@sha256:"


@dataclass(frozen=True)
class Vulnerability:
    id: str
    package: str
    installed: str
    fixed: str | None  # None: no fixed version published yet
    severity: str  # Trivy's (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)
    title: str
    target: str  # the Result it was found in (e.g. `img (debian 12.7)`, `Python`)
    package_path: str | None  # where a language package lives in the image


@dataclass(frozen=True)
class ImageScan:
    image: str  # the reference the gate was told (--image), which findings name
    artifact: str  # what Trivy scanned (ArtifactName)
    schema_version: int
    repo_digests: tuple[str, ...]
    trivy_version: str | None  # newer Trivy releases write `Trivy.Version`
    vulnerabilities: tuple[Vulnerability, ...]


def read_image_scan(path: Path, image: str) -> ImageScan:
    document = read_json_input(
        path,
        "imageScan",
        what="image scan report",
        missing="image scan report does not exist",
        directory="is a directory, not a Trivy JSON report",
    )
    return parse_image_scan(path, document, image)


def parse_image_scan(path: Path, document: Any, image: str) -> ImageScan:
    if not isinstance(document, dict):
        raise GateInputError(path, "not a Trivy JSON report: top level is not an object")
    versions = image_scan_policy().schema_versions
    version = document.get("SchemaVersion")
    if not isinstance(version, int) or isinstance(version, bool) or version not in versions:
        raise GateInputError(
            path,
            f"not a Trivy JSON report the gate reads: SchemaVersion is {version!r}, expected one of "
            f"{sorted(versions)} (`trivy image --format json`)",
            where="/SchemaVersion",
        )
    artifact_type = document.get("ArtifactType")
    if artifact_type != IMAGE_ARTIFACT_TYPE:
        raise GateInputError(
            path,
            f"ArtifactType is {artifact_type!r}, not {IMAGE_ARTIFACT_TYPE!r}: scan the image (`trivy image`)",
            where="/ArtifactType",
        )
    metadata = _object(path, document.get("Metadata", {}), "/Metadata")
    digests = tuple(_strings(path, metadata.get("RepoDigests", []), "/Metadata/RepoDigests"))
    _same_image(path, image, digests)
    trivy = document.get("Trivy")
    trivy_version = trivy.get("Version") if isinstance(trivy, dict) else None
    results = document.get("Results") or []
    if not isinstance(results, list):
        raise GateInputError(path, "`Results` is not an array", where="/Results")
    vulnerabilities: list[Vulnerability] = []
    for r, raw_result in enumerate(results):
        pointer = f"/Results/{r}"
        result = _object(path, raw_result, pointer)
        target = _text(path, result, "Target", pointer)
        found = result.get("Vulnerabilities") or []
        if not isinstance(found, list):
            raise GateInputError(path, "`Vulnerabilities` is not an array", where=f"{pointer}/Vulnerabilities")
        for v, entry in enumerate(found):
            vulnerabilities.append(_vulnerability(path, entry, target, f"{pointer}/Vulnerabilities/{v}"))
    return ImageScan(
        image=image,
        artifact=str(document.get("ArtifactName") or image),
        schema_version=version,
        repo_digests=digests,
        trivy_version=str(trivy_version) if trivy_version else None,
        vulnerabilities=tuple(vulnerabilities),
    )


def load_image_scan_subject(path: Path, image: str, overrides: Overrides, repo_root: Path) -> GateSubject:
    """The gate's subject for an image scan: no resources or objects, the scan, and the image-scan threshold."""
    scan = read_image_scan(path, image)
    settings = resolve_settings(source=path, config={}, stack=None, overrides=overrides, repo_root=repo_root)
    settings = replace(settings, fail_on=overrides.fail_on or image_scan_policy().fail_on)
    return GateSubject(
        input_kind=IMAGE_SCAN_INPUT, input_path=path, input_files=[path], settings=settings, image_scan=scan
    )


def _vulnerability(path: Path, entry: Any, target: str, pointer: str) -> Vulnerability:
    entry = _object(path, entry, pointer)
    severity = _text(path, entry, "Severity", pointer)
    known = image_scan_policy().severities
    if severity not in known:
        raise GateInputError(
            path, f"Severity {severity!r} is not one of Trivy's ({', '.join(known)})", where=f"{pointer}/Severity"
        )
    fixed = entry.get("FixedVersion")
    package_path = entry.get("PkgPath")
    return Vulnerability(
        id=_text(path, entry, "VulnerabilityID", pointer),
        package=_text(path, entry, "PkgName", pointer),
        installed=_text(path, entry, "InstalledVersion", pointer),
        fixed=str(fixed) if isinstance(fixed, str) and fixed.strip() else None,
        severity=severity,
        title=str(entry.get("Title") or "").strip(),
        target=target,
        package_path=str(package_path) if isinstance(package_path, str) and package_path else None,
    )


def _same_image(path: Path, image: str, digests: tuple[str, ...]) -> None:
    """A report whose repository digests do not include --image's digest is of another image: refused."""
    if _DIGEST_MARK not in image or not digests:
        return
    digest = image.split(_DIGEST_MARK, 1)[1]
    if not any(d.endswith(f"{_DIGEST_MARK}{digest}") for d in digests):
        raise GateInputError(
            path,
            f"the report is of another image: --image has digest sha256:{digest}, "
            f"the report's RepoDigests are {', '.join(digests)}",
            where="/Metadata/RepoDigests",
        )


def _object(path: Path, value: Any, pointer: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise GateInputError(path, "expected an object", where=pointer)
    return value


def _strings(path: Path, value: Any, pointer: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise GateInputError(path, "expected an array of strings", where=pointer)
    return value


def _text(path: Path, entry: dict[str, Any], key: str, pointer: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise GateInputError(path, f"`{key}` is missing or not a non-empty string", where=f"{pointer}/{key}")
    return value
