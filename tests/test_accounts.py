import hashlib
import subprocess
import sys
import threading
import time

from storymap import accounts as accounts_module
from storymap.accounts import (ITERATIONS, Backoff, SignInGuard, accounts_from_env, authenticate, client_of,
                               hash_password, verify_password)


def test_passwords_are_salted_hashes():
    a, b = hash_password("copper", 1000), hash_password("copper", 1000)
    assert a != b and "copper" not in a
    assert verify_password("copper", a) and not verify_password("Copper", a)
    assert not verify_password("copper", "garbage")


def test_accounts_and_sign_in():
    accounts = accounts_from_env(f"alice={hash_password('s3cret', 1000)}; bob=;")
    assert set(accounts) == {"alice"}
    assert authenticate("alice", "s3cret", accounts).name == "alice"
    assert authenticate("alice", "wrong", accounts) is None
    assert authenticate("mallory", "s3cret", accounts) is None


def test_hash_password_command():
    out = subprocess.run([sys.executable, "-m", "storymap", "hash-password"], input="pw\n", text=True,
                         capture_output=True, check=True)
    hashed = out.stdout.strip().splitlines()[-1]
    assert verify_password("pw", hashed)


def pbkdf2_iterations(monkeypatch, compute=True):
    """Record the PBKDF2 iterations each call spends (or, not computing them, stand in a cheap digest)."""
    spent, real = [], hashlib.pbkdf2_hmac

    def counting(hash_name, password, salt, iterations, *args):
        spent.append(iterations)
        if compute:
            return real(hash_name, password, salt, iterations, *args)
        return hashlib.sha256(password + salt).digest()

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)
    return spent


def test_an_unknown_name_costs_as_much_hashing_as_a_known_one(monkeypatch):
    spent = pbkdf2_iterations(monkeypatch, compute=False)  # the count is the point, not 600,000 real rounds
    accounts = {"alice": hash_password("copper-2026")}
    for name in ("alice", "mallory", ""):
        spent.clear()
        assert authenticate(name, "guess", accounts) is None
        assert sum(spent) == ITERATIONS, name


def test_how_a_hash_was_made_does_not_show_in_the_work_either(monkeypatch):
    """Names with cheaper or broken hashes cost what the costliest does: no name stands out."""
    accounts = {"alice": hash_password("a", 1000), "bob": hash_password("b", 3000), "carol": "garbage"}
    spent = pbkdf2_iterations(monkeypatch)
    for name, password, signs_in in [("alice", "a", True), ("alice", "x", False), ("bob", "b", True),
                                     ("bob", "x", False), ("carol", "x", False), ("mallory", "x", False)]:
        spent.clear()
        assert (authenticate(name, password, accounts) is not None) is signs_in
        assert sum(spent) == 3000, name


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


ACCOUNTS = {"alice": hash_password("copper-2026", 1000)}


def test_after_five_failures_a_name_waits_twice_as_long_each_time_up_to_fifteen_minutes():
    clock = Clock()
    guard = SignInGuard(clock=clock)
    for client in "abcde":  # a different client each time: the name itself is throttled
        assert guard.sign_in("alice", "guess", client, ACCOUNTS) is None
    waits = []
    for _ in range(14):
        refusal = guard.sign_in("alice", "guess", "f", ACCOUNTS)
        assert isinstance(refusal, Backoff) and refusal.subject == "name"
        waits.append(refusal.seconds)
        clock.now += refusal.seconds
        assert guard.sign_in(" alice ", "guess", "f", ACCOUNTS) is None  # checked once the wait is over
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]


def test_a_long_attack_keeps_meeting_fifteen_minutes():
    clock = Clock()
    guard = SignInGuard(clock=clock)
    cheap = {"alice": hash_password("copper-2026", 1)}
    for _ in range(1200):  # more than ten days of guessing, one guess every fifteen minutes
        clock.now += guard.longest_wait
        assert guard.sign_in("alice", "guess", "a", cheap) is None
    assert guard.sign_in("alice", "guess", "a", cheap) == Backoff("name", 900)


def test_during_a_backoff_even_the_right_password_is_not_checked(monkeypatch):
    clock = Clock()
    guard = SignInGuard(clock=clock)
    for _ in range(5):
        guard.sign_in("alice", "guess", "a", ACCOUNTS)
    checked = pbkdf2_iterations(monkeypatch)
    clock.now += 0.5
    assert guard.sign_in("alice", "copper-2026", "b", ACCOUNTS) == Backoff("name", 0.5)
    assert not checked
    clock.now += 0.5
    assert guard.sign_in("alice", "copper-2026", "b", ACCOUNTS).name == "alice"


def test_a_client_guessing_at_many_names_is_held_back_too():
    guard = SignInGuard(clock=Clock())
    for name in ("alice", "bob", "carol", "dave", "erin"):
        assert guard.sign_in(name, "guess", "203.0.113.9", ACCOUNTS) is None
    refusal = guard.sign_in("frank", "guess", "203.0.113.9", ACCOUNTS)
    assert refusal == Backoff("client", 1.0)
    assert refusal.message() == "Too many failed sign-ins from this address; try again in 1 s."
    assert guard.sign_in("frank", "guess", "198.51.100.7", ACCOUNTS) is None  # another client is not


def test_success_forgives_the_name_but_not_the_client():
    guard = SignInGuard(clock=Clock())
    for _ in range(4):
        guard.sign_in("alice", "guess", "a", ACCOUNTS)
    assert guard.sign_in("alice", "copper-2026", "a", ACCOUNTS).name == "alice"
    for _ in range(4):  # the name starts afresh: four more failures are free again
        assert guard.sign_in("alice", "guess", "b", ACCOUNTS) is None
    # Client "a" keeps its four failures (a success of its own must not wipe out guesses at others).
    assert guard.sign_in("bob", "guess", "a", ACCOUNTS) is None
    assert guard.sign_in("bob", "guess", "a", ACCOUNTS) == Backoff("client", 1.0)


def test_memory_stays_bounded_and_old_failures_are_forgotten():
    clock = Clock()
    guard = SignInGuard(clock=clock, capacity=3)
    for i in range(50):
        guard.sign_in(f"name{i}", "guess", f"client{i}", ACCOUNTS)
    assert len(guard._names) == len(guard._clients) == 3
    for _ in range(5):
        guard.sign_in("alice", "guess", "a", ACCOUNTS)
    assert isinstance(guard.sign_in("alice", "guess", "a", ACCOUNTS), Backoff)
    clock.now += guard.forget_after + 1
    for _ in range(5):  # a day later the old failures no longer count
        assert guard.sign_in("alice", "guess", "a", ACCOUNTS) is None


def test_attempts_sent_at_once_cannot_all_slip_through(monkeypatch):
    """Each attempt is counted before its (slow) check, so a burst gets the free five and no more."""
    checked = []

    def slow_authenticate(name, password, accounts):
        checked.append(password)
        time.sleep(0.05)

    monkeypatch.setattr(accounts_module, "authenticate", slow_authenticate)
    guard = SignInGuard(clock=Clock())
    threads = [threading.Thread(target=guard.sign_in, args=("alice", f"guess{i}", f"c{i}", ACCOUNTS))
               for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 5


def test_the_wait_is_said_in_seconds_then_minutes():
    assert Backoff("name", 39.2).message() == "Too many failed sign-ins for this name; try again in 40 s."
    assert Backoff("name", 900).message() == "Too many failed sign-ins for this name; try again in 15 min."


def test_a_client_is_its_address_or_else_its_session():
    session = {}
    assert client_of("203.0.113.9", session) == "203.0.113.9" and not session
    local = client_of(None, session)
    assert local.startswith("session:") and client_of(None, session) == local
    assert client_of(None, {}) != local
