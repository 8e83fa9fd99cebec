"""Authentication and xAPI scopes (Communication 4.0 and 4.2) for the xAPI resources.

Basic or Bearer → `Principal` is `lrs.api.authentication`, shared by every API
of the LRS; this module adds the scope sets the xAPI resources require.
"""

from __future__ import annotations

from lrs.api.authentication import Principal, require

__all__ = ["READ_ALL", "WRITE_STATEMENTS", "Principal", "require"]

READ_ALL = frozenset({"statements/read", "all/read", "all"})
WRITE_STATEMENTS = frozenset({"statements/write", "all"})
