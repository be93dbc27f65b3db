"""infra.config.pin_image: proposes an image digest into the stack files, one value changed, the rest as it was."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.config.loader import load_stack_file
from infra.config.pin_image import default_stack_files, image_keys, main, pin

ROOT = Path(__file__).resolve().parents[2]
DIGEST = "sha256:" + "ab" * 32
DRIFT_IMAGE = f"ghcr.io/ai-platform/drift-job:0.2.0@{DIGEST}"
STORAGE_IMAGE = f"ghcr.io/ai-platform/storage-jobs:0.2.0@{DIGEST}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project file and the stack files, so that the stack identity checks still apply."""
    shutil.copy(ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    shutil.copytree(ROOT / "stacks", tmp_path / "stacks")
    return tmp_path


def _changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    old, new = before.splitlines(), after.splitlines()
    return [line for line in old if line not in new], [line for line in new if line not in old]


def test_the_keys_are_the_config_sections_with_an_image() -> None:
    assert image_keys() == ("driftJobs.image", "storageJobs.image")


def test_every_stack_file_is_the_default() -> None:
    assert [p.name for p in default_stack_files()] == sorted(p.name for p in (ROOT / "stacks").glob("Pulumi.*.yaml"))


def test_pins_every_named_stack_file_and_each_still_loads(project: Path) -> None:
    files = sorted((project / "stacks").glob("Pulumi.*.yaml"))
    before = {path: path.read_text(encoding="utf-8") for path in files}
    assert main(["--key", "driftJobs.image", "--image", DRIFT_IMAGE, *map(str, files)]) == 0
    for path in files:
        config, _ = load_stack_file(path)
        assert config.drift_jobs.image == DRIFT_IMAGE
        removed, added = _changed_lines(before[path], path.read_text(encoding="utf-8"))
        assert removed == [] and added == ["  ai-platform:driftJobs:", f"    image: {DRIFT_IMAGE}"]


def test_an_existing_value_is_replaced_in_place_keeping_comments_and_order(project: Path) -> None:
    stack = project / "stacks" / "Pulumi.dev.yaml"
    text = stack.read_text(encoding="utf-8")
    old_image = f"ghcr.io/ai-platform/storage-jobs:0.1.0@sha256:{'0' * 64}"
    marker = "  ai-platform:tags:\n"
    section = f"  ai-platform:storageJobs:\n    image: {old_image}  # set by the image workflow\n"
    stack.write_text(text.replace(marker, section + marker), encoding="utf-8")
    before = stack.read_text(encoding="utf-8")
    assert main(["--key", "storageJobs.image", "--image", STORAGE_IMAGE, str(stack)]) == 0
    after = stack.read_text(encoding="utf-8")
    assert after == before.replace(old_image, STORAGE_IMAGE)
    assert "  # set by the image workflow" in after
    assert load_stack_file(stack)[0].storage_jobs.image == STORAGE_IMAGE


def test_a_section_without_image_gets_the_key_as_its_first_line() -> None:
    text = "config:\n  ai-platform:environment: dev\n  ai-platform:driftJobs:\n    other: 1\n# end\n"
    assert pin(text, "s.yaml", "driftJobs", DRIFT_IMAGE) == (
        f"config:\n  ai-platform:environment: dev\n  ai-platform:driftJobs:\n    image: {DRIFT_IMAGE}\n"
        "    other: 1\n# end\n"
    )


def test_pinning_the_same_image_again_changes_nothing(project: Path) -> None:
    stack = project / "stacks" / "Pulumi.prod.yaml"
    assert main(["--key", "driftJobs.image", "--image", DRIFT_IMAGE, str(stack)]) == 0
    once = stack.read_text(encoding="utf-8")
    assert main(["--key", "driftJobs.image", "--image", DRIFT_IMAGE, str(stack)]) == 0
    assert stack.read_text(encoding="utf-8") == once


@pytest.mark.parametrize(
    "image",
    ["ghcr.io/ai-platform/drift-job:0.2.0", "ghcr.io/ai-platform/drift-job@sha256:abc", "GHCR.io/x@" + DIGEST],
)
def test_an_image_not_pinned_by_digest_is_exit_2_naming_the_key(
    project: Path, image: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = project / "stacks" / "Pulumi.dev.yaml"
    before = stack.read_text(encoding="utf-8")
    assert main(["--key", "driftJobs.image", "--image", image, str(stack)]) == 2
    assert "driftJobs.image" in capsys.readouterr().err
    assert stack.read_text(encoding="utf-8") == before


def test_a_flow_style_section_is_exit_2_naming_file_and_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = tmp_path / "Pulumi.x.yaml"
    stack.write_text("config:\n  ai-platform:driftJobs: {image: old}\n", encoding="utf-8")
    assert main(["--key", "driftJobs.image", "--image", DRIFT_IMAGE, str(stack)]) == 2
    assert f"{stack}:2: ai-platform:driftJobs" in capsys.readouterr().err


def test_nothing_is_written_when_one_file_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = project / "stacks" / "Pulumi.dev.yaml"
    missing = project / "stacks" / "Pulumi.nope.yaml"
    before = good.read_text(encoding="utf-8")
    assert main(["--key", "driftJobs.image", "--image", DRIFT_IMAGE, str(good), str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err
    assert good.read_text(encoding="utf-8") == before


def test_a_file_whose_config_no_longer_loads_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = tmp_path / "Pulumi.x.yaml"
    stack.write_text("config:\n  ai-platform:environment: nowhere\n", encoding="utf-8")
    assert main(["--key", "driftJobs.image", "--image", DRIFT_IMAGE, str(stack)]) == 2
    assert "does not load after the edit" in capsys.readouterr().err
    assert "driftJobs" not in stack.read_text(encoding="utf-8")


def test_runs_as_the_workflow_calls_it(project: Path) -> None:
    stack = project / "stacks" / "Pulumi.staging.yaml"
    command = [sys.executable, "-m", "infra.config.pin_image", "--key", "driftJobs.image", "--image", DRIFT_IMAGE]
    proc = subprocess.run([*command, str(stack)], cwd=ROOT, capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert load_stack_file(stack)[0].drift_jobs.image == DRIFT_IMAGE
