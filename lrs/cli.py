"""The ``lrs`` command: serve, migrate, manage credentials, rebuild the index."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from lrs.credentials import DEFAULT_SCOPES, ROLES, SCOPES, UnknownRole, UnknownScope
from lrs.services import Services
from lrs.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="lrs", description="An event-sourced xAPI Learning Record Store.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the LRS under gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: 1 on SQLite, 2 on PostgreSQL)")
    serve.add_argument("--threads", type=int, default=8, help="threads per worker")

    sub.add_parser("migrate", help="create or upgrade the index and view tables")
    sub.add_parser(
        "rebuild-index",
        help="rebuild every derived table (statement index, Activities, Agents, documents) "
        "from the events alone",
    )

    creds = sub.add_parser("credentials", help="manage API credentials").add_subparsers(
        dest="action", required=True)
    create = creds.add_parser("create", help="create a credential and print it as JSON")
    create.add_argument("--key", default=None)
    create.add_argument("--secret", default=None)
    granted = create.add_mutually_exclusive_group()
    granted.add_argument("--role", choices=list(ROLES), default=None,
                         help="a named set of scopes: "
                         + "; ".join(f"{r}: {','.join(sorted(s))}" for r, s in ROLES.items()))
    granted.add_argument("--scopes", default=None,
                         help=f"comma-separated scopes, from: {', '.join(sorted(SCOPES))} "
                         f"(default: {','.join(DEFAULT_SCOPES)})")
    create.add_argument("--label", default="")
    creds.add_parser("list", help="list credentials as JSON (never secrets)")
    revoke = creds.add_parser("revoke", help="revoke a credential (and the tokens it was given)")
    revoke.add_argument("key")
    rotate = creds.add_parser("rotate", help="replace a credential's secret and print the new one")
    rotate.add_argument("key")

    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "serve":
        return _serve(settings, args)
    services = Services.build(settings)
    try:
        return _run(services, args)
    finally:
        services.close()


def _run(services: Services, args: argparse.Namespace) -> int:
    if args.command == "migrate":
        applied = services.store.db.migrate()
        print(f"migrations applied: {', '.join(applied) if applied else 'none (up to date)'}")
        return 0
    if args.command == "rebuild-index":
        count = services.store.rebuild_index()
        documents = services.store.rebuild_documents()
        print(f"rebuilt from the event store: {count} statements, {documents} documents")
        return 0
    if args.action == "create":
        scopes = None if args.scopes is None else [s.strip() for s in args.scopes.split(",") if s.strip()]
        try:
            credential, secret = services.credentials.create(
                key=args.key, secret=args.secret, scopes=scopes, role=args.role, label=args.label)
        except (UnknownScope, UnknownRole) as exc:
            print(f"lrs: {exc}", file=sys.stderr)
            return 2
        print(orjson.dumps({**credential.as_dict(), "secret": secret}).decode())
        return 0
    if args.action == "list":
        print(orjson.dumps([c.as_dict() for c in services.credentials.list()]).decode())
        return 0
    if args.action == "revoke":
        if services.credentials.revoke(args.key):
            print(f"revoked {args.key}")
            return 0
        print(f"lrs: no active credential {args.key!r}", file=sys.stderr)
        return 1
    if args.action == "rotate":
        rotated = services.credentials.rotate(args.key)
        if rotated is None:
            print(f"lrs: no active credential {args.key!r}", file=sys.stderr)
            return 1
        credential, secret = rotated
        print(orjson.dumps({**credential.as_dict(), "secret": secret}).decode())
        return 0
    return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    services = Services.build(settings)  # migrate once, before the workers start
    url = f"http://{args.host}:{args.port}/xapi"
    print(f"LRS endpoint: {url}")
    print(f"store: {settings.dialect} ({_redacted(settings.resolved_database_url)})")
    if not services.credentials.list():
        credential, secret = services.credentials.create(scopes=["all"], label="first credential")
        print("A credential with scope 'all' was created (the secret is shown only now):")
        print(f"  key:    {credential.key}")
        print(f"  secret: {secret}")
        print(f"  try:    curl -u {credential.key}:{secret} -H 'X-Experience-API-Version: 1.0.3' "
              f"{url}/statements")
    else:
        print("Credentials exist already; create another with: lrs credentials create --scopes all "
              "(or --role provider|reader|coordinator|auditor|admin)")
    services.close()
    sys.stdout.flush()

    workers = args.workers or (1 if settings.dialect == "sqlite" else 2)

    class _Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{args.host}:{args.port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": args.threads,
                "timeout": 60,
                "graceful_timeout": 30,
                "accesslog": None,
            }
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Any:
            from lrs.app import create_app

            return create_app(settings)

    _Gunicorn().run()
    return 0


def _redacted(url: str) -> str:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@")
    return url


if __name__ == "__main__":
    raise SystemExit(main())
