"""What the gate evaluates: cloud resources from a plan and Kubernetes objects, with where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from policies.gate.findings import Location, ResourceRef
from policies.gate.kube_types import type_token

if TYPE_CHECKING:
    from policies.gate.inputs.image_scan import ImageScan  # imports this module

InputKind = Literal["plan", "manifests", "image-scan"]


@dataclass(frozen=True)
class InputNote:
    """A file of a manifests directory the gate skipped (and why), or read although hidden: every report lists it."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True)
class CloudResource:
    """One resource of a plan document (a step's `newState`)."""

    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    parent: str | None
    provider: str | None
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, list[str]]
    protect: bool
    pointer: str  # JSON pointer of the step in the plan document, for error messages
    source_position: Location | None = None

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(type=self.type, urn=self.urn, name=self.name)

    @property
    def is_kubernetes_object(self) -> bool:
        """A native Kubernetes object (`kubernetes:<group>/<version>:<Kind>`), not a provider or component."""
        parts = self.type.split(":")
        return self.custom and len(parts) == 3 and parts[0] == "kubernetes" and "/" in parts[1]


@dataclass(frozen=True)
class KubeObject:
    """A Kubernetes object from a manifest file, or rendered from a plan resource (then `urn` is set)."""

    body: dict[str, Any]
    location: Location
    urn: str | None = None
    cluster: str | None = None  # the plan's kubernetes provider, when rendered from a multi-cluster plan

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", ""))

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def metadata(self) -> dict[str, Any]:
        metadata = self.body.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or self.metadata.get("generateName") or "")

    @property
    def namespace(self) -> str | None:
        namespace = self.metadata.get("namespace")
        return str(namespace) if namespace else None

    @property
    def ref(self) -> ResourceRef:
        return ResourceRef(
            type=type_token(self.api_version, self.kind),
            urn=self.urn,
            kind=self.kind,
            namespace=self.namespace,
            name=self.name,
        )


@dataclass(frozen=True)
class GateSettings:
    """Per-stack knobs: blocking threshold, registries allowed for images, Kubernetes version."""

    stack: str | None
    environment: str | None
    fail_on: str
    allowed_registries: tuple[str, ...]
    kubernetes_version: str
    stack_file: Path | None


@dataclass
class GateSubject:
    input_kind: InputKind
    input_path: Path
    input_files: list[Path]
    settings: GateSettings
    resources: list[CloudResource] = field(default_factory=list)
    objects: list[KubeObject] = field(default_factory=list)
    skipped: list[InputNote] = field(default_factory=list)  # manifests not read, with the reason
    hidden: list[InputNote] = field(default_factory=list)  # hidden manifests that were read
    image_scan: ImageScan | None = None  # the vulnerability report, for input_kind image-scan
