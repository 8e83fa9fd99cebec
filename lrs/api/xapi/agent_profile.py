"""The Agent Profile resource (Communication 2.6): documents about an Agent."""

from __future__ import annotations

from flask import Blueprint

from lrs.api.xapi import documents
from lrs.api.xapi.http import XAPIDependencies
from xapi.documents import DocumentKind

READ = frozenset({"profile", "all", "all/read"})
WRITE = frozenset({"profile", "all"})


def register(bp: Blueprint, lrs: XAPIDependencies) -> None:
    documents.register(bp, lrs, DocumentKind.AGENT_PROFILE, "/agents/profile", read=READ, write=WRITE)
