"""The console's users file: names and argon2 hashes of their passwords (YAML).

    users:
      张三: $argon2id$v=19$m=65536,t=3,p=4$…

Written by ``govcheck serve --users FILE --add-user NAME`` (the password is asked twice, or
read from standard input when it is not a terminal); never holds a password itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

HASHER = PasswordHasher()  # argon2id with the library's recommended costs
MIN_PASSWORD = 8
# verified when a name is unknown, so that a wrong name takes as long as a wrong password
_UNKNOWN_USER_HASH = HASHER.hash("govcheck: no such user")


class UsersFileError(ValueError):
    """A users file that cannot be used, with the file and what is wrong."""


def load_users(path: Path) -> dict[str, str]:
    """Name → argon2 hash, from the users file; every problem names the file and the user."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise UsersFileError(f"{path}: cannot be read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise UsersFileError(f"{path}: not YAML ({error})") from error
    users = document.get("users") if isinstance(document, Mapping) else None
    if not isinstance(users, Mapping):
        raise UsersFileError(f"{path}: expected a mapping 'users:' of names and password hashes")
    checked: dict[str, str] = {}
    for name, hashed in users.items():
        if not isinstance(name, str) or not name.strip():
            raise UsersFileError(f"{path}: user {name!r}: a name is text")
        if not isinstance(hashed, str) or not hashed.startswith("$argon2"):
            raise UsersFileError(f"{path}: user {name}: not an argon2 hash (add users with govcheck serve --add-user)")
        checked[name.strip()] = hashed
    return checked


def add_user(path: Path, name: str, password: str) -> None:
    """Adds the user (or sets their password) in the users file, written whole by one rename."""
    name = name.strip()
    if not name:
        raise UsersFileError("the user's name is empty")
    if len(password) < MIN_PASSWORD:
        raise UsersFileError(f"the password is shorter than {MIN_PASSWORD} characters")
    users = load_users(path) if path.exists() else {}
    users[name] = HASHER.hash(password)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True), encoding="utf-8")
    os.chmod(partial, 0o600)
    partial.replace(path)


def verify(users: Mapping[str, str], name: str, password: str) -> bool:
    """Whether the password is the user's; an unknown name costs a verification all the same."""
    hashed = users.get(name.strip())
    try:
        return HASHER.verify(hashed or _UNKNOWN_USER_HASH, password) and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
