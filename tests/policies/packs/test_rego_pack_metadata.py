"""Every pack follows pulumi-policy-opa's layout and every rule carries complete METADATA."""

from __future__ import annotations

import re

import yaml

from infra.pulumi_wire import UNKNOWN
from policies.engines import SEVERITIES, Pack
from policies.engines.control_ids import CONTROL_ID

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EXPECTED_PACKS = {
    "aws": "pulumi",
    "kubernetes": "kubernetes-admission",
    "ai_governance": "pulumi",
    "helm": "pulumi",
    "gpu": "pulumi",
    "storage": "pulumi",
}


def test_the_packs_exist_with_their_input_formats(packs: dict[str, Pack]) -> None:
    assert {name: pack.input_format for name, pack in packs.items()} == EXPECTED_PACKS


def test_each_manifest_declares_the_opa_runtime_and_a_version(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        manifest = yaml.safe_load((pack.path / "PulumiPolicy.yaml").read_text())
        assert manifest["runtime"] == "opa", pack.name
        assert manifest["version"], pack.name


def test_every_module_uses_rego_v1_and_the_pack_package(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        for file_name, source in {**pack.modules, **pack.test_modules}.items():
            assert "import rego.v1" in source, f"{pack.name}/{file_name}"
            assert f"package {pack.package}\n" in source, f"{pack.name}/{file_name}"


def test_every_rule_has_title_description_severity_controls_and_message(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        assert pack.rules, pack.name
        for rule in pack.rules:
            assert rule.title and rule.description and rule.message, rule.policy_id
            assert rule.severity in SEVERITIES, rule.policy_id
            assert rule.controls, rule.policy_id


def test_control_ids_follow_the_catalogue_spelling(packs: dict[str, Pack]) -> None:
    wrong = [(r.policy_id, c) for p in packs.values() for r in p.rules for c in r.controls if not CONTROL_ID.match(c)]
    assert wrong == []


def test_policy_ids_are_pack_dot_rule_and_unique(packs: dict[str, Pack]) -> None:
    ids = [rule.policy_id for pack in packs.values() for rule in pack.rules]
    assert len(ids) == len(set(ids))
    for pack in packs.values():
        for rule in pack.rules:
            assert rule.policy_id == f"{pack.name}.{rule.rule}"


def test_rule_kinds_follow_the_input_format(packs: dict[str, Pack]) -> None:
    # Admission packs only see one object; governance rules only see the whole stack.
    assert {rule.kind for rule in packs["kubernetes"].rules} == {"resource"}
    assert {rule.kind for rule in packs["ai_governance"].rules} == {"stack"}
    assert {rule.kind for rule in packs["gpu"].rules} == {"stack"}
    assert {rule.kind for rule in packs["aws"].rules} == {"resource", "stack"}
    assert {rule.kind for rule in packs["storage"].rules} == {"resource", "stack"}


def test_metadata_points_at_the_rule_definition(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        for rule in pack.rules:
            line = rule.file.read_text().splitlines()[rule.line - 1]
            assert line.startswith(f"{rule.rule} contains"), rule.policy_id


def test_rules_spell_pulumis_unknown_sentinel_as_the_wire_module_does(packs: dict[str, Pack]) -> None:
    # Packs are self-contained (pulumi-policy-opa loads each alone), so each spells the sentinel once;
    # a typo would turn every "cannot be assessed" branch of its rules into dead code.
    spellings = {
        (pack.name, file_name, found)
        for pack in packs.values()
        for file_name, source in pack.modules.items()
        for found in UUID.findall(source)
    }
    assert spellings, "no pack names the unknown sentinel"
    assert {found for _, _, found in spellings} == {UNKNOWN}, sorted(spellings)
