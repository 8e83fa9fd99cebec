"""Fixtures: the same tests run against SQLite and PostgreSQL.

PostgreSQL is reached at ``LRS_TEST_POSTGRES_URL`` (default: the local server
with trust auth). When it is unreachable the PostgreSQL tests fail; they never
skip. Deselect them explicitly with ``-m "not postgres"`` on a machine without it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lrs.services import Services
from lrs.settings import Settings
from tests.support.servers import scratch_database

LRS_TABLES = (
    "lrs_events",
    "xapi_statement",
    "xapi_statement_key",
    "lrs_append_time",
    "lrs_credential",
    # people (issue 20): accounts, dashboard sessions, failed sign-ins, who read whom
    "lrs_account",
    "lrs_session",
    "lrs_login_failure",
    "lrs_access_log",
    "xapi_document",
    "xapi_activity_definition",
    "xapi_agent",
    "xapi_attachment",
    # audit (issue 6): the hash chain over the events
    "lrs_audit_chain",
    # mentoring views (issue 5)
    "mentoring_fact",
    "mentoring_voiding",
    "mentoring_program",
    "mentoring_agent_name",
    "mentoring_rollup",
    "mentoring_week_rollup",
    # programs view (issue 22)
    "program_fact",
    "program_voiding",
    "program_agent_name",
    # forwarding (issue 23)
    "lrs_forwarder",
    "lrs_forwarding_record",
    # alerts (issue 21 point 8)
    "lrs_alert_pair",
    "lrs_alert_change",
    "lrs_alert_digest",
    # keys per person (issue 19); generated secrets, the person-id key among them
    "person_key",
    "lrs_secret",
    "lrs_erasure",
)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    with scratch_database("lrs_test") as url:
        yield url


def _truncate_postgres(url: str) -> None:
    """Empty the LRS's tables and restart their sequences, as ``TRUNCATE … RESTART IDENTITY``
    would. DELETE, not TRUNCATE: the tables hold a test's few rows, and TRUNCATE makes new
    files for every table and index (0.4-0.7 s a test on a busy CI machine, against 0.01 s)."""
    with psycopg.connect(url, autocommit=True) as conn:
        present = {
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        }
        tables = [t for t in LRS_TABLES if t in present]
        with conn.transaction():
            for table in tables:
                conn.execute(f"DELETE FROM {table}")
            # The sequences the tables own (lrs_events' notification ids start at 1 again).
            conn.execute(
                "SELECT setval(s.oid, q.start_value, false) FROM pg_class s"
                " JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid"
                " AND d.deptype IN ('a', 'i')"
                " JOIN pg_class t ON t.oid = d.refobjid"
                " JOIN pg_sequences q ON q.schemaname = 'public' AND q.sequencename = s.relname"
                " WHERE s.relkind = 'S' AND t.relname = ANY(%s)", (tables,))
            if "lrs_tracking" in present:
                # Projection positions: every row but the library's own migration marker
                # (without it the library would migrate the table again on next start).
                conn.execute("DELETE FROM lrs_tracking WHERE application_name <> '__migration__'")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lrs.sqlite3'}"
    url: str = request.getfixturevalue("postgres_database")
    _truncate_postgres(url)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, data_dir=str(tmp_path), public_url="http://lrs.test")


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = Services.build(settings)
    yield built
    built.close()


@pytest.fixture
def app(settings: Settings) -> Any:
    from lrs.app import create_app

    application = create_app(settings)
    yield application
    application.extensions["lrs"].close()


class XAPIClient:
    """Flask's test client with the xAPI version header and Basic credentials set."""

    def __init__(self, flask_client: Any, key: str, secret: str, version: str = "1.0.3"):
        self.flask = flask_client
        token = base64.b64encode(f"{key}:{secret}".encode()).decode()
        self.headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": version}

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        for name in [n for n, v in headers.items() if v is None]:
            del headers[name]
        return self.flask.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> Any:
        return self.request("HEAD", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)


# --- xAPI versions (issue 11) ---
XAPI_VERSIONS = ("1.0.3", "2.0.0")


@pytest.fixture
def xapi_version() -> str:
    """The X-Experience-API-Version the clients send. A module whose rules hold
    under both versions runs under each by overriding it:
    ``def xapi_version(each_xapi_version): return each_xapi_version``."""
    return "1.0.3"


@pytest.fixture(params=XAPI_VERSIONS)
def each_xapi_version(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(app: Any, xapi_version: str) -> Any:
    """A client for a new credential with the given scopes."""

    def make(scopes: tuple[str, ...] = ("all",), label: str = "") -> XAPIClient:
        credential, secret = app.extensions["lrs"].credentials.create(scopes=scopes, label=label)
        return XAPIClient(app.test_client(), credential.key, secret, version=xapi_version)

    return make


@pytest.fixture
def client(make_client: Any) -> XAPIClient:
    """A client whose credential has the scope ``all``."""
    return make_client(("all",))


# --- asynchronous views (issue 5) ---
@pytest.fixture
def project(app: Any) -> Any:
    """Bring every asynchronous view up to date (what the projection runner does in
    the background): call ``project()`` after writing, before reading a view.
    Returns how many statements were applied."""

    def catch_up() -> int:
        return int(app.extensions["lrs"].projections.catch_up())

    return catch_up


SLOW_FIRST = (
    "tests/faults/",
    "tests/stream/test_fault_",
    "tests/bench/",
    "tests/browser/",
    "tests/oidc/",
    "tests/e2e/",
    "tests/stream/",
    "tests/alerts/",
)
"""Where the long tests are (real processes, outages, a browser), longest first. xdist
hands tests to its workers in collection order: started first, the long ones run beside
the many short ones instead of leaving one worker busy at the end while the other idles."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(__file__).resolve().parent.parent

    def rank(item: pytest.Item) -> int:
        path = item.path.resolve().relative_to(root).as_posix()
        return next((i for i, prefix in enumerate(SLOW_FIRST) if path.startswith(prefix)), len(SLOW_FIRST))

    items.sort(key=rank)  # stable: each module's tests stay together and in order
