"""Load policy packs (pulumi-policy-opa layout) from disk: manifest, modules, tests and rule metadata."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from policies.engines.errors import EngineError
from policies.engines.metadata import RuleMeta, parse_rules

InputFormat = Literal["pulumi", "kubernetes-admission"]
ModuleSet = Literal["policy", "fixtures", "tests"]
"""policy: the pack's rules; fixtures: plus fixture modules; tests: plus every test module."""

MANIFEST = "PulumiPolicy.yaml"
# Test modules that only define `fixtures.<test name>` documents and helpers, never `with`: they load
# on every engine (regopy 1.5.2 cannot even compile a module set holding `with input as`).
FIXTURE_SUFFIX = "_fixtures_test.rego"
_PACKAGE = re.compile(r"^package\s+(?P<name>[A-Za-z_][A-Za-z0-9_.]*)\s*$", re.MULTILINE)
_REGO_V1 = re.compile(r"^import\s+rego\.v1\s*$", re.MULTILINE)
# Base documents a pack ships next to its modules (values both its rules and Python read, defined once).
# Each file is a mapping whose top-level keys become `data.<key>`; several files may split the keys.
DATA_GLOB = "*.data.yaml"
# Base documents several packs read (the node-pool scheduling contract: GPU taint, labels, AMI types) live
# once in `<packs root>/shared/*.data.yaml` and are loaded into every pack, before the pack's own files.
SHARED_DATA_DIR = "shared"
# Keys the gate itself provides (see policies/README.md): a pack must not shadow them.
RESERVED_DATA_KEYS = frozenset({"inventory"})


@dataclass(frozen=True)
class Pack:
    """One policy pack: a single Rego package plus its tests, as `pulumi preview --policy-pack` sees it."""

    name: str
    path: Path
    package: str
    input_format: InputFormat
    version: str
    modules: dict[str, str]
    test_modules: dict[str, str]
    rules: list[RuleMeta]
    sha256: str
    data: dict[str, Any] = field(default_factory=dict)
    """Base documents from the pack's `*.data.yaml` files, passed to every engine with the gate's own data."""

    @property
    def fixture_modules(self) -> dict[str, str]:
        return {name: source for name, source in self.test_modules.items() if name.endswith(FIXTURE_SUFFIX)}

    def modules_for(self, include: ModuleSet) -> dict[str, str]:
        if include == "tests":
            return {**self.modules, **self.test_modules}
        if include == "fixtures":
            return {**self.modules, **self.fixture_modules}
        return dict(self.modules)

    def rule(self, name: str) -> RuleMeta:
        for rule in self.rules:
            if rule.rule == name:
                return rule
        raise KeyError(f"{self.name} has no rule {name!r}")

    @property
    def data_path(self) -> str:
        """The package as a `data.` reference, e.g. `data.aws`."""
        return f"data.{self.package}"


def stray_rego_files(root: Path) -> list[Path]:
    """Rego files under `root` that no pack would load: outside a pack directory, or in a pack's subfolder.

    Packs load `<pack>/*.rego` only (as pulumi-policy-opa does), so a rule file anywhere else would
    silently never be evaluated, nor cross-checked on both engines.
    """
    loaded = {manifest.parent for manifest in root.glob(f"*/{MANIFEST}")}
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix.lower() == ".rego" and path.is_file() and path.parent not in loaded
    )


def load_packs(root: Path) -> list[Pack]:
    """Load every pack directory under `root` (a directory holding `PulumiPolicy.yaml`), sorted by name."""
    if not root.is_dir():
        raise EngineError(f"policy pack root {root} is not a directory")
    stray = stray_rego_files(root)
    if stray:
        raise EngineError(f"Rego files no pack loads: {', '.join(str(p.relative_to(root)) for p in stray)}")
    packs = [load_pack(manifest.parent) for manifest in sorted(root.glob(f"*/{MANIFEST}"))]
    if not packs:
        raise EngineError(f"no policy packs (directories with {MANIFEST}) under {root}")
    return packs


def load_pack(path: Path) -> Pack:
    """Load one pack directory, validating what pulumi-policy-opa and the gate both rely on."""
    name = path.name
    manifest = _read_manifest(path, name)
    modules: dict[str, str] = {}
    test_modules: dict[str, str] = {}
    for file in sorted(path.glob("*.rego")):
        target = test_modules if file.name.endswith("_test.rego") else modules
        target[file.name] = file.read_text(encoding="utf-8")
    if not modules:
        raise EngineError("pack has no policy modules (*.rego)", pack=name)
    package = _single_package(name, {**modules, **test_modules})
    rules: list[RuleMeta] = []
    for file_name, source in modules.items():
        rules.extend(parse_rules(name, path / file_name, source))
    duplicates = sorted({r.rule for r in rules if sum(o.rule == r.rule for o in rules) > 1})
    if duplicates:
        raise EngineError(f"rules carry METADATA in more than one file: {duplicates}", pack=name)
    return Pack(
        name=name,
        path=path,
        package=package,
        input_format=manifest[0],
        version=manifest[1],
        modules=modules,
        test_modules=test_modules,
        rules=sorted(rules, key=lambda r: r.rule),
        sha256=_hash_directory(path, *shared_data_files(path.parent)),
        data=_read_data([*shared_data_files(path.parent), *sorted(path.glob(DATA_GLOB))], name, package),
    )


def shared_data_files(root: Path) -> list[Path]:
    """The data files every pack under `root` loads (`root/shared/*.data.yaml`)."""
    return sorted((root / SHARED_DATA_DIR).glob(DATA_GLOB))


def _read_data(files: list[Path], name: str, package: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for file in files:
        try:
            document = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise EngineError(f"cannot read the data file: {error}", pack=name, where=file.name) from error
        if not isinstance(document, dict) or not document:
            raise EngineError("a data file must be a non-empty mapping of base documents", pack=name, where=file.name)
        for key, value in document.items():
            # The package's own path holds its rules; a base document there would collide with them.
            if not isinstance(key, str) or key in data or key in RESERVED_DATA_KEYS or key == package.split(".", 1)[0]:
                raise EngineError(f"data key {key!r} is reserved or defined twice", pack=name, where=file.name)
            data[key] = value
    return data


def _read_manifest(path: Path, name: str) -> tuple[InputFormat, str]:
    try:
        manifest = yaml.safe_load((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise EngineError(f"cannot read {MANIFEST}: {error}", pack=name) from error
    if not isinstance(manifest, dict) or manifest.get("runtime") != "opa":
        raise EngineError(f"{MANIFEST} must declare `runtime: opa`", pack=name)
    input_format = manifest.get("inputFormat", "pulumi")
    if input_format not in ("pulumi", "kubernetes-admission"):
        raise EngineError(f"unsupported inputFormat {input_format!r}", pack=name)
    return input_format, str(manifest.get("version", "0.0.0"))


def _single_package(name: str, sources: dict[str, str]) -> str:
    packages: set[str] = set()
    for file_name, source in sources.items():
        found = _PACKAGE.findall(source)
        if len(found) != 1:
            raise EngineError("module must declare exactly one package", pack=name, where=file_name)
        if not _REGO_V1.search(source):
            # Embedded engines silently mis-evaluate v0 syntax (DESIGN §5.3), so v1 is mandatory.
            raise EngineError("module must `import rego.v1`", pack=name, where=file_name)
        packages.add(found[0])
    if len(packages) != 1:
        raise EngineError(f"one Rego package per pack, found {sorted(packages)}", pack=name)
    return packages.pop()


def _hash_directory(path: Path, *extra_files: Path) -> str:
    """The pack's identity: every file of its directory plus the shared data files it loads."""
    digest = hashlib.sha256()
    files = [(p.relative_to(path).as_posix(), p) for p in sorted(path.rglob("*")) if p.is_file()]
    files += [(f"../{SHARED_DATA_DIR}/{p.name}", p) for p in extra_files]
    for relative, file in files:
        digest.update(relative.encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
