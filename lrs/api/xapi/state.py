"""The State resource (Communication 2.3): documents of an Activity, an Agent and a registration."""

from __future__ import annotations

from flask import Blueprint

from lrs.api.xapi import documents
from lrs.api.xapi.http import XAPIDependencies
from xapi.documents import DocumentKind

READ = frozenset({"state", "all", "all/read"})
WRITE = frozenset({"state", "all"})


def register(bp: Blueprint, lrs: XAPIDependencies) -> None:
    documents.register(bp, lrs, DocumentKind.STATE, "/activities/state", read=READ, write=WRITE)
