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
from policies.engines.packs import MANIFEST
from policies.gate.catalog import ENGINE_ERROR, gate_finding, gate_rules
from policies.gate.findings import Finding, Location, ResourceRef, RuleInfo, Status
from policies.gate.hashing import sha256_file
from policies.gate.kube_types import group_version_kind
from policies.gate.sources.base import SourceResult
from policies.gate.subject import CloudResource, GateSubject, KubeObject
from policies.gate.unknowns import Split, depends_on_other, refinement, split, variants

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
        for pack in packs:
            evaluated = bool(subject.objects if pack.input_format == "kubernetes-admission" else subject.resources)
            result.rules.extend(rule_info(rule, self.repo_root, evaluated=evaluated) for rule in pack.rules)
            result.policy_files.update(self._policy_file_hashes(pack))
            result.findings.extend(self._run_pack(engine, pack, subject))
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
        try:
            decisions = compiled.evaluate_many(documents)
        except Exception as error:  # see _compile
            return [_engine_error(pack, f"stack rules: {error}", rules)]
        by_urn = {r.urn: r for r in subject.resources}
        per_rule = {rule.rule: [_attributed(d.get(rule.rule, []), by_urn) for d in decisions] for rule in rules}
        opaque = split(document) if len(documents) > 1 else None
        refined: list[Decision] = []
        if opaque is not None and opaque.mixed and any(_unknown_keys(rows) for rows in per_rule.values()):
            # Whole-stack refinement by groups (legitimate values alone, the others alone): one path at
            # a time would re-evaluate every stack rule over every resource per path.
            try:
                refined = compiled.evaluate_many(refinement(document, opaque, per_path=False).documents)
            except Exception as error:  # see _compile
                return [_engine_error(pack, f"stack rules: {error}", rules)]
        findings: list[Finding] = []
        for rule in rules:
            # Attribute each message to the resource whose URN prefixes it, then compare across variants.
            per_variant = per_rule[rule.rule]
            refined_variants = [_attributed(d.get(rule.rule, []), by_urn) for d in refined]
            keys = sorted({key for attributed in per_variant for key in attributed}, key=lambda k: k or "")
            for key in keys:
                fired = [key in attributed for attributed in per_variant]
                status: Status = "fail" if all(fired) else "unknown"
                legitimate = status == "unknown" and _legitimate(
                    opaque, fired, [key in attributed for attributed in refined_variants]
                )
                messages = next(attributed[key] for attributed in per_variant if key in attributed)
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

    A target whose opaque values are of both kinds (legitimately unknown and not) and that some rule
    reads gets a second batch of refinement variants, which decide whether --allow-unknown may lift it.
    """
    outcomes = _evaluate_batch(compiled, pack, rules, [list(target.variants) for target in targets])
    findings: list[Finding] = []
    pending: list[tuple[_Target, list[Decision], list[Any]]] = []
    for target, outcome in zip(targets, outcomes, strict=True):
        errors = [o for o in outcome if isinstance(o, Finding)]
        if errors:
            findings.append(_located(errors[0], target))
            continue
        decisions = [o for o in outcome if not isinstance(o, Finding)]
        if target.opaque is not None and target.opaque.mixed and _some_rule_depends(rules, decisions):
            pending.append((target, decisions, refinement(target.variants[0], target.opaque).documents))
        else:
            findings.extend(_classify(rules, target, decisions, []))
    refined = _evaluate_batch(compiled, pack, rules, [documents for _, _, documents in pending])
    for (target, decisions, _), outcome in zip(pending, refined, strict=True):
        errors = [o for o in outcome if isinstance(o, Finding)]
        if errors:
            findings.append(_located(errors[0], target))
            continue
        findings.extend(_classify(rules, target, decisions, [o for o in outcome if not isinstance(o, Finding)]))
    return findings


def _evaluate_batch(
    compiled: CompiledPack, pack: Pack, rules: list[RuleMeta], groups: list[list[Any]]
) -> list[list[Decision | Finding]]:
    """Decisions for each group of documents, in one engine call when nothing fails."""
    documents = [document for group in groups for document in group]
    if not documents:
        return [[] for _ in groups]
    decisions: list[Decision | Finding]
    try:
        decisions = list(compiled.evaluate_many(documents))
    except Exception:
        decisions = [_evaluate_one(compiled, pack, rules, document) for document in documents]
    result: list[list[Decision | Finding]] = []
    position = 0
    for group in groups:
        result.append(decisions[position : position + len(group)])
        position += len(group)
    return result


def _unknown_keys(per_variant: list[dict[str | None, list[str]]]) -> bool:
    """Whether some resource's finding from a stack rule appears under some variants only."""
    keys = {key for attributed in per_variant for key in attributed}
    return any(not all(key in attributed for attributed in per_variant) for key in keys)


def _some_rule_depends(rules: list[RuleMeta], decisions: list[Decision]) -> bool:
    fired = [[bool(decision.get(rule.rule)) for decision in decisions] for rule in rules]
    return any(any(row) and not all(row) for row in fired)


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
    rules: list[RuleMeta], target: _Target, decisions: list[Decision], refined: list[Decision]
) -> list[Finding]:
    """fail when a rule fires under every variant, unknown when only under some, nothing when under none."""
    findings: list[Finding] = []
    for rule in rules:
        fired = [bool(decision.get(rule.rule)) for decision in decisions]
        if not any(fired):
            continue
        status: Status = "fail" if all(fired) else "unknown"
        legitimate = status == "unknown" and _legitimate(
            target.opaque, fired, [bool(d.get(rule.rule)) for d in refined]
        )
        messages = next(decision[rule.rule] for decision in decisions if decision.get(rule.rule))
        findings.extend(_findings(rule, target, messages, status, legitimate=legitimate))
    return findings


def _legitimate(opaque: Split | None, coarse: list[bool], refined: list[bool]) -> bool:
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
