"""The checkov mapping table (policies/checkov/mapping/*.yaml) against checkov itself and the Rego packs.

checkov is asked in its pinned tool environment what it registers (no copy of its id list here), so a checkov
upgrade that adds checks fails (a) until the table names them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from policies.engines import Pack, load_packs
from policies.engines.control_ids import CONTROL_ID
from policies.engines.coverage import framework_of
from policies.gate.checkov.mapping import CHECKOV_POLICIES, CheckovMapping, MappingError, checkov_mapping
from policies.gate.checkov.registry import RegisteredCheck, registered_checks
from policies.gate.checkov.toolenv import checkov_python
from policies.gate.pipeline import DEFAULT_PACKS

# Table file (policies/checkov/mapping/<name>.yaml) → checkov framework whose every check it maps. The AWS half
# (aws.yaml: the Terraform checks of the resource types our plans convert to) is held to checkov's `terraform`
# registry by the Terraform-plan converter's tests, filtered by the types it produces (RegisteredCheck.entities).
TABLE_FRAMEWORKS = {"kubernetes": "kubernetes", "dockerfile": "dockerfile", "github_actions": "github_actions"}

# Same concern, two engines: the checkov check must share a control with the Rego rule, so that one control row
# shows both verdicts.
SHARED_CONCERNS = {
    "CKV_K8S_16": "kubernetes.deny_privileged_container",
    "CKV_K8S_20": "kubernetes.deny_privilege_escalation",
    "CKV_K8S_17": "kubernetes.deny_host_namespaces",
    "CKV_K8S_18": "kubernetes.deny_host_namespaces",
    "CKV_K8S_19": "kubernetes.deny_host_namespaces",
    "CKV_K8S_26": "kubernetes.deny_host_ports",
    "CKV_K8S_27": "kubernetes.deny_host_path_volumes",
    "CKV_K8S_25": "kubernetes.deny_added_capabilities",
    "CKV_K8S_39": "kubernetes.deny_added_capabilities",
    "CKV_K8S_28": "kubernetes.deny_capabilities_drop_all",
    "CKV_K8S_37": "kubernetes.deny_capabilities_drop_all",
    "CKV_K8S_23": "kubernetes.deny_run_as_root",
    "CKV_DOCKER_3": "kubernetes.deny_run_as_root",
    "CKV_DOCKER_8": "kubernetes.deny_run_as_root",
    "CKV_K8S_22": "kubernetes.deny_writable_root_filesystem",
    "CKV_K8S_31": "kubernetes.deny_seccomp_profile",
    "CKV_K8S_38": "kubernetes.deny_automount_service_account_token",
    "CKV_K8S_10": "kubernetes.deny_missing_resources",
    "CKV_K8S_13": "kubernetes.deny_missing_resources",
    "CKV_K8S_8": "kubernetes.deny_missing_probes",
    "CKV_K8S_9": "kubernetes.deny_missing_probes",
    "CKV_K8S_14": "kubernetes.deny_image_latest_tag",
    "CKV_DOCKER_7": "kubernetes.deny_image_latest_tag",
    "CKV_K8S_43": "kubernetes.deny_image_not_pinned_by_digest",
    "CKV_K8S_49": "kubernetes.deny_rbac_wildcard",
    "CKV_K8S_157": "kubernetes.deny_rbac_escalation_verbs",
    "CKV_K8S_158": "kubernetes.deny_rbac_escalation_verbs",
    "CKV2_K8S_3": "kubernetes.deny_rbac_escalation_verbs",
    "CKV2_K8S_5": "kubernetes.deny_rbac_secrets_read",
    "CKV2_K8S_6": "kubernetes.deny_namespace_default_deny_network_policy",
    "CKV_K8S_104": "aws.deny_eks_secrets_encryption",
    # The plan's AWS resources (aws.yaml) against the aws pack.
    "CKV_AWS_19": "aws.stack_deny_s3_encryption",
    "CKV_AWS_21": "aws.stack_deny_s3_versioning",
    "CKV2_AWS_6": "aws.stack_deny_s3_public_access_block",
    "CKV_AWS_18": "aws.stack_deny_s3_access_logging",
    "CKV_AWS_143": "aws.stack_deny_backup_bucket_object_lock",
    "CKV_AWS_36": "aws.stack_deny_cloudtrail_trail",
    "CKV_AWS_67": "aws.stack_deny_cloudtrail_trail",
    "CKV_AWS_7": "aws.deny_kms_key_rotation",
    "CKV_AWS_37": "aws.deny_eks_control_plane_logging",
    "CKV_AWS_38": "aws.deny_eks_endpoint_access",
    "CKV_AWS_39": "aws.deny_eks_endpoint_access",
    "CKV_AWS_58": "aws.deny_eks_secrets_encryption",
    "CKV_AWS_79": "aws.deny_launch_template_imdsv2",
    "CKV_AWS_341": "aws.deny_launch_template_imds_hop_limit",
    "CKV_AWS_24": "aws.deny_security_group_open_admin_ports",
    "CKV_AWS_25": "aws.deny_security_group_open_admin_ports",
    "CKV_AWS_60": "aws.stack_deny_iam_public_trust",
    "CKV_AWS_62": "aws.stack_deny_iam_wildcard_admin",
    "CKV_AWS_274": "aws.stack_deny_iam_admin_managed_policy",
}

needs_checkov = pytest.mark.skipif(
    not checkov_python().exists(), reason="no checkov tool environment: run `.ci/tools/install checkov`"
)


@pytest.fixture(scope="module")
def registered() -> dict[str, dict[str, RegisteredCheck]]:
    return registered_checks(*TABLE_FRAMEWORKS.values())


@pytest.fixture(scope="module")
def packs() -> list[Pack]:
    return load_packs(DEFAULT_PACKS)


def _table_ids(name: str) -> set[str]:
    """The ids one table file maps (the loader merges the files; the file an id sits in matters here)."""
    data = yaml.safe_load((CHECKOV_POLICIES / "mapping" / f"{name}.yaml").read_text(encoding="utf-8"))
    return {str(check_id) for check_id in data["checks"]}


# (a) complete


@needs_checkov
@pytest.mark.parametrize("table", sorted(TABLE_FRAMEWORKS))
def test_every_check_checkov_registers_for_the_framework_is_mapped(
    table: str, registered: dict[str, dict[str, RegisteredCheck]]
) -> None:
    known = registered[TABLE_FRAMEWORKS[table]]
    assert len(known) > 5, f"checkov listed only {sorted(known)} for {TABLE_FRAMEWORKS[table]}"
    missing = sorted(set(known) - _table_ids(table))
    assert missing == [], f"mapping/{table}.yaml lacks {[f'{i}: {known[i].name}' for i in missing]}"


@needs_checkov
@pytest.mark.parametrize("table", sorted(TABLE_FRAMEWORKS))
def test_the_table_names_no_check_its_framework_lacks(
    table: str, registered: dict[str, dict[str, RegisteredCheck]]
) -> None:
    # An id checkov dropped or one filed under the wrong framework's file.
    stray = sorted(_table_ids(table) - set(registered[TABLE_FRAMEWORKS[table]]))
    assert stray == [], f"mapping/{table}.yaml names ids checkov's {TABLE_FRAMEWORKS[table]} does not register"


# (b) controls spelled as the packs spell them, in the packs' frameworks


def test_every_control_follows_the_packs_spelling_and_frameworks(packs: list[Pack]) -> None:
    mapping = checkov_mapping()
    pack_frameworks = {framework_of(c) for pack in packs for rule in pack.rules for c in rule.controls}
    used = {c for rule in mapping.rules.values() for c in rule.controls}
    assert used, "the table maps no control"
    assert sorted(c for c in used if not CONTROL_ID.match(c)) == []
    assert sorted(c for c in used if framework_of(c) not in pack_frameworks) == []


def test_every_adopted_check_serves_a_control() -> None:
    # A check with no control would never reach a control row of the reports.
    bare = sorted(r.check_id for r in checkov_mapping().rules.values() if not r.controls)
    assert bare == []


# (c) one concern, one control row


def test_checks_and_rego_rules_of_the_same_concern_share_a_control(packs: list[Pack]) -> None:
    rego = {rule.policy_id: set(rule.controls) for pack in packs for rule in pack.rules}
    mapping = checkov_mapping()
    apart = {
        check_id: (policy_id, sorted(mapping.rule(check_id).controls), sorted(rego[policy_id]))
        for check_id, policy_id in SHARED_CONCERNS.items()
        if not set(mapping.rule(check_id).controls) & rego[policy_id]
    }
    assert apart == {}


def test_the_pairs_name_mapped_checks_and_existing_rules(packs: list[Pack]) -> None:
    rego = {rule.policy_id for pack in packs for rule in pack.rules}
    mapping = checkov_mapping()
    assert sorted(set(SHARED_CONCERNS.values()) - rego) == []
    assert sorted(c for c in SHARED_CONCERNS if not mapping.rule(c).mapped) == []


# (d) a malformed table is rejected with its file and id


def _table(tmp_path: Path, files: dict[str, str], default: str = "medium") -> Path:
    (tmp_path / "mapping").mkdir()
    (tmp_path / "defaults.yaml").write_text(f"defaultSeverity: {default}\n")
    for name, text in files.items():
        (tmp_path / "mapping" / name).write_text(text)
    return tmp_path


def _load(root: Path) -> CheckovMapping:
    return checkov_mapping(root)


def test_a_well_formed_table_loads(tmp_path: Path) -> None:
    root = _table(tmp_path, {"k.yaml": "checks:\n  CKV_X_1: {severity: high, controls: [NIST-800-53:AC-6]}\n"})
    assert _load(root).rule("CKV_X_1").controls == ("NIST-800-53:AC-6",)


def test_an_unknown_severity_is_rejected(tmp_path: Path) -> None:
    root = _table(tmp_path, {"k.yaml": "checks:\n  CKV_X_1: {severity: urgent, controls: [NIST-800-53:AC-6]}\n"})
    with pytest.raises(MappingError, match=r"k\.yaml: CKV_X_1: severity 'urgent'"):
        _load(root)


def test_not_adopted_without_a_reason_is_rejected(tmp_path: Path) -> None:
    text = "checks:\n  CKV_X_2: {severity: low, controls: [NIST-800-53:AC-6], adopted: false}\n"
    with pytest.raises(MappingError, match=r"k\.yaml: CKV_X_2: adopted: false needs a reason"):
        _load(_table(tmp_path, {"k.yaml": text}))


def test_an_id_in_two_files_is_rejected(tmp_path: Path) -> None:
    entry = "checks:\n  CKV_X_3: {severity: low, controls: [NIST-800-53:AC-6]}\n"
    with pytest.raises(MappingError, match=r"b\.yaml: CKV_X_3 is already mapped in .*a\.yaml"):
        _load(_table(tmp_path, {"a.yaml": entry, "b.yaml": entry}))


def test_a_misspelled_control_is_rejected(tmp_path: Path) -> None:
    text = "checks:\n  CKV_X_4: {severity: low, controls: [NIST-800-53:AC-6, NIST:AC-6]}\n"
    with pytest.raises(MappingError, match=r"k\.yaml: CKV_X_4: control ids \['NIST:AC-6'\]"):
        _load(_table(tmp_path, {"k.yaml": text}))


def test_a_bad_default_severity_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"defaults\.yaml: defaultSeverity 'severe'"):
        _load(_table(tmp_path, {}, default="severe"))


# The docs list every check we do not adopt, with its reason


def test_every_not_adopted_check_is_listed_in_the_docs() -> None:
    text = (CHECKOV_POLICIES.parents[1] / "docs" / "policies" / "checkov.md").read_text(encoding="utf-8")
    section = text.split("## Our mapping table", 1)[1].split("\n## ", 1)[0]
    listed = {line.split("`")[1] for line in section.splitlines() if line.startswith("| `")}
    not_adopted = {r.check_id for r in checkov_mapping().rules.values() if not r.adopted}
    assert listed == not_adopted
