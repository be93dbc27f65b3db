"""load_pack reads the manifest and METADATA from source, and refuses packs the gate could not trust."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import HEADER, METADATA, PackFactory, rule

from policies.engines import EngineError, load_pack, load_packs

GOOD = rule("deny_probe", '\tinput.bad == true\n\tmsg := "bad"')


def test_rule_metadata_is_read_from_the_comment_block(make_pack: PackFactory) -> None:
    pack = make_pack(GOOD)
    [meta] = pack.rules
    assert (meta.policy_id, meta.kind, meta.effect, meta.severity) == ("probe.deny_probe", "resource", "deny", "high")
    assert meta.controls == ("NIST-800-53:AC-6",)
    assert (meta.title, meta.message) == ("Probe rule", "Fix the probe.")
    assert meta.file.name == "probe.rego" and meta.line == len((HEADER + METADATA).splitlines()) + 1


def test_stack_and_warn_prefixes_set_kind_and_effect(make_pack: PackFactory) -> None:
    pack = make_pack(rule("stack_warn_probe", '\tcount(input.resources) == 0\n\tmsg := "empty"'))
    assert (pack.rules[0].kind, pack.rules[0].effect) == ("stack", "warn")


def test_a_rule_without_metadata_is_refused_with_file_and_rule_named(make_pack: PackFactory) -> None:
    with pytest.raises(EngineError, match=r"probe\.rego:5 rule deny_bare.*METADATA"):
        make_pack('deny_bare contains "x" if input.bad\n')


def test_an_unknown_severity_is_refused(make_pack: PackFactory) -> None:
    with pytest.raises(EngineError, match="severity 'urgent'"):
        make_pack(GOOD.replace("severity: high", "severity: urgent"))


@pytest.mark.parametrize("field", ["title", "description", "message"])
def test_a_missing_text_field_is_refused(make_pack: PackFactory, field: str) -> None:
    source = "\n".join(line for line in GOOD.splitlines() if f"{field}:" not in line) + "\n"
    with pytest.raises(EngineError, match=field):
        make_pack(source)


def test_empty_controls_are_refused(make_pack: PackFactory) -> None:
    with pytest.raises(EngineError, match="controls"):
        make_pack(GOOD.replace("[NIST-800-53:AC-6]", "[]"))


def test_a_module_without_rego_v1_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "old"
    directory.mkdir()
    (directory / "PulumiPolicy.yaml").write_text("runtime: opa\n")
    (directory / "old.rego").write_text('package old\n\ndeny[msg] { msg := "x" }\n')
    with pytest.raises(EngineError, match=r"import rego\.v1"):
        load_pack(directory)


def test_two_packages_in_one_pack_are_refused(make_pack: PackFactory) -> None:
    directory = make_pack(GOOD).path
    (directory / "other.rego").write_text("package other\n\nimport rego.v1\n")
    with pytest.raises(EngineError, match="one Rego package per pack"):
        load_pack(directory)


def test_a_manifest_without_the_opa_runtime_is_refused(make_pack: PackFactory) -> None:
    with pytest.raises(EngineError, match="runtime: opa"):
        make_pack(GOOD, manifest="runtime: nodejs\n")


def test_test_modules_are_kept_apart_from_policy_modules(make_pack: PackFactory) -> None:
    pack = make_pack(GOOD, tests="test_deny_probe_allow_good if { true }\n")
    assert list(pack.modules) == ["probe.rego"] and list(pack.test_modules) == ["probe_test.rego"]


def test_the_pack_hash_changes_when_a_file_changes(make_pack: PackFactory) -> None:
    pack = make_pack(GOOD)
    (pack.path / "probe.rego").write_text(HEADER + GOOD + "\n# edited\n")
    assert load_pack(pack.path).sha256 != pack.sha256


def test_an_empty_pack_root_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="no policy packs"):
        load_packs(tmp_path)


@pytest.mark.parametrize("stray", ["probe/extra/more_rules.rego", "loose/rules.rego", "probe/nested/deep/x.REGO"])
def test_a_rego_file_no_pack_loads_is_refused(make_pack: PackFactory, stray: str) -> None:
    # Packs load <pack>/*.rego only; a rule file elsewhere would never be evaluated nor cross-checked.
    pack = make_pack(GOOD)
    path = pack.path.parent / stray
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + GOOD)
    with pytest.raises(EngineError, match="Rego files no pack loads"):
        load_packs(pack.path.parent)
