"""Schema findings: every Kubernetes object validated in strict mode with kubernetes-validate's schemas.

kubernetes-validate's `validate()` re-reads the 1.5 MB definitions file on every call and stops at the
first error; the gate resolves the version and loads the same packaged schemas once per kind, then
reports every error of an object.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from importlib.metadata import version as package_version
from typing import Any

import jsonschema
import kubernetes_validate.utils as kv
from packaging.version import Version
from referencing import Registry, Resource

from infra.pulumi_wire import SECRET
from policies.gate.catalog import SCHEMA_INVALID, SCHEMA_NOT_VALIDATED, gate_finding, gate_rules
from policies.gate.findings import Finding, Status
from policies.gate.sources.base import SourceResult
from policies.gate.subject import GateSubject, KubeObject
from policies.gate.unknowns import is_legitimate, is_opaque

_MAX_MESSAGE = 300


@dataclass(frozen=True)
class SchemaVersion:
    requested: str
    used: str

    @property
    def fallback(self) -> bool:
        return _major_minor(self.requested) != self.used


def resolve_version(requested: str) -> SchemaVersion:
    """The newest shipped schema version not newer than the requested one; the nearest shipped one otherwise."""
    shipped = sorted({_major_minor(v) for v in kv.all_versions()}, key=Version)
    wanted = _major_minor(requested.removeprefix("v"))
    try:
        wanted_version = Version(wanted)
    except ValueError:
        return SchemaVersion(requested=requested, used=shipped[-1])
    candidates = [v for v in shipped if Version(v) <= wanted_version]
    return SchemaVersion(requested=requested, used=candidates[-1] if candidates else shipped[0])


class SchemaSource:
    name = "kubernetes-validate"

    def run(self, subject: GateSubject) -> SourceResult:
        version = resolve_version(subject.settings.kubernetes_version)
        findings: list[Finding] = []
        not_validated = 0
        for obj in subject.objects:
            validator = _validator(version.used, obj.kind, obj.api_version)
            if validator is None:
                not_validated += 1
                findings.append(
                    gate_finding(
                        SCHEMA_NOT_VALIDATED,
                        f"{obj.api_version} {obj.kind} has no schema in kubernetes-validate {version.used}; "
                        "not validated",
                        resource=obj.ref,
                        location=obj.location,
                    )
                )
                continue
            findings.extend(_errors(validator, obj))
        rules = [gate_rules()[SCHEMA_INVALID], gate_rules()[SCHEMA_NOT_VALIDATED]]
        details = {
            "kubernetesVersionRequested": version.requested,
            "kubernetesVersionValidated": version.used,
            "kubernetesVersionFallback": version.fallback,
            "objectsValidated": len(subject.objects) - not_validated,
            "objectsNotValidated": not_validated,
        }
        return SourceResult(
            rules=rules,
            findings=findings,
            tools={"kubernetes-validate": package_version("kubernetes-validate")},
            details=details,
        )


# A Secret's payload is the one place a secret value is the expected, correct state: Pulumi (and the
# Kubernetes provider) mark the whole `data` / `stringData` map secret, so the plan carries "[secret]"
# where the schema wants a map of strings. That hides only the values, which no schema constrains.
_SECRET_PAYLOAD_FIELDS = ("data", "stringData")


def _validated_body(obj: KubeObject) -> Any:
    body = obj.body
    if obj.kind != "Secret" or obj.api_version != "v1" or not isinstance(body, dict):
        return body
    hidden = [field for field in _SECRET_PAYLOAD_FIELDS if body.get(field) == SECRET]
    return {**body, **{field: {} for field in hidden}} if hidden else body


def _errors(validator: jsonschema.protocols.Validator, obj: KubeObject) -> list[Finding]:
    findings: list[Finding] = []
    body = _validated_body(obj)
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        path = _json_path(error.absolute_path)
        message = error.message if len(error.message) <= _MAX_MESSAGE else error.message[:_MAX_MESSAGE] + "…"
        # A value unknown before apply (or secret) cannot be type-checked: that is an unknown, not a failure.
        status: Status = "unknown" if is_opaque(error.instance) else "fail"
        finding = gate_finding(
            SCHEMA_INVALID,
            f"{obj.kind} {obj.name}: {path}: {message}",
            resource=obj.ref,
            location=obj.location,
            status=status,
        )
        # An id or ARN not created yet is what --allow-unknown accepts; other unknowns stay blocking.
        legitimate = status == "unknown" and is_legitimate(body, tuple(error.absolute_path))
        findings.append(replace(finding, legitimately_unknown=legitimate))
    return findings


@cache
def _validator(schema_version: str, kind: str, api_version: str) -> jsonschema.protocols.Validator | None:
    """A strict validator for one kind, or None when kubernetes-validate ships no schema for it."""
    # rbac.authorization.k8s.io/v1 → rbac-v1, the way kubernetes-validate names its schema files.
    group, _, version_part = api_version.rpartition("/")
    schema_api = f"{group.split('.')[0]}-{version_part}" if group else version_part
    schema_dir = _schema_dir(schema_version)
    try:
        schema = kv.schema_contents(
            f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{schema_api}.json", schema_version
        )
    except FileNotFoundError:
        return None
    registry: Registry[Any] = Resource.from_contents(schema) @ Registry()
    registry = _definitions(schema_dir, schema_version) @ registry
    return jsonschema.Draft202012Validator(schema, registry=registry)


@cache
def _definitions(schema_dir: str, schema_version: str) -> Resource[Any]:
    return Resource.from_contents(
        kv.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json", schema_version)
    )


def _schema_dir(major_minor: str) -> str:
    return f"v{major_minor}.0-local-strict"


def _major_minor(version: str) -> str:
    parts = version.split(".")
    return ".".join(parts[:2])


def _json_path(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(object)"
