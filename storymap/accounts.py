"""Editors' accounts: who may change a story.

Passwords are stored only as salted PBKDF2-SHA256 hashes (``python -m storymap
hash-password`` makes one). Accounts come from Streamlit secrets
(``[storymap.editors]`` name = "hash") or from ``STORYMAP_EDITORS``
("name=hash;other=hash"); a deployment with OpenID Connect lets ``st.login``
users in whose e-mail is listed in ``[storymap] oidc_editors``.

Guessing is slowed twice over: every attempt costs the same hashing work whether
or not the name exists (so the time taken does not tell which names do), and
:data:`SIGN_INS` makes a name or a client that keeps failing wait longer and longer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Mapping, MutableMapping

from storymap.settings import current as current_settings

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's figure for PBKDF2-SHA256
_PADDING_SALT = secrets.token_bytes(16)  # for the work that brings every attempt to the same cost


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


def _parse(stored: str) -> tuple[int, bytes, bytes] | None:
    """Iterations, salt and digest of a stored hash; None when it is not one of ours."""
    try:
        algorithm, iterations, salt, digest = stored.split("$")
        parsed = int(iterations), base64.b64decode(salt), base64.b64decode(digest)
    except (ValueError, TypeError, AttributeError):
        return None
    return parsed if algorithm == ALGORITHM and parsed[0] > 0 else None


def _work(stored: str) -> int:
    """PBKDF2 iterations that checking a password against ``stored`` costs."""
    parsed = _parse(stored)
    return parsed[0] if parsed else 0


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    iterations, salt, expected = parsed
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations), expected)


def accounts_from_env(value: str | None = None) -> dict[str, str]:
    value = current_settings().editors if value is None else value
    out = {}
    for item in value.split(";"):
        name, sep, hashed = item.strip().partition("=")
        if sep and name.strip() and hashed.strip():
            out[name.strip()] = hashed.strip()
    return out


def authenticate(name: str, password: str, accounts: Mapping[str, str]) -> Editor | None:
    """The editor, if the name and password match an account.

    Every call hashes for as many iterations as the costliest account's hash (``ITERATIONS``
    when there is none), whether the name is unknown, known with a cheaper hash, or known:
    the time taken tells nothing about which names exist or how their hashes were made.
    """
    stored = accounts.get(name.strip())
    work = max(map(_work, accounts.values()), default=ITERATIONS)
    matches = stored is not None and verify_password(password, stored)
    spent = _work(stored) if stored is not None else 0
    if work > spent:
        hashlib.pbkdf2_hmac("sha256", password.encode(), _PADDING_SALT, work - spent)
    return Editor(name.strip()) if matches else None


@dataclass
class _Failures:
    count: int
    last: float


@dataclass(frozen=True)
class Backoff:
    """A sign-in refused unchecked: too many recent failures for this name or from this client."""

    subject: str  # "name" or "client"
    seconds: float

    def message(self) -> str:
        wait = math.ceil(self.seconds)
        when = f"{wait} s" if wait < 120 else f"{math.ceil(wait / 60)} min"
        where = "for this name" if self.subject == "name" else "from this address"
        return f"Too many failed sign-ins {where}; try again in {when}."


@dataclass
class SignInGuard:
    """Back-off for password guessing, kept per name and per client.

    The first ``free`` failures cost nothing; after that each attempt must wait ``first_wait``
    seconds after the last failure, doubling with every further failure up to ``longest_wait``.
    A success forgets the name's failures (not the client's: an attacker with an account of
    their own must not be able to wipe the slate between guesses at others). Records quiet
    for ``forget_after`` seconds are dropped, and at most ``capacity`` names and as many
    clients are kept (the longest quiet go first), so memory stays bounded. Thread-safe:
    Streamlit runs each session's script in its own thread.
    """

    free: int = 5
    first_wait: float = 1.0
    longest_wait: float = 15 * 60.0
    forget_after: float = 24 * 3600.0
    capacity: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _names: OrderedDict[str, _Failures] = field(default_factory=OrderedDict, init=False, repr=False)
    _clients: OrderedDict[str, _Failures] = field(default_factory=OrderedDict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def sign_in(self, name: str, password: str, client: str, accounts: Mapping[str, str]) -> Editor | Backoff | None:
        """The editor; a :class:`Backoff` (the password left unchecked) while waiting; None if wrong.

        The attempt counts as a failure before the password is checked, so that many attempts
        sent at once cannot all slip through before the first failure is recorded.
        """
        name = name.strip()
        with self._lock:
            now = self.clock()
            refusal = (self._backoff("name", self._names, name, now)
                       or self._backoff("client", self._clients, client, now))
            if refusal:
                return refusal
            self._fail(self._names, name, now)
            self._fail(self._clients, client, now)
        editor = authenticate(name, password, accounts)
        if editor:
            with self._lock:
                self._names.pop(name, None)
                if client in self._clients:
                    self._clients[client].count -= 1  # this attempt was not a failure after all
        return editor

    def _backoff(self, subject: str, records: OrderedDict[str, _Failures], key: str, now: float) -> Backoff | None:
        record = records.get(key)
        if record is None or record.count < self.free:
            return None
        wait = min(self.first_wait * 2 ** min(record.count - self.free, 64), self.longest_wait)
        remaining = record.last + wait - now
        return Backoff(subject, remaining) if remaining > 0 else None

    def _fail(self, records: OrderedDict[str, _Failures], key: str, now: float) -> None:
        record = records.pop(key, None)
        if record is None or now - record.last > self.forget_after:
            record = _Failures(0, now)
        while records and (len(records) >= self.capacity
                           or now - next(iter(records.values())).last > self.forget_after):
            records.popitem(last=False)
        record.count, record.last = record.count + 1, now
        records[key] = record  # the most recent failure last, so the front is the longest quiet


def client_of(address: str | None, session: MutableMapping[str, object]) -> str:
    """Who is signing in, for the guard: the address, or the session where there is none.

    Streamlit gives no address for a connection from this machine (``st.context.ip_address``
    is None on loopback), so such clients are told apart by their session instead.
    """
    if address:
        return address
    return str(session.setdefault("sign-in-client", f"session:{secrets.token_hex(8)}"))


SIGN_INS = SignInGuard()
"""The process's guard: every session of the app signs in through it."""
