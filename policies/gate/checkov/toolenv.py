"""Where the pinned checkov lives and how it runs offline (DESIGN §6).

checkov's pins conflict with pulumi's, so it never enters the project environment: `.ci/tools/install checkov`
puts it in `.tools/checkov/` from the hash-checked lock `.ci/tools/checkov.txt` (`make setup` does it).
`AI_PLATFORM_CHECKOV` names another executable (a test points it at a missing or broken one).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
TOOL_ENV = REPO_ROOT / ".tools" / "checkov"
LOCK_FILE = REPO_ROOT / ".ci" / "tools" / "checkov.txt"
EXECUTABLE_VARIABLE = "AI_PLATFORM_CHECKOV"

# Without these checkov calls a vendor API at start (mappings, guidelines) and downloads external modules.
OFFLINE_ENVIRONMENT = {
    "BC_SKIP_MAPPING": "TRUE",
    "CHECKOV_SKIP_DOWNLOAD": "TRUE",
    "ANSI_COLORS_DISABLED": "TRUE",
}
OFFLINE_ARGUMENTS = ("--skip-download",)


def checkov_executable() -> Path:
    """The checkov to run: $AI_PLATFORM_CHECKOV, else the tool environment's (which may not exist yet)."""
    configured = os.environ.get(EXECUTABLE_VARIABLE)
    return Path(configured) if configured else TOOL_ENV / "bin" / "checkov"


def checkov_python() -> Path:
    """The tool environment's interpreter (to ask checkov's registries what it knows)."""
    return TOOL_ENV / "bin" / "python"


def pinned_version() -> str:
    """The checkov version the lock file pins (`checkov==X.Y.Z`)."""
    for line in LOCK_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("checkov=="):
            return line.split("==", 1)[1].split()[0].rstrip("\\").strip()
    raise ValueError(f"{LOCK_FILE}: no checkov== pin")


def offline_environment() -> dict[str, str]:
    return {**os.environ, **OFFLINE_ENVIRONMENT}
