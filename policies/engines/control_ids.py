"""How control ids are spelled: the catalogue's frameworks and their id formats, shared by the Rego packs'
METADATA and the checkov mapping table, so that one control row can hold rules of both."""

from __future__ import annotations

import re
from typing import Final

CONTROL_ID: Final = re.compile(
    r"^(CIS-EKS-\d+(\.\d+)+|NIST-800-53:[A-Z]{2}-\d+|ISO-27001:A\.\d+\.\d+|ISO-42001:A\.\d+(\.\d+)*|EU-AI-Act:Art\.\d+)$"
)
