"""Command line: ``python -m storymap COMMAND`` (``--help`` lists them)."""

from __future__ import annotations

import argparse
import getpass
import sys

from storymap.accounts import hash_password


def _hash_password(_args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Again: "):
            print("The two passwords differ.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        print(hash_password(password))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storymap", description="Storymap from the command line.")
    commands = parser.add_subparsers(dest="command", required=True)
    hp = commands.add_parser("hash-password", help="make a salted hash for an editor account "
                                                   "(STORYMAP_EDITORS='name=HASH')")
    hp.set_defaults(run=_hash_password)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
