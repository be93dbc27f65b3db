"""Read one JSON input of the gate (a plan, an image scan) within its size bound, or say what is wrong with it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from infra.bounds import BoundsError, load_json, read_text
from infra.bounds.loader import FileKind
from policies.gate.errors import GateInputError


def read_json_input(path: Path, bound: FileKind, *, what: str, missing: str, directory: str) -> Any:
    """The parsed document; GateInputError (exit 2) naming the file, and the line:column of malformed JSON.

    `bound` names the size limit in infra/bounds/limits.yaml; `what` is how messages call the file ("plan"),
    `missing` and `directory` are the messages for a path that does not exist or is a directory.
    """
    try:
        text = read_text(path, bound)
    except BoundsError as error:
        raise GateInputError(path, error.detail) from None
    except FileNotFoundError:
        raise GateInputError(path, missing) from None
    except IsADirectoryError:
        raise GateInputError(path, directory) from None
    except (OSError, UnicodeDecodeError) as error:
        raise GateInputError(path, f"cannot read {what}: {error}") from None
    try:
        return load_json(text, str(path))
    except json.JSONDecodeError as error:
        raise GateInputError(path, f"malformed JSON: {error.msg}", where=f"{error.lineno}:{error.colno}") from None
    except BoundsError as error:
        raise GateInputError(path, error.detail) from None
