"""Stored form of the reference profile: binary `.npz` or JSON, a content id and an optional HMAC.

The profile is a dict (`Profile.to_dict`) whose large arrays are encoded by
`drift_jobs.summarise.arrays.encode`. On storage it takes one of two forms:

- **npz** (default): a NumPy zip archive, uncompressed; member `meta` is the dict as UTF-8 JSON
  with every array replaced by `{"array": dtype, "offset": i, "length": n}`, a slice of the
  member named after its dtype (`float64`, `int64`: all arrays of a dtype concatenated, so the
  archive has three members however many features there are). It loads in milliseconds: no JSON
  parse of megabytes of base64, no per-array archive member.
- **json** (when the profile URI ends in `.json`): the dict itself, arrays in base64.

Integrity: `content_sha256` = SHA-256 over the canonical JSON of the metadata (sorted keys, the
fields below excluded) followed by, for each array in key order, its key, dtype, shape and
little-endian bytes. `profile_id` is its first 16 hex digits. Both are verified on load: a profile
whose statistics were altered (id kept or zeroed) is refused. With a key in
`DRIFT_JOB_PROFILE_HMAC_KEY` (or the file `DRIFT_JOB_PROFILE_HMAC_KEY_FILE` names, e.g. a mounted
Secret) saved profiles carry `signature` = HMAC-SHA256(key, content_sha256), and loading requires
a valid one. Profiles written before this format (no `integrity` field) are verified with their
original content id (SHA-256 of the sorted JSON body, 16 hex digits).
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from drift_jobs.errors import BadInputError
from drift_jobs.summarise.arrays import decode

INTEGRITY = "sha256-meta-arrays-1"
# Fields outside the content hash: the hash itself, its short form, the signature, the build time.
UNHASHED = frozenset({"profile_id", "content_sha256", "signature", "created_at"})
HMAC_KEY_ENV = "DRIFT_JOB_PROFILE_HMAC_KEY"
HMAC_KEY_FILE_ENV = "DRIFT_JOB_PROFILE_HMAC_KEY_FILE"
ID_LENGTH = 16
NPZ_MAGIC = b"PK\x03\x04"
META_MEMBER = "meta"
JSON_SUFFIX = ".json"


class ProfileError(BadInputError):
    """The stored profile is unreadable, malformed, tampered with or unsigned (exit 2).

    A cached profile (the default location) failing this way is rebuilt from the reference.
    """


Arrays = dict[str, npt.NDArray[Any]]


def _is_encoded(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"dtype", "shape", "b64"}


REF_KEYS = frozenset({"array", "offset", "length"})


def split_arrays(body: dict[str, Any]) -> tuple[dict[str, Any], Arrays]:
    """Replace every encoded array of `body` by a slice reference; return the metadata and one array per dtype."""
    parts: dict[str, list[npt.NDArray[Any]]] = {}
    sizes: dict[str, int] = {}

    def walk(value: Any) -> Any:
        if _is_encoded(value):
            arr = decode(value, np.dtype(value["dtype"])).ravel()
            key = arr.dtype.name
            offset = sizes.get(key, 0)
            parts.setdefault(key, []).append(arr)
            sizes[key] = offset + len(arr)
            return {"array": key, "offset": offset, "length": len(arr)}
        if isinstance(value, dict):
            return {k: walk(value[k]) for k in sorted(value)}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    meta = walk(body)
    return meta, {k: np.concatenate(v) for k, v in parts.items()}


def join_arrays(meta: Any, arrays: Arrays, uri: str) -> Any:
    """Put the arrays back where the metadata refers to them (`decode` accepts arrays as they are)."""

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == REF_KEYS:
                key, offset, length = value["array"], value["offset"], value["length"]
                blob = arrays.get(key) if isinstance(key, str) else None
                ints = isinstance(offset, int) and isinstance(length, int)
                if blob is None or not ints or offset < 0 or length < 0 or offset + length > len(blob):
                    raise ProfileError(f"{uri}: profile refers to array data it does not hold ({value})")
                return blob[offset : offset + length]
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return walk(meta)


def content_digest(meta: dict[str, Any], arrays: Arrays) -> str:
    h = hashlib.sha256()
    canonical = {k: v for k, v in meta.items() if k not in UNHASHED}
    h.update(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode())
    for key in sorted(arrays):
        arr = np.ascontiguousarray(arrays[key])
        little = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        h.update(f"\0{key}\0{little.dtype.str}\0{list(arr.shape)}\0".encode())
        h.update(np.ascontiguousarray(little).view(np.uint8).data)  # the bytes, not a copy
    return h.hexdigest()


def legacy_content_id(body: dict[str, Any]) -> str:
    """Content id of profiles written before `integrity` existed (JSON, arrays in base64)."""
    payload = json.dumps({k: v for k, v in body.items() if k not in {"profile_id", "created_at"}}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:ID_LENGTH]


# --- HMAC key ------------------------------------------------------------------------------------


def hmac_key() -> bytes | None:
    """The signing key from the environment, or None when profiles are not signed."""
    direct, path = os.environ.get(HMAC_KEY_ENV), os.environ.get(HMAC_KEY_FILE_ENV)
    if direct and path:
        raise BadInputError(f"set one of {HMAC_KEY_ENV} and {HMAC_KEY_FILE_ENV}, not both")
    if path:
        try:
            key = Path(path).read_bytes().strip()
        except OSError as exc:
            raise BadInputError(f"{HMAC_KEY_FILE_ENV}={path}: cannot read the profile key ({exc.strerror})") from exc
        if not key:
            raise BadInputError(f"{HMAC_KEY_FILE_ENV}={path}: the profile key file is empty")
        return key
    return direct.encode() if direct else None


def sign(digest: str, key: bytes) -> str:
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


# --- encoding and decoding -----------------------------------------------------------------------


def seal(body: dict[str, Any], key: bytes | None) -> tuple[dict[str, Any], Arrays]:
    """Metadata (with integrity fields and, with a key, the signature) and arrays of a profile dict."""
    meta, arrays = split_arrays(body)
    meta["integrity"] = INTEGRITY  # hashed with the rest: the scheme cannot be swapped silently
    digest = content_digest(meta, arrays)
    meta["content_sha256"] = digest
    meta["profile_id"] = digest[:ID_LENGTH]
    if key is not None:
        meta["signature"] = sign(digest, key)
    return meta, arrays


def encode_profile(body: dict[str, Any], uri: str, key: bytes | None) -> bytes:
    """Bytes to store at `uri`: JSON when it ends in .json, else npz."""
    meta, arrays = seal(body, key)
    if uri.endswith(JSON_SUFFIX):
        from drift_jobs.summarise.arrays import encode  # noqa: PLC0415

        doc = join_arrays(meta, arrays, uri)

        def default(value: Any) -> Any:
            if isinstance(value, np.ndarray):
                return encode(value)
            raise TypeError(f"cannot store {type(value).__name__} in a profile")

        return json.dumps(doc, separators=(",", ":"), default=default).encode()
    buf = io.BytesIO()
    members: dict[str, Any] = {META_MEMBER: np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}
    members.update(arrays)
    np.savez(buf, **members)
    return buf.getvalue()


def _read_npz(data: bytes, uri: str) -> tuple[dict[str, Any], Arrays]:
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if META_MEMBER not in npz.files:
                raise ProfileError(f"{uri}: profile archive has no {META_MEMBER!r} member")
            meta = json.loads(npz[META_MEMBER].tobytes())
            arrays = {k: npz[k] for k in npz.files if k != META_MEMBER}
    except ProfileError:
        raise
    except Exception as exc:  # zipfile, numpy format and JSON errors alike: the archive is unusable
        raise ProfileError(f"{uri}: profile archive is corrupt or truncated ({exc})") from exc
    if not isinstance(meta, dict):
        raise ProfileError(f"{uri}: not a drift profile (metadata is a JSON {type(meta).__name__})")
    for k, arr in arrays.items():
        if arr.ndim != 1 or arr.dtype.kind not in "iuf":
            raise ProfileError(f"{uri}: profile array {k} is not a 1-D numeric array ({arr.dtype}, {arr.shape})")
    return meta, arrays


def decode_profile(data: bytes, uri: str, key: bytes | None) -> dict[str, Any]:
    """The verified profile dict (arrays as numpy arrays) from stored bytes; ProfileError otherwise."""
    if data.startswith(NPZ_MAGIC):
        meta, arrays = _read_npz(data, uri)
    else:
        try:
            doc = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ProfileError(f"{uri}: profile is neither a profile archive nor valid JSON ({exc})") from exc
        if not isinstance(doc, dict):
            raise ProfileError(f"{uri}: not a drift profile (a JSON {type(doc).__name__})")
        if "integrity" not in doc:
            _verify_legacy(doc, uri, key)
            return doc
        try:
            meta, arrays = split_arrays(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise ProfileError(f"{uri}: profile array is malformed ({exc})") from exc
    _verify(meta, arrays, uri, key)
    result: dict[str, Any] = join_arrays(meta, arrays, uri)
    return result


def _verify(meta: dict[str, Any], arrays: Arrays, uri: str, key: bytes | None) -> None:
    if meta.get("kind") != "drift_profile":
        raise ProfileError(f"{uri}: not a drift profile")
    if meta.get("integrity") != INTEGRITY:
        raise ProfileError(f"{uri}: unknown profile integrity scheme {meta.get('integrity')!r}")
    digest = content_digest(meta, arrays)
    if meta.get("content_sha256") != digest or meta.get("profile_id") != digest[:ID_LENGTH]:
        raise ProfileError(
            f"{uri}: profile content does not match its content id {meta.get('profile_id')!r} "
            "(altered or corrupted); rebuild it with `drift-job profile`"
        )
    _check_signature(meta, digest, uri, key)


def _verify_legacy(doc: dict[str, Any], uri: str, key: bytes | None) -> None:
    if doc.get("kind") != "drift_profile":
        raise ProfileError(f"{uri}: not a drift profile")
    if doc.get("profile_id") != legacy_content_id(doc):
        raise ProfileError(
            f"{uri}: profile content does not match its content id {doc.get('profile_id')!r} "
            "(altered or corrupted); rebuild it with `drift-job profile`"
        )
    _check_signature(doc, None, uri, key)


def _check_signature(meta: dict[str, Any], digest: str | None, uri: str, key: bytes | None) -> None:
    if key is None:
        return
    sig = meta.get("signature")
    if not isinstance(sig, str) or digest is None:
        raise ProfileError(f"{uri}: profile is not signed, and {HMAC_KEY_ENV} requires a signature")
    if not hmac.compare_digest(sig, sign(digest, key)):
        raise ProfileError(f"{uri}: profile signature does not verify with the configured key")
