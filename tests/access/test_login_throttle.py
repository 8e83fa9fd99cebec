"""Failed logins are throttled per key and per client address (issue 17, point 6), on both
stores: after LRS_LOGIN_MAX_FAILURES failures within LRS_LOGIN_WINDOW_SECONDS, 429 with
Retry-After, before any secret is checked; the right secret works again once the window
has passed, never later."""

from __future__ import annotations

from typing import Any

from tests.access.conftest import Clock
from tests.conftest import XAPIClient
from tests.dashboard.conftest import Browser

STATEMENTS = "/xapi/statements"


def basic(app: Any, key: str, secret: str, address: str = "127.0.0.1") -> Any:
    return XAPIClient(app.test_client(), key, secret).get(STATEMENTS, environ_base={"REMOTE_ADDR": address})


def fail(app: Any, key: str, times: int, address: str = "127.0.0.1") -> list[int]:
    return [basic(app, key, "wrong", address).status_code for _ in range(times)]


def limits(app: Any) -> tuple[int, float]:
    throttle = app.extensions["lrs"].throttle
    return throttle.max_failures, throttle.window_seconds


def test_failures_up_to_the_limit_are_401_then_429_with_retry_after(app: Any, clock: Clock) -> None:
    created, _ = app.extensions["lrs"].credentials.create(scopes=["all"])
    most, window = limits(app)
    assert fail(app, created.key, most) == [401] * most
    throttled = basic(app, created.key, "wrong")
    assert throttled.status_code == 429 and throttled.json["errors"][0]["rule"] == "login-throttled"
    assert 0 < int(throttled.headers["Retry-After"]) <= window


def test_the_right_secret_is_refused_while_throttled_and_works_after_the_window(app: Any, clock: Clock) -> None:
    created, secret = app.extensions["lrs"].credentials.create(scopes=["all"])
    most, window = limits(app)
    fail(app, created.key, most)
    assert basic(app, created.key, secret).status_code == 429
    fail(app, created.key, 20)  # refused attempts do not extend the lock
    clock.advance(window + 0.001)
    assert basic(app, created.key, secret).status_code == 200


def test_retry_after_counts_down_to_the_end_of_the_window(app: Any, clock: Clock) -> None:
    created, _ = app.extensions["lrs"].credentials.create(scopes=["all"])
    most, window = limits(app)
    fail(app, created.key, most)
    clock.advance(window / 2)
    assert int(basic(app, created.key, "wrong").headers["Retry-After"]) == int(window - window / 2)


def test_one_address_trying_many_keys_is_throttled(app: Any, clock: Clock) -> None:
    most, _ = limits(app)
    codes = [basic(app, f"guess{i}", "wrong", "203.0.113.9").status_code for i in range(most + 1)]
    assert codes == [401] * most + [429]
    created, secret = app.extensions["lrs"].credentials.create(scopes=["all"])
    assert basic(app, created.key, secret, "198.51.100.1").status_code == 200  # another address


def test_a_throttled_key_is_throttled_from_every_address(app: Any, clock: Clock) -> None:
    created, _ = app.extensions["lrs"].credentials.create(scopes=["all"])
    most, _ = limits(app)
    for i in range(most):
        basic(app, created.key, "wrong", f"192.0.2.{i}")
    assert basic(app, created.key, "wrong", "192.0.2.200").status_code == 429


def test_the_token_endpoint_is_throttled_too(app: Any, clock: Clock) -> None:
    created, _ = app.extensions["lrs"].credentials.create(scopes=["all"])
    most, _ = limits(app)
    client = XAPIClient(app.test_client(), created.key, "wrong")
    codes = [client.post("/auth/token").status_code for _ in range(most + 1)]
    assert codes[-1] == 429 and codes[:-1] == [401] * most


def test_dashboard_sign_in_failures_are_throttled(app: Any, account: Any, clock: Clock) -> None:
    name, password = account()
    most, window = limits(app)
    browser = Browser(app.test_client())
    assert [browser.sign_in(name, "wrong").status_code for _ in range(most)] == [401] * most
    throttled = browser.sign_in(name, password)
    assert throttled.status_code == 429 and "Too many failed sign-ins" in throttled.get_data(as_text=True)
    assert 0 < int(throttled.headers["Retry-After"]) <= window
    clock.advance(window + 0.001)
    assert browser.sign_in(name, password).status_code == 302


def test_the_limit_and_window_are_settings() -> None:
    from lrs.settings import Settings

    read = Settings.from_env({"LRS_LOGIN_MAX_FAILURES": "3", "LRS_LOGIN_WINDOW_SECONDS": "60"})
    assert (read.login_max_failures, read.login_window_seconds) == (3, 60.0)


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(app: Any, clock: Clock) -> None:
    """With LRS_TRUSTED_PROXIES=1 (the documented nginx), each client's address is the one
    nginx saw, so one client's failures do not throttle everyone behind the proxy."""
    from lrs.api.authentication import TRUSTED_PROXIES

    services = app.extensions["lrs"]
    app.config[TRUSTED_PROXIES] = 1  # what create_app sets from LRS_TRUSTED_PROXIES=1
    most, _ = limits(app)

    def via_proxy(key: str, client: str, forged: str = "") -> int:
        chain = f"{forged}, {client}" if forged else client
        return int(XAPIClient(app.test_client(), key, "wrong").get(
            STATEMENTS, headers={"X-Forwarded-For": chain}).status_code)

    codes = [via_proxy(f"guess{i}", "203.0.113.7", forged=f"10.0.0.{i}") for i in range(most + 1)]
    assert codes == [401] * most + [429]  # a forged left part does not escape the count
    created, secret = services.credentials.create(scopes=["all"])
    ok = XAPIClient(app.test_client(), created.key, secret).get(
        STATEMENTS, headers={"X-Forwarded-For": "198.51.100.4"})
    assert ok.status_code == 200  # another client behind the same proxy


def test_the_forwarded_address_is_ignored_without_trusted_proxies() -> None:
    from lrs.throttle import client_address

    assert client_address("127.0.0.1", "203.0.113.7", 0) == "127.0.0.1"
    assert client_address("127.0.0.1", "1.2.3.4, 203.0.113.7", 1) == "203.0.113.7"
    assert client_address("127.0.0.1", "", 1) == "127.0.0.1"
