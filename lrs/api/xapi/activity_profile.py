"""The Activity Profile resource (Communication 2.7): documents about an Activity."""

from __future__ import annotations

from flask import Blueprint

from lrs.api.xapi import documents
from lrs.api.xapi.http import XAPIDependencies
from xapi.documents import DocumentKind

READ = frozenset({"profile", "all", "all/read"})
WRITE = frozenset({"profile", "all"})


def register(bp: Blueprint, lrs: XAPIDependencies) -> None:
    documents.register(
        bp, lrs, DocumentKind.ACTIVITY_PROFILE, "/activities/profile", read=READ, write=WRITE
    )
