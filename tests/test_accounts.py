import subprocess
import sys

from storymap.accounts import accounts_from_env, authenticate, hash_password, verify_password


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
