"""The State resource (Communication 2.3): documents of an Activity, an Agent and a registration."""

from __future__ import annotations

from flask import Blueprint

from lrs.api.xapi import documents
from xapi.documents import DocumentKind

READ = frozenset({"state", "all", "all/read"})
WRITE = frozenset({"state", "all"})


def register(bp: Blueprint) -> None:
    documents.register(bp, DocumentKind.STATE, "/activities/state", read=READ, write=WRITE)
