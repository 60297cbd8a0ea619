"""API keys, who they are and which access groups they hold.

`ASSISTANT_API_KEYS=key1:ircs-internal+icrc,key2:icrc,key3` gives key1 two groups, key2 one and key3 none; a keys
file (`ASSISTANT_API_KEYS_FILE`) holds one key a line, `ID KEY [GROUP,GROUP...]`, for more than a few. Logs and
conversations name a key by its id (the file's ID, or "key-" and the first 8 hex digits of its SHA-256), never by
the key itself. Without any key the server is open, to one trusted user: everything is visible and writable.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from index.groups import ADMIN, parse_groups


@dataclass(frozen=True)
class Caller:
    """Who sent a request: a key's id and groups. `groups` None means no restriction (a server without keys)."""

    id: str
    groups: frozenset[str] | None

    @property
    def admin(self) -> bool:
        return self.groups is None or ADMIN in self.groups


OPEN = Caller("anonymous", None)  # a server without keys
PUBLIC = Caller("public", frozenset())  # no key, on a server with keys: /health counts documents without groups


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes
    groups: frozenset[str]


class KeyRing:
    def __init__(self, keys: list[Key]) -> None:
        self.keys = keys

    def __bool__(self) -> bool:
        return bool(self.keys)

    @classmethod
    def parse(cls, listed: str = "", file: Path | None = None) -> "KeyRing":
        """Keys from the setting's string and the keys file; a bad line or group name is a ValueError at start-up."""
        keys = []
        for item in (part.strip() for part in listed.split(",")):
            if item:
                secret, _, groups = item.partition(":")
                keys.append(_key(None, secret.strip(), groups))
        if file is not None:
            for number, line in enumerate(Path(file).read_text(encoding="utf-8").splitlines(), start=1):
                fields = line.split("#", 1)[0].split()
                if not fields:
                    continue
                if len(fields) not in (2, 3):
                    raise ValueError(f"{file}:{number}: expected `ID KEY [GROUP,GROUP...]`")
                keys.append(_key(fields[0], fields[1], fields[2] if len(fields) == 3 else ""))
        ids = [key.id for key in keys]
        if len(set(ids)) != len(ids):
            raise ValueError("two API keys have the same id (or the same key is given twice)")
        return cls(keys)

    def identify(self, authorization: str) -> Caller | None:
        """The caller of an `Authorization: Bearer KEY` header, or None when it names no key. Every key is compared
        in constant time, so the time taken does not tell which one nearly matched."""
        scheme, _, given = authorization.partition(" ")
        given_bytes = given.strip().encode("utf-8")
        found = None
        for key in self.keys:
            if hmac.compare_digest(given_bytes, key.secret) and found is None:
                found = key
        if scheme.lower() != "bearer" or found is None:
            return None
        return Caller(found.id, found.groups)


def _key(key_id: str | None, secret: str, groups: str) -> Key:
    if not secret:
        raise ValueError("an API key is empty")
    try:
        names = frozenset(parse_groups(groups))
    except Exception as error:  # noqa: BLE001 - InvalidRequest: said as a configuration error
        raise ValueError(f"API key groups: {error}") from None
    return Key(key_id or "key-" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:8], secret.encode("utf-8"), names)
