"""Evaluate whole plans and manifest sets through the packs, on one engine, into fired policy ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rego_inputs import admission_review, inventory, kubernetes_objects

from policies.engines import Decision, Pack, get_engine

Findings = dict[str, list[str]]
"""Policy id → messages, only for rules that fired."""


def evaluate_plan_resources(
    packs: Mapping[str, Pack], resources: Sequence[Mapping[str, Any]], registries: Sequence[str], engine: str
) -> Findings:
    findings: Findings = {}
    # Every pack over cloud resources, not a list of names: a new pack must not escape the cross-check.
    for pack in (p for p in packs.values() if p.input_format != "kubernetes-admission"):
        compiled = get_engine(engine).compile(pack)
        resource_rules = [r.rule for r in pack.rules if r.kind == "resource"]
        stack_rules = [r.rule for r in pack.rules if r.kind == "stack"]
        for decision in compiled.evaluate_many(list(resources)):
            _collect(findings, pack, decision, resource_rules)
        _collect(findings, pack, compiled.evaluate({"resources": list(resources)}), stack_rules)
    objects = kubernetes_objects(resources)
    if objects:
        for policy_id, messages in evaluate_manifests(packs, objects, registries, engine).items():
            findings.setdefault(policy_id, []).extend(messages)
    return findings


def evaluate_manifests(
    packs: Mapping[str, Pack], objects: Sequence[Mapping[str, Any]], registries: Sequence[str], engine: str
) -> Findings:
    findings: Findings = {}
    reviews = [admission_review(obj, registries) for obj in objects]
    for pack in (p for p in packs.values() if p.input_format == "kubernetes-admission"):
        compiled = get_engine(engine).compile(pack, inventory(objects))
        for decision in compiled.evaluate_many(reviews):
            _collect(findings, pack, decision, [r.rule for r in pack.rules])
    return findings


def _collect(findings: Findings, pack: Pack, decision: Decision, rules: Sequence[str]) -> None:
    for rule in rules:
        if decision[rule]:
            findings.setdefault(f"{pack.name}.{rule}", []).extend(decision[rule])
