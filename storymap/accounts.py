"""Editors' accounts: who may change a story.

Passwords are stored only as salted PBKDF2-SHA256 hashes (``python -m storymap
hash-password`` makes one). Accounts come from Streamlit secrets
(``[storymap.editors]`` name = "hash") or from ``STORYMAP_EDITORS``
("name=hash;other=hash"); a deployment with OpenID Connect lets ``st.login``
users in whose e-mail is listed in ``[storymap] oidc_editors``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import Mapping

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's figure for PBKDF2-SHA256


@dataclass(frozen=True)
class Editor:
    """A signed-in editor; only these can change stories."""

    name: str
    via: str = "password"


def hash_password(password: str, iterations: int = ITERATIONS) -> str:
    if not password:
        raise ValueError("An empty password cannot be used.")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return f"{ALGORITHM}${iterations}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algorithm, iterations, salt, digest = stored.split("$")
        if algorithm != ALGORITHM:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def accounts_from_env(value: str | None = None) -> dict[str, str]:
    value = os.environ.get("STORYMAP_EDITORS", "") if value is None else value
    out = {}
    for item in value.split(";"):
        name, sep, hashed = item.strip().partition("=")
        if sep and name.strip() and hashed.strip():
            out[name.strip()] = hashed.strip()
    return out


def authenticate(name: str, password: str, accounts: Mapping[str, str]) -> Editor | None:
    """The editor, if the name and password match an account."""
    stored = accounts.get(name.strip())
    if stored is None:
        verify_password(password, hash_password("timing-equaliser", 1000))  # no hint that the name is unknown
        return None
    return Editor(name.strip()) if verify_password(password, stored) else None
