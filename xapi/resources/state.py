"""The State resource (Communication 2.3): documents of an Activity, an Agent and a registration."""

from __future__ import annotations

from flask import Blueprint

from xapi.documents import DocumentKind
from xapi.resources import documents

READ = frozenset({"state", "all", "all/read"})
WRITE = frozenset({"state", "all"})


def register(bp: Blueprint) -> None:
    documents.register(bp, DocumentKind.STATE, "/activities/state", read=READ, write=WRITE)
