"""compare_engines surfaces every difference between the embedded engines, with both outputs shown."""

from __future__ import annotations

from conftest import PackFactory, rule

from policies.engines import compare_engines


def test_identical_outputs_give_no_disagreement(make_pack: PackFactory) -> None:
    pack = make_pack(rule("deny_flag", '\tinput.flag == true\n\tmsg := "flag set"'))
    assert compare_engines(pack, [{"flag": True}, {"flag": False}, {}]) == []


def test_a_shallow_object_union_is_reported_as_a_disagreement(make_pack: PackFactory) -> None:
    # regopy merges only the top level, so the nested default survives on one engine only.
    pack = make_pack(
        rule(
            "deny_unencrypted",
            '\tmerged := object.union({"ebs": {"encrypted": false}}, input)\n'
            '\tmerged.ebs.encrypted == false\n\tmsg := "volume not encrypted"',
        )
    )
    [disagreement] = compare_engines(pack, [{"ebs": {"size": 10}}])
    assert disagreement.outcomes["regorus"] == {"deny_unencrypted": ["volume not encrypted"]}
    assert disagreement.outcomes["regopy"] == {"deny_unencrypted": []}
    text = disagreement.describe()
    assert "regopy" in text and "regorus" in text and "volume not encrypted" in text and '"size": 10' in text


def test_an_error_on_one_engine_and_a_pass_on_the_other_is_a_disagreement(make_pack: PackFactory) -> None:
    # The silent fail-open: regopy yields an empty set for an unsafe variable, regorus refuses it.
    pack = make_pack(rule("deny_unsafe", "\tmsg := not_bound"))
    [disagreement] = compare_engines(pack, [{}])
    assert disagreement.outcomes["regopy"] == {"deny_unsafe": []}
    assert isinstance(disagreement.outcomes["regorus"], str) and "unsafe" in disagreement.outcomes["regorus"]
