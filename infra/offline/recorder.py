"""A mock engine that records every registration as a `pulumi preview --json` step."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from google.protobuf import json_format
from pulumi.runtime import settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs, Mocks

from infra.offline.fake_cloud import call_result, digest, outputs_for
from infra.offline.normalize import normalize

DEFAULT_REGION = "us-east-1"
# The checkout this program runs from: infra/offline/recorder.py → the repository root.
CODE_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RecordedResource:
    urn: str
    type: str
    custom: bool
    inputs: dict[str, Any]
    parent: str
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    source_position: str | None = None
    aliases: list[str] = field(default_factory=list)
    retain_on_delete: bool = False
    protect: bool = False


class FakeCloud(Mocks):
    """Answers the SDK's questions (new resources, data sources) with deterministic, plausible values.

    With `first_preview`, it answers as the engine does in a first `pulumi preview`: nothing exists
    yet, so a new resource's id and every output it does not take from its inputs are unknown (the
    SDK resolves them as unknown in a dry run), while data sources still answer.
    """

    def __init__(self, *, first_preview: bool = False) -> None:
        self.provider_regions: dict[str, str] = {}
        self.first_preview = first_preview

    def region_of(self, provider_ref: str) -> str:
        return self.provider_regions.get(provider_ref.rsplit("::", 1)[0], DEFAULT_REGION)

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        inputs = dict(args.inputs)
        if self.first_preview:
            return "", inputs
        if args.typ.startswith("pulumi:providers:"):
            return f"{digest(args.typ, args.name)[:8]}-{digest(args.name)[:4]}-provider", inputs
        resource_id, state = outputs_for(args.typ, args.name, inputs, self.region_of(args.provider or ""))
        return resource_id, state

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        # The mock monitor iterates the failures list, so "no failures" is an empty list, not None.
        return call_result(args.token, dict(args.args), self.region_of(args.provider or "")), []


@dataclass
class RecordingMonitor(MockMonitor):
    """MockMonitor that also keeps parent, provider and dependency edges, which MockResourceArgs drops."""

    fake_cloud: FakeCloud = field(default_factory=FakeCloud)
    project_root: Path = field(default_factory=Path.cwd)
    recorded: list[RecordedResource] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.fake_cloud)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        inputs = normalize(json_format.MessageToDict(request.object))
        if request.type == "pulumi:providers:aws":
            self.fake_cloud.provider_regions[urn] = str(inputs.get("region", DEFAULT_REGION))
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        provider = request.provider
        self.recorded.append(
            RecordedResource(
                urn=urn,
                type=request.type,
                custom=bool(request.custom),
                inputs=inputs,
                parent=request.parent,
                provider=provider,
                dependencies=list(request.dependencies),
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                source_position=self._source_position(request),
                aliases=self._aliases(request),
                retain_on_delete=bool(request.retainOnDelete),
                protect=bool(request.protect),
            )
        )
        return response

    def _aliases(self, request: Any) -> list[str]:
        """The old URNs a resource declares (`opts.aliases`), each resolved to a full URN as the engine does.
        Inherited aliases (a child of an aliased parent) are left to the reader: they follow from the parent's."""
        urns = []
        for alias in request.aliases:
            if alias.urn:
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            urns.append(self.make_urn(parent, spec.type or request.type, spec.name or request.name))
        return sorted(set(urns))

    def _source_position(self, request: Any) -> str | None:
        position = request.sourcePosition
        if not position.uri:
            return None
        path = Path(position.uri.removeprefix("file://")).resolve()
        # The program's code lives in this checkout even when `plan --root` reads the stack from another project
        # root (a copy of a stack with one edit): its positions are as valid there.
        for root in (self.project_root, CODE_ROOT):
            try:
                relative = path.relative_to(root.resolve())
                break
            except ValueError:
                continue
        else:
            return None
        if relative.parts[:1] != ("infra",):
            return None  # frames inside the SDK or the venv say nothing about which code declared it
        return f"project:///{relative.as_posix()}#{position.line},{position.column}"


def install(project: str, stack: str, project_root: Path, *, first_preview: bool = False) -> RecordingMonitor:
    monitor = RecordingMonitor(fake_cloud=FakeCloud(first_preview=first_preview), project_root=project_root)
    # A fresh root stack per run, so several plans can be produced in one process.
    settings.ROOT.set(None)
    pulumi.runtime.set_mocks(monitor.fake_cloud, project=project, stack=stack, preview=True, monitor=monitor)
    return monitor
