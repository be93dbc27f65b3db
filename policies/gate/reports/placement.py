"""Where a finding's resource runs: its stack, region and (for Kubernetes objects) cluster, from the plan itself.

A plan resource names its provider (`<provider URN>::<id>`); an AWS provider carries `region` in its inputs; a
Kubernetes provider carries none, but its kubeconfig depends on the EKS cluster it talks to, whose own provider
has the region. A component has no provider: it is placed where all of its descendants are (none when they span
regions, as the stack root does). Manifests carry none of this: their findings have no stack or region.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.placement.plan import EKS_CLUSTER, K8S_PROVIDER
from infra.pulumi_wire import SECRET
from policies.gate.findings import Finding
from policies.gate.subject import CloudResource, GateSubject

_PROVIDER_PREFIX = "pulumi:providers:"
_URN_PREFIX = "urn:pulumi:"


@dataclass(frozen=True)
class Placement:
    stack: str | None = None
    region: str | None = None
    cluster: str | None = None

    def parts(self) -> list[str]:
        """Stack, region, cluster: what is known of them, in that order."""
        return [part for part in (self.stack, self.region, self.cluster) if part]

    def text(self) -> str:
        """`prod / eu-west-1 / prod-eu-west-1-eks`; empty when nothing is known."""
        return " / ".join(self.parts())


class Placements:
    """Placement of each finding of one gate subject."""

    def __init__(self, subject: GateSubject) -> None:
        self._stack = subject.settings.stack
        self._by_urn = {resource.urn: resource for resource in subject.resources}
        self._children: dict[str, list[CloudResource]] = {}
        for resource in subject.resources:
            if resource.parent:
                self._children.setdefault(resource.parent, []).append(resource)
        self._memo: dict[str, tuple[str | None, str | None]] = {}

    def of(self, finding: Finding) -> Placement:
        ref = finding.resource
        if ref is None:
            return Placement(stack=self._stack)  # a stack-level finding
        if not ref.urn:
            return Placement()  # a manifest object: nothing says where it is applied
        resource = self._by_urn.get(ref.urn)
        if resource is None:
            return Placement(stack=_stack_of(ref.urn) or self._stack)
        region, cluster = self._where(resource)
        return Placement(stack=_stack_of(resource.urn) or self._stack, region=region, cluster=cluster)

    def _where(self, resource: CloudResource) -> tuple[str | None, str | None]:
        if resource.urn not in self._memo:
            self._memo[resource.urn] = self._resolve(resource)
        return self._memo[resource.urn]

    def _resolve(self, resource: CloudResource) -> tuple[str | None, str | None]:
        provider = self._provider(resource)
        if provider is not None:
            return self._provider_place(provider)
        if resource.type.startswith(_PROVIDER_PREFIX):
            return self._provider_place(resource)
        regions = {self._where(child)[0] for child in self._children.get(resource.urn, [])} - {None}
        return (regions.pop() if len(regions) == 1 else None), None

    def _provider(self, resource: CloudResource) -> CloudResource | None:
        ref = resource.provider
        if not ref:
            return None
        # `<provider URN>::<id>`: URNs contain `::` themselves, so strip the last part only when needed.
        return self._by_urn.get(ref) or self._by_urn.get(ref.rsplit("::", 1)[0])

    def _provider_place(self, provider: CloudResource) -> tuple[str | None, str | None]:
        region = provider.inputs.get("region")
        if isinstance(region, str) and region and region != SECRET:
            return region, None
        if provider.type != K8S_PROVIDER:
            return None, None
        for urn in _kubeconfig_sources(provider):
            cluster = self._by_urn.get(urn)
            if cluster is not None and cluster.type == EKS_CLUSTER:
                cluster_provider = self._provider(cluster)
                region = self._provider_place(cluster_provider)[0] if cluster_provider else None
                name = cluster.inputs.get("name")  # the EKS name, as infra.placement reports it
                return region, name if isinstance(name, str) and name else cluster.name
        return None, provider.name


def _kubeconfig_sources(provider: CloudResource) -> list[str]:
    """The resources the provider's kubeconfig comes from first, then its other dependencies."""
    return [*provider.property_dependencies.get("kubeconfig", []), *provider.dependencies]


def _stack_of(urn: str) -> str | None:
    head = urn.split("::", 1)[0]
    if not head.startswith(_URN_PREFIX):
        return None
    return head.removeprefix(_URN_PREFIX) or None
