"""A real OpenID Connect provider for the tests: the npm package ``oidc-provider`` on Node.js.

The package is installed once into a cache folder outside the repository
(``LRS_TEST_NPM_CACHE``, default ``~/.cache/lrs-tests``) with ``npm install``
when missing (CI has network access to the npm registry); nothing is written
into the work tree. When Node.js or npm is missing, or the install fails, the
tests fail, they do not skip.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

from tests.support import servers

VERSION = "9.13.3"
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "lrs-dashboard"
CLIENT_SECRET = "a-client-secret-for-the-tests-only"


def installed() -> Path:
    """The folder holding ``node_modules/oidc-provider`` at `VERSION`, installed if missing."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed: the OpenID Connect tests need Node.js 20 and npm",
                        pytrace=False)
    cache = Path(os.environ.get("LRS_TEST_NPM_CACHE", Path.home() / ".cache" / "lrs-tests"))
    folder = cache / f"oidc-provider-{VERSION}"
    if not (folder / "node_modules" / "oidc-provider" / "package.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"name": "lrs-test-oidc", "private": true, "type": "module"}\n')
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", f"oidc-provider@{VERSION}"],
                              cwd=folder, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"npm install oidc-provider@{VERSION} failed:\n{done.stderr[-3000:]}", pytrace=False)
    shutil.copyfile(SCRIPT, folder / "provider.mjs")  # ESM resolves packages from the script's folder
    return folder


@dataclass
class Provider:
    issuer: str
    log: Path


@contextmanager
def oidc_provider(redirect_uri: str, people: dict[str, dict[str, Any]], log: Path) -> Iterator[Provider]:
    """The provider on a free port of 127.0.0.1 until the block ends."""
    import json

    folder = installed()
    port = servers.free_port()
    env = {**os.environ, "OIDC_PORT": str(port), "OIDC_CLIENT_ID": CLIENT_ID,
           "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_REDIRECT_URI": redirect_uri,
           "OIDC_PEOPLE": json.dumps(people), "NODE_ENV": "development"}
    issuer = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(["node", "provider.mjs"], cwd=folder, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"oidc-provider did not start:\n{log.read_text()[-3000:]}", pytrace=False)
                time.sleep(0.1)
            yield Provider(issuer, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S | re.I)
_INPUT = re.compile(r'<input[^>]*>', re.I)
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def sign_in_at_provider(start_url: str, login: str, until: str, http: requests.Session | None = None) -> str:
    """Follow the provider's development login and consent forms as a browser would,
    from the authorization URL until a redirect to ``until`` (the LRS's callback);
    returns that URL (with ``code`` and ``state``)."""
    http = http or requests.Session()
    url, method, data = start_url, "GET", None
    for _ in range(20):
        response = http.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            location = urljoin(url, response.headers["Location"])
            if location.startswith(until):
                return location
            url, method, data = location, "GET", None
            continue
        form = _FORM.search(response.text)
        assert form, f"no form at {url} ({response.status_code}):\n{response.text[:2000]}"
        data = {}
        for tag in _INPUT.findall(form.group(2)):
            attrs = dict(_ATTR.findall(tag))
            if "name" in attrs:
                data[attrs["name"]] = html.unescape(attrs.get("value", ""))
        if "login" in data:
            data.update(login=login, password="any password")
        url, method = urljoin(url, html.unescape(form.group(1))), "POST"
    raise AssertionError("the provider never sent the browser back to the LRS")
