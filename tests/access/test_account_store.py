"""Accounts kept by the LRS (issue 20, point 2), on both stores: hashed passwords, a
minimum strength, a one-time password changed on first sign-in."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.accounts import AccountError, WeakPassword
from tests.access.conftest import STRONG


@pytest.fixture
def accounts(services: Any) -> Any:
    return services.accounts


def test_a_new_account_has_a_one_time_password_to_change(accounts: Any) -> None:
    account, password = accounts.create("ada", display_name="Ada Lovelace", role="coordinator")
    assert account.must_change_password and len(password) >= 16
    assert accounts.verify("ada", password).display_name == "Ada Lovelace"


def test_the_password_is_stored_only_as_a_scrypt_hash(accounts: Any, services: Any) -> None:
    _, password = accounts.create("ada", display_name="Ada", role="coordinator")
    with services.store.db.read() as cur:
        stored = cur.execute("SELECT password_hash FROM lrs_account").fetchone()["password_hash"]
    assert stored.startswith("scrypt$") and password not in stored


def test_a_wrong_password_or_unknown_name_verifies_as_nothing(accounts: Any) -> None:
    accounts.create("ada", display_name="Ada", role="coordinator")
    assert accounts.verify("ada", "wrong") is None and accounts.verify("nobody", "x") is None


@pytest.mark.parametrize(("new", "reason"), [
    ("short1!", "at least 12 characters"),
    ("aaaaaaaaaaaabbbb", "5 different characters"),
    ("my-name-is-ada-ok", "must not contain the account name"),
])
def test_a_weak_password_is_refused_saying_why(accounts: Any, new: str, reason: str) -> None:
    _, password = accounts.create("ada", display_name="Ada", role="coordinator")
    with pytest.raises(WeakPassword, match=reason):
        accounts.change_password("ada", password, new)


def test_changing_the_password_clears_the_first_sign_in_mark(accounts: Any) -> None:
    _, password = accounts.create("ada", display_name="Ada", role="coordinator")
    changed = accounts.change_password("ada", password, STRONG)
    assert not changed.must_change_password and accounts.verify("ada", password) is None
    assert accounts.verify("ada", STRONG) is not None


def test_a_disabled_account_cannot_sign_in(accounts: Any) -> None:
    _, password = accounts.create("ada", display_name="Ada", role="coordinator")
    assert accounts.disable("ada").disabled_at is not None
    assert accounts.verify("ada", password) is None and accounts.disable("ada") is None


def test_reset_gives_a_new_one_time_password(accounts: Any) -> None:
    _, first = accounts.create("ada", display_name="Ada", role="coordinator")
    accounts.change_password("ada", first, STRONG)
    account, second = accounts.reset("ada")
    assert account.must_change_password and accounts.verify("ada", STRONG) is None
    assert accounts.verify("ada", second) is not None


@pytest.mark.parametrize("name", ["", "has space", "-dash-first", "x" * 101])
def test_a_bad_name_is_refused(accounts: Any, name: str) -> None:
    with pytest.raises(AccountError):
        accounts.create(name, display_name="X", role="coordinator")


def test_a_name_is_taken_once(accounts: Any) -> None:
    accounts.create("ada", display_name="Ada", role="coordinator")
    with pytest.raises(AccountError, match="exists already"):
        accounts.create("ada", display_name="Other", role="coordinator")
