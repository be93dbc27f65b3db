"""Propose an image digest into the stack files: `python -m infra.config.pin_image --key driftJobs.image
--image <registry>/<repository>[:<tag>]@sha256:<digest> [stacks/Pulumi.<stack>.yaml ...]`.

The image workflow builds and scans an image, then runs this to open a pull request that pins the digest it
pushed. Every stack file of the project is edited unless files are named. The edit is a line edit located
through the YAML node positions: only the value of `ai-platform:<section>.image` changes (or the key is added
at the end of `config:`), so comments, order and formatting stay as the reviewer knows them. Each edited
file is validated by the config loader before it is written; nothing is written when any file fails.

Exit codes: 0 written (or already pinned), 2 bad input (the file, the key and what is wrong on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import yaml
from pydantic import BaseModel

from infra.bounds import BoundsError, load_yaml, read_text
from infra.config.errors import NAMESPACE, ConfigError
from infra.config.loader import parse_platform_config, stack_identity
from infra.config.model import IMAGE_DIGEST, PlatformConfig

REPO_ROOT = Path(__file__).resolve().parents[2]
EXIT_OK = 0
EXIT_BAD_INPUT = 2
EPILOG = f"""exit codes:
  {EXIT_OK}  written (or already pinned)
  {EXIT_BAD_INPUT}  bad input (the file, the key and what is wrong on stderr)"""
IMAGE_FIELD = "image"


class PinError(Exception):
    """Bad input: one line naming the file (or option) and the key."""


def image_keys() -> tuple[str, ...]:
    """`<section>.image` for every config section with an image (driftJobs, storageJobs), from the model."""
    keys: list[str] = []
    for name, field in PlatformConfig.model_fields.items():
        section = field.annotation
        if isinstance(section, type) and issubclass(section, BaseModel) and IMAGE_FIELD in section.model_fields:
            keys.append(f"{field.alias or name}.{IMAGE_FIELD}")
    return tuple(sorted(keys))


def default_stack_files(project_root: Path = REPO_ROOT) -> list[Path]:
    """Every `Pulumi.<stack>.yaml` of the project's stackConfigDir (Pulumi.yaml)."""
    project = yaml.safe_load((project_root / "Pulumi.yaml").read_text(encoding="utf-8"))
    config_dir = project.get("stackConfigDir", ".") if isinstance(project, dict) else "."
    return sorted((project_root / str(config_dir)).glob("Pulumi.*.yaml"))


def pin(text: str, shown: str, section: str, image: str) -> str:
    """The stack file's text with `ai-platform:<section>.image` set to `image` (no other line changes)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        raise PinError(f"{shown}: invalid YAML: {getattr(error, 'problem', error)}") from None
    config = _child(root, "config")
    if not isinstance(config, yaml.MappingNode) or config.flow_style or not config.value:
        raise PinError(f"{shown}: a stack file is a mapping with a block `config:` mapping")
    lines = text.splitlines(keepends=True)
    key = f"{NAMESPACE}:{section}"
    value = _child(config, key)
    if value is None:
        indent = " " * config.value[0][0].start_mark.column
        step = " " * max(2, len(indent))
        block = f"{indent}{key}:\n{indent}{step}{IMAGE_FIELD}: {image}\n"
        end = _last_line(config) + 1
        if end == len(lines) and lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        return "".join([*lines[:end], block, *lines[end:]])
    where = f"{shown}:{value.start_mark.line + 1}: {key}"
    if not isinstance(value, yaml.MappingNode) or value.flow_style:
        raise PinError(f"{where}: expected a block mapping with `{IMAGE_FIELD}:`, to edit one line of it")
    current = _child(value, IMAGE_FIELD)
    if current is None:
        first = value.value[0][0].start_mark
        entry = f"{' ' * first.column}{IMAGE_FIELD}: {image}\n"
        return "".join([*lines[: first.line], entry, *lines[first.line :]])
    if not isinstance(current, yaml.ScalarNode) or current.start_mark.line != current.end_mark.line:
        raise PinError(f"{where}.{IMAGE_FIELD}: expected a one-line string value")
    row, start, end = int(current.start_mark.line), int(current.start_mark.column), int(current.end_mark.column)
    lines[row] = lines[row][:start] + image + lines[row][end:]  # a trailing comment stays
    return "".join(lines)


def check(text: str, stack_file: Path, section: str, image: str) -> None:
    """The edited file loads through the config loader and holds exactly `image` under the key."""
    shown = str(stack_file)
    try:
        document = load_yaml(text, shown)
    except BoundsError as error:
        raise PinError(f"{shown}: {error.detail}") from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise PinError(f"{shown}: a stack file is a mapping with a `config:` mapping")
    written = (config.get(f"{NAMESPACE}:{section}") or {}).get(IMAGE_FIELD)
    if written != image:
        raise PinError(f"{shown}: {NAMESPACE}:{section}.{IMAGE_FIELD} reads back as {written!r}, not the image")
    try:
        parse_platform_config(config, stack_file, stack_identity(stack_file))
    except ConfigError as error:
        problems = "; ".join(problem.render() for problem in error.problems)
        raise PinError(f"{shown}: the stack config does not load after the edit: {problems}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.config.pin_image",
        description="Set an image pinned by digest in the stack files (every stack file unless files are given).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--key", required=True, choices=image_keys(), help="the config key to set")
    parser.add_argument("--image", required=True, help="<registry>/<repository>[:<tag>]@sha256:<64 hex digits>")
    parser.add_argument("stack_files", nargs="*", type=Path, help="stacks/Pulumi.<stack>.yaml (default: all)")
    args = parser.parse_args(argv)
    section = args.key.removesuffix(f".{IMAGE_FIELD}")
    try:
        if not IMAGE_DIGEST.match(args.image):
            raise PinError(
                f"--image {args.image!r} for {args.key}: must be pinned by digest: "
                "<registry>/<repository>[:<tag>]@sha256:<64 hex digits>"
            )
        files = args.stack_files or default_stack_files()
        if not files:
            raise PinError(f"{REPO_ROOT}: no stack files found")
        edits = _edits(files, section, args.image)
    except PinError as error:
        print(f"pin_image: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for path, text in edits.items():
        _replace(path, text)
    changed = ", ".join(str(path) for path in edits) or "none (already pinned)"
    print(f"pin_image: {args.key} = {args.image} in {len(files)} stack file(s); changed: {changed}")
    return EXIT_OK


def _edits(files: Sequence[Path], section: str, image: str) -> dict[Path, str]:
    """The new text of every file that changes, all computed and checked before any is written."""
    results: dict[Path, str] = {}
    for path in files:
        try:
            text = read_text(path, "stack")
        except BoundsError as error:
            raise PinError(f"{path}: {error.detail}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise PinError(f"{path}: cannot read: {getattr(error, 'strerror', None) or error}") from None
        new = pin(text, str(path), section, image)
        check(new, path, section, image)
        if new != text:
            results[path] = new
    return results


def _replace(path: Path, text: str) -> None:
    # Same directory, then an atomic rename: a reader never sees half a stack file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).chmod(path.stat().st_mode & 0o777)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _last_line(node: yaml.Node) -> int:
    """0-based line of the last scalar in the node (a block's own end mark lies past trailing comments)."""
    if isinstance(node, yaml.ScalarNode):
        return int(node.end_mark.line)
    children: list[yaml.Node] = []
    if isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    elif isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    return max((_last_line(child) for child in children), default=int(node.start_mark.line))


if __name__ == "__main__":
    sys.exit(main())
