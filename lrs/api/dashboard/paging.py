"""Long tables sorted and paged on the server: one mechanism for every table of the dashboard.

A table's rows are sorted by one of its columns (either way, a tie broken by the column's
key itself, which ends in names) and cut into pages of `PAGE_SIZE`. Its parameters are
``{prefix}sort``, ``{prefix}order`` and ``{prefix}page``, so that the tables of one page
(a mentor's mentees, feedback given, feedback received) are sorted and paged apart; every
link keeps the page's other parameters (the range, the filters, the other tables' state).
A page number past the last shows the last; an unknown column is the default one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

PAGE_SIZE = 50
"""Rows per page of a long table: a 1,000-mentee program is 20 pages, not 334 rows."""

Key = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class Table:
    """One page of a sorted table, and the links to its other orders and pages."""

    rows: list[dict[str, Any]]
    count: int
    """Rows in the whole table."""
    number: int
    pages: int
    sort: str
    order: str
    prefix: str
    anchor: str
    query: tuple[tuple[str, str], ...]
    """The request's parameters (what every link keeps)."""

    @property
    def first_row(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    def link(self, **changes: str) -> str:
        """``?query`` with the table's own parameters changed (``sort``, ``order``, ``page``;
        an empty value drops one), and the table's anchor."""
        own = {self.prefix + name: value for name, value in changes.items()}
        kept = [(k, v) for k, v in self.query if k not in own and v]
        kept += [(k, v) for k, v in own.items() if v]
        return "?" + urlencode(kept) + (f"#{self.anchor}" if self.anchor else "")

    def sort_link(self, column: str) -> str:
        """Sorted by ``column``: ascending, or the other way when it is the sort already."""
        order = "desc" if self.sort == column and self.order == "asc" else "asc"
        return self.link(sort=column, order=order, page="")

    def page_link(self, number: int) -> str:
        return self.link(page=str(number))


def paginate(rows: Sequence[dict[str, Any]], keys: Mapping[str, Key], args: Any, *, default: str,
             default_order: str = "asc", prefix: str = "", anchor: str = "") -> Table:
    """The page of ``rows`` that the request's ``args`` ask for; ``keys``: column → sort key."""
    sort = args.get(prefix + "sort", "")
    sort = sort if sort in keys else default
    order = args.get(prefix + "order", "")
    order = order if order in ("asc", "desc") else default_order
    ordered = sorted(rows, key=keys[sort], reverse=order == "desc")
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    number = min(max(_page_number(args.get(prefix + "page", "")), 1), pages)
    return Table(
        rows=ordered[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], count=len(ordered), number=number,
        pages=pages, sort=sort, order=order, prefix=prefix, anchor=anchor,
        query=tuple((k, v) for k, v in args.items(multi=True)),
    )


def _page_number(raw: str) -> int:
    """A page number; anything but a whole number is the first page."""
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) < 9 else 1
