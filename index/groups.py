"""Access groups: which documents a caller may see.

A document names groups in its front matter (`groups: [ircs-internal]`) or in the upload's `groups` field; one
without groups is visible to everyone. A caller sees a document when they share a group with it; the group
`admin` sees everything. Names are lower case letters, digits, '-', '_' and '.'.
"""

from __future__ import annotations

import re

from .errors import InvalidRequest

ADMIN = "admin"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


def parse_groups(value) -> tuple[str, ...]:
    """Groups from front matter or a form field: a list, or a string separated by commas, '+' or spaces.
    Sorted and without repeats; a name that is not a valid group name is refused."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, (list, tuple, set, frozenset)) else re.split(r"[,+\s]+", str(value))
    names = {str(item).strip().lower() for item in items if str(item).strip()}
    bad = sorted(name for name in names if not _NAME.match(name))
    if bad:
        raise InvalidRequest(f"not a group name: {bad[0][:64]!r} (lower case letters, digits, '-', '_', '.')")
    return tuple(sorted(names))


def visible(document_groups, caller_groups: frozenset[str] | None) -> bool:
    """May a caller with these groups (None: no restriction) see a document with those?"""
    if caller_groups is None or ADMIN in caller_groups or not document_groups:
        return True
    return not caller_groups.isdisjoint(document_groups)
