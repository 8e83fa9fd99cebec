"""The house rules of the layout, read from the code's own imports (issue 16, point 7).

One direction of flow: HTTP (`lrs/api/`) → the spec's rules (`xapi/`) → the core (`lrs/`)
→ events → index and views (`projections/`). These tests parse every module with `ast`
(nothing is imported or executed) and fail naming the file, the line and the import that
breaks a rule, so that a wrong import is caught in review's place, not months later.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DATABASE_DRIVERS = ("psycopg", "psycopg_pool", "psycopg2", "sqlite3", "eventsourcing")
WEB_FRAMEWORKS = ("flask", "werkzeug", "jinja2", "gunicorn")


def imports(package: str, root: Path = ROOT) -> Iterator[tuple[Path, int, str]]:
    """(file, line, imported module) for every import in `package`, relative ones resolved."""
    for path in sorted((root / package).rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # from . import x / from ..y import z
                    base = module.split(".")[: -node.level] if path.name != "__init__.py" else \
                        module.split(".")[: len(module.split(".")) - node.level + 1]
                    name = ".".join([*base, node.module] if node.module else base)
                else:
                    name = node.module or ""
                yield path, node.lineno, name
                for alias in node.names:  # `from lrs import api` imports lrs.api
                    yield path, node.lineno, f"{name}.{alias.name}"


def offending(package: str, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)}:{line} imports {name}"
        for path, line, name in imports(package, root)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]


def test_xapi_is_the_pure_spec_kernel() -> None:
    """`xapi/` holds the spec's rules as pure functions: no web framework, no database
    driver, nothing of the core or of the views."""
    assert offending("xapi", (*WEB_FRAMEWORKS, *DATABASE_DRIVERS, "lrs", "projections")) == []


def test_projections_hold_read_models_without_http() -> None:
    """`projections/` are read models and their queries: no web framework, no HTTP layer."""
    assert offending("projections", (*WEB_FRAMEWORKS, "lrs.api")) == []


def test_only_the_http_layer_speaks_http() -> None:
    """Flask, werkzeug and jinja2 are imported only under `lrs/api/` and by the composition
    root (gunicorn, the server, is started by the CLI and configured in `lrs/ops/`)."""
    allowed = {ROOT / "lrs" / "app.py"}
    found = [
        entry for entry in offending("lrs", ("flask", "werkzeug", "jinja2"))
        if not entry.startswith("lrs/api/") and ROOT / entry.split(":")[0] not in allowed
    ]
    assert found == []


def test_the_core_never_imports_the_http_layer() -> None:
    """The core (`lrs/` outside `lrs/api/`) is called by HTTP, never the other way round;
    the composition root (`lrs/app.py`) and the CLI are the only modules that mount it."""
    roots = {ROOT / "lrs" / "app.py", ROOT / "lrs" / "cli.py"}
    found = [
        entry for entry in offending("lrs", ("lrs.api",))
        if not entry.startswith("lrs/api/") and not entry.startswith("lrs/cli/")
        and ROOT / entry.split(":")[0] not in roots
    ]
    assert found == []


@pytest.mark.parametrize(("source", "forbidden"), [
    ("import flask\n", WEB_FRAMEWORKS),
    ("from psycopg import sql\n", DATABASE_DRIVERS),
    ("from lrs.api import http\n", ("lrs.api",)),
    ("from lrs import api\n", ("lrs.api",)),
    ("from .. import api\n", ("lrs.api",)),
])
def test_the_layering_check_reports_a_forbidden_import(source: str, forbidden: tuple[str, ...],
                                                       tmp_path: Path) -> None:
    """The check itself can fail: a module importing what its package must not is reported
    with its file and line (relative imports resolved against the package)."""
    package = tmp_path / "lrs" / "store"
    package.mkdir(parents=True)
    (tmp_path / "lrs" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "bad.py").write_text('"""A module that breaks the rule."""\n' + source)
    assert offending("lrs", forbidden, root=tmp_path) == [f"lrs/store/bad.py:2 imports {found}"
                                                         for found in _expected(source)]


def _expected(source: str) -> list[str]:
    return {
        "import flask\n": ["flask"],
        "from psycopg import sql\n": ["psycopg", "psycopg.sql"],
        "from lrs.api import http\n": ["lrs.api", "lrs.api.http"],
        "from lrs import api\n": ["lrs.api"],
        "from .. import api\n": ["lrs.api"],
    }[source]
