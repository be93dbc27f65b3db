"""Recognise credentials typed into the stack file, which must only ever name a secret.

A stack file is committed and printed in plans; a webhook token or a routing key pasted into it is a leak.
The checks are deliberately broad (a false alarm costs a rename; a miss costs a rotated key).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

# Vendor prefixes of well-known key formats (Slack, GitHub, AWS, Stripe-style, JWT, PEM).
_PREFIXES = re.compile(r"(xox[abprs]-|ghp_|gho_|github_pat_|AKIA|ASIA|sk_live_|sk_test_|eyJ|-----BEGIN)")
# A long run of key characters that mixes letters and digits: a token, not a word.
_TOKEN = re.compile(r"[A-Za-z0-9_+=]{16,}")
# URL parts that carry credentials in webhook URLs.
_SECRET_PARAMS = re.compile(r"(token|key|secret|password|passwd|pwd|sig|signature|auth|code|apikey)", re.I)
_SECRET_HOSTS = ("hooks.slack.com", "events.pagerduty.com", "outlook.office.com", "webhook.office.com")


def _is_token(text: str) -> bool:
    return any(re.search(r"[A-Za-z]", m) and re.search(r"\d", m) for m in _TOKEN.findall(text))


def credential_reason(text: str) -> str | None:
    """Why `text` looks like a credential, or None."""
    if _PREFIXES.search(text):
        return "contains a string shaped like an API key or token"
    if "://" in text:
        parts = urlsplit(text)
        if parts.username or parts.password:
            return "the URL carries a user name or password"
        if any(_SECRET_PARAMS.search(name) for name, _ in parse_qsl(parts.query, keep_blank_values=True)):
            return "the URL's query carries a credential parameter"
        if (parts.hostname or "") in _SECRET_HOSTS:
            return f"a {parts.hostname} URL is itself the credential"
        if _is_token(parts.path) or _is_token(parts.query):
            return "the URL contains a token-like path or query segment"
        return None
    if _is_token(text):
        return "contains a token-like string (a long run mixing letters and digits)"
    return None


def reject_credential(text: str) -> str:
    """Pydantic validator: a value that looks like a credential is refused with the reason."""
    reason = credential_reason(text)
    if reason is not None:
        raise ValueError(
            f"looks like an inline credential ({reason}); store it with "
            "`pulumi config set --secret ai-platform-secrets:<key> ...` and name <key> in a *Secret field"
        )
    return text
