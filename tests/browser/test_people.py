"""People sign in to the dashboard in headless Chromium (issue 20), against the real server
(``lrs serve``) on each store: with an account (one-time password, then their own) and through
a real OpenID provider (oidc-provider on Node.js); each sees only the program granted, and
another program is a 404 page."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.access.conftest import STRONG, other_program_statements
from tests.oidc.support import CLIENT_ID, CLIENT_SECRET, oidc_provider
from tests.projections import factories as f
from tests.support import servers

PROGRAM, OTHER = f.PROGRAM, f.OTHER_PROGRAM


@dataclass
class PeopleServer:
    base: str
    account: tuple[str, str]
    """(name, one-time password) of an account granted PROGRAM only."""


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def people_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PeopleServer]:
    data_dir = tmp_path_factory.mktemp("people")
    with servers.scratch_store(request.param, data_dir, "lrs_people") as database_url:
        port = servers.free_port()
        base = f"http://127.0.0.1:{port}"
        people = {"grace": {"name": "Grace Hopper", "groups": ["graduate-coordinators"]}}
        with oidc_provider(f"{base}/dashboard/oidc/callback", people, data_dir / "provider.log") as provider:
            env = {**os.environ, "LRS_DATABASE_URL": database_url, "LRS_DATA_DIR": str(data_dir),
                   "LRS_PUBLIC_URL": base, "LRS_OIDC_ISSUER": provider.issuer, "LRS_OIDC_CLIENT_ID": CLIENT_ID,
                   "LRS_OIDC_CLIENT_SECRET": CLIENT_SECRET, "LRS_OIDC_SCOPES": "openid profile groups",
                   "LRS_OIDC_ROLES": json.dumps({"graduate-coordinators": {"role": "coordinator",
                                                                           "programs": [OTHER]}})}
            provider_key = servers.create_credential(env, "provider", "--role", "provider")
            admin = servers.create_credential(env, "admin", "--role", "admin")
            made = servers.lrs(env, "accounts", "create", "ada", "--display-name", "Ada Lovelace",
                               "--programs", PROGRAM, "--allow-unknown")
            assert made.returncode == 0, made.stderr
            password = json.loads(made.stdout)["password"]
            with servers.start_server(env, port, data_dir / "server.log"):
                statements = [f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ADA, "mentee"),
                              f.pairing(f.GRACE, f.ADA), *other_program_statements()]
                posted = requests.post(base + "/xapi/statements", json=statements, auth=provider_key,
                                       headers={"X-Experience-API-Version": "1.0.3"}, timeout=30)
                assert posted.status_code == 200, posted.text
                deadline = time.monotonic() + 60
                while len(requests.get(base + "/coordinator/programs", auth=admin, timeout=10)
                          .json()["programs"]) < 2:
                    assert time.monotonic() < deadline, (data_dir / "server.log").read_text()[-3000:]
                    time.sleep(0.2)
                yield PeopleServer(base, ("ada", password))


@pytest.fixture
def browser_page(chromium: Any, people_server: PeopleServer) -> Iterator[Any]:
    context = chromium.new_context(base_url=people_server.base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def program_cards(page: Any) -> list[str]:
    return [str(a.get_attribute("href")) for a in page.locator(".program-card h2 a").all()]


def test_an_account_signs_in_chooses_a_password_and_sees_only_its_program(
        browser_page: Any, people_server: PeopleServer) -> None:
    page = browser_page
    name, one_time = people_server.account
    page.goto("/dashboard/")
    page.get_by_label("Account name or key").fill(name)
    page.get_by_label("Password or secret").fill(one_time)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard/password")
    page.get_by_label("Current password").fill(one_time)
    page.get_by_label("New password", exact=True).fill(STRONG)
    page.get_by_label("New password again").fill(STRONG)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/dashboard/")
    assert "Ada Lovelace" in page.locator(".who").inner_text()
    cards = program_cards(page)
    assert len(cards) == 1 and "reverse-mentoring" in cards[0]
    response = page.goto("/dashboard/program?" + f"id={OTHER}")
    assert response.status == 404 and "No such program" in page.content()


def test_single_sign_on_through_the_provider_shows_only_the_mapped_program(
        browser_page: Any, people_server: PeopleServer) -> None:
    page = browser_page
    page.goto("/dashboard/signin")
    page.get_by_role("link", name="Sign in with your company account").click()
    try:
        page.wait_for_url(re.compile(r"/interaction/"))
    except Exception:
        raise AssertionError("at interaction: " + page.url + "\n" + page.content()[:3000]) from None
    page.locator("input[name=login]").fill("grace")
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/interaction/" in page.url:  # the provider's consent step
        page.locator("button[type=submit]").first.click()
    try:
        page.wait_for_url(f"{people_server.base}/dashboard/**")
    except Exception:
        raise AssertionError(page.url + "\n" + page.content()[:3000]) from None
    assert "Grace Hopper" in page.locator(".who").inner_text()
    cards = program_cards(page)
    assert len(cards) == 1 and "graduate-mentoring" in cards[0]
    response = page.goto("/dashboard/program?" + f"id={PROGRAM}")
    assert response.status == 404


def test_wrong_password_is_one_generic_401_page(browser_page: Any, people_server: PeopleServer) -> None:
    page = browser_page
    page.goto("/dashboard/signin")
    page.get_by_label("Account name or key").fill("ada")
    page.get_by_label("Password or secret").fill("not the password")
    with page.expect_response(re.compile(r"/dashboard/signin$")) as answer:
        page.get_by_role("button", name="Sign in").click()
    assert answer.value.status == 401
    assert "do not match an active credential or account" in page.locator("#signin-error").inner_text()


