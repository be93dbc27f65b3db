"""Manifest discovery (issue 7, item 4): every YAML/JSON file is read or listed as skipped, never dropped silently."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from gate_support import GateRunner

from policies.gate.inputs.manifests import load_manifests

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: apps}\ndata: {a: b}\n"


def privileged_pod(name: str = "root-shell") -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "apps"},
        "spec": {
            "containers": [
                {"name": "c", "image": "registry.k8s.io/pause:3.10", "securityContext": {"privileged": True}}
            ]
        },
    }


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", ["pod.YAML", "pod.Yml", "pod.json", "pod.JSON"])
def test_manifest_suffixes_match_in_any_case_and_json_is_read(gate: GateRunner, tmp_path: Path, name: str) -> None:
    manifests = _tree(tmp_path / "m", {"ok.yaml": CONFIG_MAP, name: json.dumps(privileged_pod())})
    run = gate(manifests=manifests)
    assert run.exit_code == 1
    assert "tiny_k8s.deny_privileged" in run.policy_ids("fail", blocking=True)


def test_json_file_may_hold_a_list_and_lists_inside_lists_are_flattened(tmp_path: Path) -> None:
    inner = {"apiVersion": "v1", "kind": "List", "items": [privileged_pod("deep")]}
    outer = {"apiVersion": "v1", "kind": "List", "items": [inner, privileged_pod("shallow")]}
    manifests = _tree(tmp_path / "m", {"list.json": json.dumps(outer)})
    assert sorted(o.name for o in load_manifests(manifests, tmp_path)[1]) == ["deep", "shallow"]


def test_a_list_inside_a_yaml_list_is_flattened_and_assessed(gate: GateRunner, tmp_path: Path) -> None:
    pod = json.dumps(privileged_pod("nested"))
    text = f"apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: PodList\n    items:\n      - {pod}\n"
    run = gate(manifests=_tree(tmp_path / "m", {"list.yaml": text}))
    assert run.exit_code == 1
    finding = next(f for f in run.findings if f["policyId"] == "tiny_k8s.deny_privileged")
    assert finding["resource"]["name"] == "nested"
    assert finding["location"]["line"] == 7


def test_hidden_files_and_folders_are_read_and_listed_in_every_report(gate: GateRunner, tmp_path: Path) -> None:
    pod = json.dumps(privileged_pod())
    manifests = _tree(tmp_path / "m", {"ok.yaml": CONFIG_MAP, ".hidden/pod.yaml": pod, ".pod2.yml": pod})
    run = gate(manifests=manifests)
    assert run.exit_code == 1
    hidden = {note["path"].rsplit("/m/", 1)[-1] for note in run.report["input"]["hiddenRead"]}
    assert hidden == {".hidden/pod.yaml", ".pod2.yml"}
    for report in ("report.md", "report.html"):
        text = (run.out / report).read_text(encoding="utf-8")
        assert ".hidden/pod.yaml" in text and "Hidden input files read" in text


def test_skipped_files_are_listed_with_the_reason_in_every_report(gate: GateRunner, tmp_path: Path) -> None:
    manifests = _tree(tmp_path / "m", {"ok.yaml": CONFIG_MAP, "notes.txt": "x", "pod.yaml.bak": "x"})
    os.mkfifo(manifests / "pipe.yaml")  # reading it would block forever
    run = gate(manifests=manifests)
    assert run.exit_code == 0
    skipped = {note["path"].rsplit("/", 1)[-1]: note["reason"] for note in run.report["input"]["skipped"]}
    assert skipped.keys() == {"notes.txt", "pod.yaml.bak", "pipe.yaml"}
    assert "not a regular file" in skipped["pipe.yaml"]
    for report in ("report.md", "report.html"):
        text = (run.out / report).read_text(encoding="utf-8")
        assert "Input files skipped" in text and "pod.yaml.bak" in text


def test_symlinks_are_followed_inside_the_root_only(gate: GateRunner, tmp_path: Path) -> None:
    outside = _tree(tmp_path / "outside", {"pod.yaml": json.dumps(privileged_pod("outside"))})
    manifests = _tree(tmp_path / "m", {"real/pod.yaml": json.dumps(privileged_pod("inside")), "ok.yaml": CONFIG_MAP})
    (manifests / "linked-inside").symlink_to(manifests / "real", target_is_directory=True)
    (manifests / "linked-file.yml").symlink_to(manifests / "real" / "pod.yaml")
    (manifests / "linked-outside").symlink_to(outside, target_is_directory=True)
    (manifests / "outside.yaml").symlink_to(outside / "pod.yaml")
    (manifests / "real" / "loop").symlink_to(manifests, target_is_directory=True)
    (manifests / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    run = gate(manifests=manifests)
    pods = {f["resource"]["name"] for f in run.findings if f["policyId"] == "tiny_k8s.deny_privileged"}
    assert pods == {"inside"}
    assert [o.name for o in load_manifests(manifests, tmp_path)[1] if o.kind == "Pod"] == ["inside"]  # read once
    reasons = {note["path"].rsplit("/m/", 1)[-1]: note["reason"] for note in run.report["input"]["skipped"]}
    assert "outside the manifests directory" in reasons["linked-outside"]
    assert "outside the manifests directory" in reasons["outside.yaml"]
    assert "already read" in reasons["real/loop"]
    assert "already read" in reasons["linked-inside"]
    assert "same file" in reasons["linked-file.yml"]
    assert "broken" in reasons["dangling.yaml"]


def test_a_symlinked_folder_inside_the_root_is_read(tmp_path: Path) -> None:
    manifests = _tree(tmp_path / "m", {"ok.yaml": CONFIG_MAP})
    _tree(manifests, {".store/pods/pod.yaml": json.dumps(privileged_pod("via-link"))})
    (manifests / "apps").symlink_to(manifests / ".store" / "pods", target_is_directory=True)
    names = {o.name for o in load_manifests(manifests, tmp_path)[1]}
    assert "via-link" in names


@pytest.mark.parametrize(
    "text",
    ["---\n---\n", "# nothing but a comment\n", "apiVersion: v1\nkind: List\nitems: []\n"],
    ids=["empty-documents", "comment-only", "empty-list"],
)
def test_a_directory_without_any_kubernetes_object_is_bad_input(gate: GateRunner, tmp_path: Path, text: str) -> None:
    manifests = _tree(tmp_path / "m", {"empty.yaml": text})
    run = gate(manifests=manifests)
    assert run.exit_code == 2
    assert str(manifests) in run.stderr and "no Kubernetes object" in run.stderr
    assert "Traceback" not in run.stderr
