"""Rego findings: the packs in policies/packs evaluated on the plan's resources, the stack and Kubernetes objects.

Resource rules run once per resource (batched), stack rules once over `input.resources`, the
kubernetes-admission pack once per object in Gatekeeper's review format. A pack that fails to compile
or evaluate becomes an error finding; an input the engine fails on becomes an error finding for that
resource. Unknown values are probed (see policies/gate/unknowns.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from policies.engines import CompiledPack, Decision, Engine, EngineError, Pack, RuleMeta, get_engine, load_pack
from policies.engines.packs import MANIFEST, stray_rego_files
from policies.gate.catalog import ENGINE_ERROR, gate_finding, gate_rules
from policies.gate.findings import Finding, Location, ResourceRef, RuleInfo, Status
from policies.gate.hashing import sha256_file
from policies.gate.kube_types import group_version_kind
from policies.gate.scope import PLATFORM_SCOPE, is_platform_plan
from policies.gate.sources.base import SourceResult
from policies.gate.subject import CloudResource, GateSubject, KubeObject
from policies.gate.unknowns import Split, depends_on_other, max_refined_paths, refinement, split, variants

# A stack rule's message about one resource starts with that resource's URN and ": " (policies/README.md).
_URN_PREFIX = "urn:pulumi:"


@dataclass(frozen=True)
class _Target:
    """One evaluated thing: what findings are about, where they point, and its input variants."""

    resource: ResourceRef | None
    location: Location | None
    variants: list[Mapping[str, Any]]
    opaque: Split | None = None  # set when the input holds opaque values

    @classmethod
    def of(cls, resource: ResourceRef | None, location: Location | None, document: Mapping[str, Any]) -> _Target:
        documents = variants(document)
        return cls(resource, location, documents, split(document) if len(documents) > 1 else None)


class RegoSource:
    name = "rego"

    def __init__(
        self,
        packs_root: Path,
        engine_name: str | None,
        *,
        locate: Callable[[CloudResource], Location] | None = None,
        repo_root: Path | None = None,
    ) -> None:
        self.packs_root = packs_root
        self.engine_name = engine_name
        self.locate = locate
        self.repo_root = repo_root or Path.cwd()

    def run(self, subject: GateSubject) -> SourceResult:
        result = SourceResult()
        try:
            engine = get_engine(self.engine_name)
            result.tools[engine.name] = engine.version()
        except EngineError as error:
            result.rules.append(gate_rules()[ENGINE_ERROR])
            result.findings.append(gate_finding(ENGINE_ERROR, str(error)))
            return result
        packs, load_errors = _load_each_pack(self.packs_root)
        result.findings.extend(load_errors)
        # Governance scope (policies/gate/scope.py): on a plan that is not one of ours, platform-scope rules read
        # not-evaluated. Their Rego bodies are guarded by the same test; dropping their findings here as well
        # keeps the verdict right should a guard go missing (tests/policies/gate/test_gate_scope.py catches that).
        ours = is_platform_plan(subject.resources)
        for pack in packs:
            evaluated = bool(subject.objects if pack.input_format == "kubernetes-admission" else subject.resources)
            out_of_scope = set() if ours else {r.policy_id for r in pack.rules if r.scope == PLATFORM_SCOPE}
            result.rules.extend(
                rule_info(rule, self.repo_root, evaluated=evaluated and rule.policy_id not in out_of_scope)
                for rule in pack.rules
            )
            result.policy_files.update(self._policy_file_hashes(pack))
            result.findings.extend(f for f in self._run_pack(engine, pack, subject) if f.policy_id not in out_of_scope)
        if any(f.policy_id == ENGINE_ERROR for f in result.findings):
            result.rules.append(gate_rules()[ENGINE_ERROR])
        return result

    def _run_pack(self, engine: Engine, pack: Pack, subject: GateSubject) -> list[Finding]:
        if pack.input_format == "kubernetes-admission":
            findings: list[Finding] = []
            for objects in _by_cluster(subject.objects).values():
                data = {"inventory": inventory(objects)}
                compiled = _compile(engine, pack, data)
                if isinstance(compiled, Finding):
                    return [compiled]
                targets = [self._object_target(obj, subject) for obj in objects]
                findings.extend(_evaluate_targets(compiled, pack, _rules(pack, "resource"), targets))
            return findings
        compiled = _compile(engine, pack, None)
        if isinstance(compiled, Finding):
            return [compiled]
        resource_targets = [self._resource_target(resource) for resource in subject.resources]
        findings = _evaluate_targets(compiled, pack, _rules(pack, "resource"), resource_targets)
        stack_rules = _rules(pack, "stack")
        if stack_rules and subject.resources:
            findings.extend(self._evaluate_stack(compiled, pack, stack_rules, subject))
        return findings

    def _location(self, resource: CloudResource) -> Location | None:
        return self.locate(resource) if self.locate else resource.source_position

    def _resource_target(self, resource: CloudResource) -> _Target:
        return _Target.of(resource.ref, self._location(resource), resource_input(resource))

    def _object_target(self, obj: KubeObject, subject: GateSubject) -> _Target:
        review = admission_review(obj, subject.settings.allowed_registries)
        return _Target.of(obj.ref, obj.location, review)

    def _evaluate_stack(
        self, compiled: CompiledPack, pack: Pack, rules: list[RuleMeta], subject: GateSubject
    ) -> list[Finding]:
        document = {"resources": [resource_input(r) for r in subject.resources]}
        documents = variants(document)
        # One call per variant: a stack document is large, so batching saves nothing, and a probe the
        # engine fails on would otherwise make it re-evaluate the batch.
        outcome = [_evaluate_one(compiled, pack, rules, d) for d in documents]
        if isinstance(outcome[0], Finding):
            return [replace(outcome[0], message=f"stack rules: {outcome[0].message}")]
        decisions = _probed(outcome)
        by_urn = {r.urn: r for r in subject.resources}
        per_rule = {rule.rule: _attributed_all(decisions, rule, by_urn) for rule in rules}
        opaque = split(document) if len(documents) > 1 else None
        refined: list[Decision | None] = []
        # Unknown findings that might be lifted: about a resource whose own opaque values are all
        # legitimate (one holding any other opaque value stays blocking without further probing).
        liftable = {
            key
            for rows in per_rule.values()
            for key in _unknown_keys(rows)
            if key is not None and not split(resource_input(by_urn[key])).other
        }
        if opaque is not None and opaque.mixed and liftable:
            # Whole-stack refinement by groups (legitimate values alone, the others alone): one path at
            # a time would re-evaluate every stack rule over every resource per path.
            extra = refinement(document, opaque, per_path=False).documents
            refined = [
                None if isinstance(o, Finding) else o for o in (_evaluate_one(compiled, pack, rules, d) for d in extra)
            ]
        findings: list[Finding] = []
        for rule in rules:
            # Attribute each message to the resource whose URN prefixes it, then compare across variants.
            per_variant = per_rule[rule.rule]
            refined_variants = _attributed_all(refined, rule, by_urn)
            keys = sorted({key for a in per_variant if a is not None for key in a}, key=lambda k: k or "")
            for key in keys:
                fired = [None if a is None else key in a for a in per_variant]
                status = _status(fired) or "fail"
                legitimate = (
                    status == "unknown"
                    and key in liftable
                    and _legitimate(opaque, fired, [None if a is None else key in a for a in refined_variants])
                )
                messages = next(a[key] for a in per_variant if a is not None and key in a)
                resource = by_urn[key] if key else None
                target = _Target(resource.ref, self._location(resource), []) if resource else _Target(None, None, [])
                findings.extend(_findings(rule, target, messages, status, legitimate=legitimate))
        return findings

    def _policy_file_hashes(self, pack: Pack) -> dict[str, str]:
        hashes: dict[str, str] = {}
        for path in sorted(p for p in pack.path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            hashes[_relative(path, self.repo_root)] = sha256_file(path)
        return hashes


def _load_each_pack(root: Path) -> tuple[list[Pack], list[Finding]]:
    """Every pack under `root`; a pack that fails to load is an error finding and the others still run."""
    if not root.is_dir():
        return [], [gate_finding(ENGINE_ERROR, f"policy pack root {root} is not a directory")]
    packs: list[Pack] = []
    errors: list[Finding] = []
    stray = stray_rego_files(root)
    if stray:
        shown = ", ".join(str(path.relative_to(root)) for path in stray)
        errors.append(gate_finding(ENGINE_ERROR, f"Rego files no pack loads (never evaluated): {shown}"))
    for manifest in sorted(root.glob(f"*/{MANIFEST}")):
        try:
            packs.append(load_pack(manifest.parent))
        except EngineError as error:
            errors.append(gate_finding(ENGINE_ERROR, str(error)))
    if not packs and not errors:
        errors.append(gate_finding(ENGINE_ERROR, f"no policy packs (directories with {MANIFEST}) under {root}"))
    return packs, errors


def resource_input(resource: CloudResource) -> dict[str, Any]:
    """What a resource rule sees, as pulumi-policy-opa builds it: inputs plus the `__` fields.

    `__dependencies` and `__propertyDependencies` (the plan's URN links) go beyond pulumi-policy-opa so
    stack rules can link split resources (an S3 bucket and its configuration resources) even when
    names are unknown before apply.
    """
    document = dict(resource.inputs)
    document.update(
        {
            "__type": resource.type,
            "__urn": resource.urn,
            "__name": resource.name,
            "__provider": resource.provider or "",
            "__dependencies": list(resource.dependencies),
            "__propertyDependencies": resource.property_dependencies,
            "__options": {
                "parent": resource.parent or "",
                "protect": resource.protect,
                "dependsOn": list(resource.dependencies),
                "provider": resource.provider or "",
            },
        }
    )
    return document


def admission_review(obj: KubeObject, allowed_registries: Sequence[str]) -> dict[str, Any]:
    """Gatekeeper's input shape: the object under `review`, configurable values under `parameters`."""
    review: dict[str, Any] = {
        "object": obj.body,
        "kind": group_version_kind(obj.api_version, obj.kind),
        "operation": "CREATE",
        "name": obj.name,
    }
    if obj.namespace:
        review["namespace"] = obj.namespace
    return {"review": review, "parameters": {"allowedRegistries": list(allowed_registries)}}


def inventory(objects: Sequence[KubeObject]) -> dict[str, Any]:
    """Gatekeeper's `data.inventory`: cluster-scoped and namespaced objects by group-version, kind and name."""
    cluster: dict[str, Any] = {}
    namespaced: dict[str, Any] = {}
    for obj in objects:
        scope = namespaced.setdefault(obj.namespace, {}) if obj.namespace else cluster
        scope.setdefault(obj.api_version, {}).setdefault(obj.kind, {})[obj.name] = obj.body
    return {"cluster": cluster, "namespace": namespaced}


def rule_info(rule: RuleMeta, repo_root: Path, *, evaluated: bool = True) -> RuleInfo:
    return RuleInfo(
        policy_id=rule.policy_id,
        engine="rego",
        title=rule.title,
        description=rule.description,
        severity=rule.severity,
        controls=rule.controls,
        remediation=rule.message,
        effect=rule.effect,
        source=Location(_relative(rule.file, repo_root), rule.line),
        config_keys=rule.config_keys,
        scope=rule.scope,
        evaluated=evaluated,
    )


def _compile(engine: Engine, pack: Pack, data: Mapping[str, Any] | None) -> CompiledPack | Finding:
    try:
        return engine.compile(pack, data)
    except EngineError as error:
        return _engine_error(pack, str(error))
    except Exception as error:  # an engine bug must surface as an error finding, never as a pass
        return _engine_error(pack, f"pack {pack.name!r}: {engine.name} crashed: {error!r}")


def _engine_error(pack: Pack, message: str, rules: Sequence[RuleMeta] | None = None) -> Finding:
    """An error finding carrying the controls of the rules it left without a verdict."""
    controls = sorted({control for rule in (rules if rules is not None else pack.rules) for control in rule.controls})
    return gate_finding(ENGINE_ERROR, message, controls=tuple(controls))


def _evaluate_targets(
    compiled: CompiledPack, pack: Pack, rules: list[RuleMeta], targets: list[_Target]
) -> list[Finding]:
    """Evaluate every variant of every target in one batch; fall back to one by one to pin down failures.

    The input as given must evaluate: an engine failure on it is an error finding. A probe variant the
    engine fails on (a probe of a type the field never has: a list where a built-in wants a string)
    says nothing and is left out. A target whose opaque values are of both kinds (legitimately unknown
    and not) and that some rule reads gets a second batch of refinement variants, which decide whether
    --allow-unknown may lift it.
    """
    outcomes = _evaluate_batch(compiled, pack, rules, [list(target.variants) for target in targets])
    findings: list[Finding] = []
    pending: list[tuple[_Target, list[Decision | None], list[Any]]] = []
    for target, outcome in zip(targets, outcomes, strict=True):
        if isinstance(outcome[0], Finding):
            findings.append(_located(outcome[0], target))
            continue
        decisions = _probed(outcome)
        if (
            target.opaque is not None
            and target.opaque.mixed
            and len(target.opaque.other) <= max_refined_paths()
            and _some_rule_depends(rules, decisions)
        ):
            pending.append((target, decisions, refinement(target.variants[0], target.opaque).documents))
        else:
            findings.extend(_classify(rules, target, decisions, []))
    refined = _evaluate_batch(compiled, pack, rules, [documents for _, _, documents in pending])
    for (target, decisions, _), outcome in zip(pending, refined, strict=True):
        findings.extend(_classify(rules, target, decisions, _probed(outcome)))
    return findings


def _probed(outcome: Sequence[Decision | Finding]) -> list[Decision | None]:
    """Decisions per variant, None where the engine failed on a probe value."""
    return [None if isinstance(o, Finding) else o for o in outcome]


def _evaluate_batch(
    compiled: CompiledPack, pack: Pack, rules: list[RuleMeta], groups: list[list[Any]]
) -> list[list[Decision | Finding]]:
    """Decisions for each group of documents, in one engine call when nothing fails."""
    documents = [document for group in groups for document in group]
    if not documents:
        return [[] for _ in groups]
    decisions = _evaluate_halving(compiled, pack, rules, documents)
    result: list[list[Decision | Finding]] = []
    position = 0
    for group in groups:
        result.append(decisions[position : position + len(group)])
        position += len(group)
    return result


def _evaluate_halving(
    compiled: CompiledPack, pack: Pack, rules: list[RuleMeta], documents: list[Any]
) -> list[Decision | Finding]:
    """One engine call for all; when it fails, halves until the failing documents are alone.

    Probe values of the wrong type make some documents fail; halving finds them in a few calls
    where evaluating one by one took minutes on regopy.
    """
    if len(documents) == 1:
        return [_evaluate_one(compiled, pack, rules, documents[0])]
    try:
        return list(compiled.evaluate_many(documents))
    except Exception:
        middle = len(documents) // 2
        return [
            *_evaluate_halving(compiled, pack, rules, documents[:middle]),
            *_evaluate_halving(compiled, pack, rules, documents[middle:]),
        ]


def _fired(decisions: Sequence[Decision | None], rule: RuleMeta) -> list[bool | None]:
    return [None if decision is None else bool(decision.get(rule.rule)) for decision in decisions]


def _unknown_keys(per_variant: list[dict[str | None, list[str]] | None]) -> set[str | None]:
    """The resources (None: the stack) a stack rule reports under some variants only."""
    known = [attributed for attributed in per_variant if attributed is not None]
    keys = {key for attributed in known for key in attributed}
    return {key for key in keys if not all(key in attributed for attributed in known)}


def _some_rule_depends(rules: list[RuleMeta], decisions: list[Decision | None]) -> bool:
    rows = [[f for f in _fired(decisions, rule) if f is not None] for rule in rules]
    return any(any(row) and not all(row) for row in rows)


def _evaluate_one(
    compiled: CompiledPack, pack: Pack, rules: list[RuleMeta], document: Mapping[str, Any]
) -> Decision | Finding:
    try:
        return compiled.evaluate(document)
    except EngineError as error:
        return _engine_error(pack, str(error), rules)
    except Exception as error:  # see _compile
        return _engine_error(pack, f"pack {pack.name!r}: engine crashed: {error!r}", rules)


def _classify(
    rules: list[RuleMeta], target: _Target, decisions: list[Decision | None], refined: list[Decision | None]
) -> list[Finding]:
    """fail when a rule fires under every variant, unknown when only under some, nothing when under none."""
    findings: list[Finding] = []
    for rule in rules:
        fired = _fired(decisions, rule)
        status = _status(fired)
        if status is None:
            continue
        legitimate = status == "unknown" and _legitimate(target.opaque, fired, _fired(refined, rule))
        messages = next(d[rule.rule] for d in decisions if d is not None and d.get(rule.rule))
        findings.extend(_findings(rule, target, messages, status, legitimate=legitimate))
    return findings


def _status(fired: Sequence[bool | None]) -> Status | None:
    """None (no finding) when the rule fires under no variant the engine could evaluate."""
    known = [f for f in fired if f is not None]
    if not any(known):
        return None
    return "fail" if all(known) else "unknown"


def _legitimate(opaque: Split | None, coarse: Sequence[bool | None], refined: Sequence[bool | None]) -> bool:
    """Whether an unknown verdict depends only on legitimately unknown values (see policies/gate/unknowns.py)."""
    if opaque is None or not opaque.legitimate:
        return False
    if not opaque.other:
        return True
    return bool(refined) and not depends_on_other(coarse, refined)


def _findings(
    rule: RuleMeta, target: _Target, messages: list[str], status: Status, *, legitimate: bool = False
) -> list[Finding]:
    prefix = "depends on values unknown before apply: " if status == "unknown" else ""
    return [
        Finding(
            policy_id=rule.policy_id,
            engine="rego",
            severity=rule.severity,
            controls=rule.controls,
            resource=target.resource,
            message=prefix + message,
            status=status,
            effect=rule.effect,
            location=target.location,
            legitimately_unknown=legitimate,
        )
        for message in messages
    ]


def _located(finding: Finding, target: _Target) -> Finding:
    return replace(finding, resource=target.resource, location=target.location)


def _attributed_all(
    decisions: Sequence[Decision | None], rule: RuleMeta, known: Mapping[str, CloudResource]
) -> list[dict[str | None, list[str]] | None]:
    return [None if d is None else _attributed(d.get(rule.rule, []), known) for d in decisions]


def _attributed(messages: list[str], known: Mapping[str, CloudResource]) -> dict[str | None, list[str]]:
    """Group a stack rule's messages by the plan URN they start with (None: about the stack as a whole)."""
    grouped: dict[str | None, list[str]] = {}
    for message in messages:
        key: str | None = None
        text = message
        if message.startswith(_URN_PREFIX) and ": " in message:
            urn, rest = message.split(": ", 1)
            if urn in known:
                key, text = urn, rest
        grouped.setdefault(key, []).append(text)
    return grouped


def _rules(pack: Pack, kind: str) -> list[RuleMeta]:
    return [rule for rule in pack.rules if rule.kind == kind]


def _by_cluster(objects: Sequence[KubeObject]) -> dict[str | None, list[KubeObject]]:
    grouped: dict[str | None, list[KubeObject]] = {}
    for obj in objects:
        grouped.setdefault(obj.cluster, []).append(obj)
    return grouped


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
