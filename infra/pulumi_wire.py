"""Pulumi's wire-format sentinels, as the engine and the CLI write them into a plan document.

Defined once: the offline plan writer (infra/offline) produces values with them and the gate
(policies/gate) reads them back; the Rego packs spell the unknown sentinel too, and
tests/policies/packs/test_rego_pack_metadata.py holds their spelling to this one.
"""

from __future__ import annotations

# A property object carrying this key is an envelope, not data; its value says which kind.
SIGNATURE_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIGNATURE = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT_SIGNATURE = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

# A value not known before apply, as `pulumi preview --json` prints it.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# A secret value, as the CLI prints it.
SECRET = "[secret]"
