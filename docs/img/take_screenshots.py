"""Screenshots of the dashboard's main pages, for the README and docs/DASHBOARD.md.

Run by hand (not part of the test suite), from the repository root:

    .venv/bin/python docs/img/take_screenshots.py

It starts `lrs serve` on a free port with a fresh SQLite store in a temporary
directory (its own process group, stopped at the end), fills it with
`lrs simulate` (fixed seed), signs in with a coordinator credential in
Debian's headless Chromium (/usr/bin/chromium, through Playwright) and writes
the PNG files next to this script.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
SIMULATION = ["--programs", "3", "--mentors", "12", "--mentees", "36", "--weeks", "12", "--seed", "42"]


def lrs(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "lrs.cli", *args], env=env, capture_output=True,
                          text=True, timeout=600, check=True)
    return done.stdout


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        with socket.socket() as sock:  # SCREENSHOT_PORT: a port of one's own (else any free one)
            sock.bind(("127.0.0.1", int(os.environ.get("SCREENSHOT_PORT", "0"))))
            port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "LRS_DATA_DIR": data_dir, "LRS_PUBLIC_URL": base,
               "LRS_DATABASE_URL": f"sqlite:///{data_dir}/lrs.sqlite3"}
        lrs(env, "credentials", "create", "--key", "coordinator", "--secret", "coordinator-secret",
            "--role", "coordinator")
        lrs(env, "credentials", "create", "--key", "provider", "--secret", "provider-secret",
            "--role", "provider")
        server = subprocess.Popen([sys.executable, "-m", "lrs.cli", "serve", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            for _ in range(600):
                with contextlib.suppress(requests.RequestException):
                    if requests.get(base + "/xapi/about", timeout=2).status_code == 200:
                        break
                time.sleep(0.1)
            print(lrs(env, "simulate", "--url", base + "/xapi", "--key", "provider",
                      "--secret", "provider-secret", *SIMULATION))
            shoot(base)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


def shoot(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True)
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto("/dashboard/signin")
        page.screenshot(path=HERE / "dashboard-signin.png")
        page.get_by_label("Key").fill("coordinator")
        page.get_by_label("Secret").fill("coordinator-secret")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/dashboard/")
        for _ in range(300):  # until the views have taken in the whole simulation
            if page.evaluate("fetch('/dashboard/status.json').then(r => r.json())")["lag"] == 0:
                break
            time.sleep(0.2)
        page.reload()
        page.screenshot(path=HERE / "dashboard-programs.png", full_page=True)
        page.locator(".program-card h2 a").first.click()
        page.wait_for_url(re.compile(r"/dashboard/program\?"))
        page.screenshot(path=HERE / "dashboard-program.png", full_page=True)
        program_url = page.url
        page.locator("tr.pair.at-risk td[data-label='Mentee'] a").first.click()
        page.wait_for_url(re.compile(r"/dashboard/mentee\?"))
        page.screenshot(path=HERE / "dashboard-mentee.png", full_page=True)
        page.goto(program_url)
        page.locator("tr.pair td[data-label='Mentor'] a").first.click()
        page.wait_for_url(re.compile(r"/dashboard/mentor\?"))
        page.screenshot(path=HERE / "dashboard-mentor.png", full_page=True)
        phone = browser.new_context(base_url=base, viewport={"width": 390, "height": 844},
                                    storage_state=context.storage_state())
        small = phone.new_page()
        small.goto(program_url)
        small.screenshot(path=HERE / "dashboard-program-phone.png")
        browser.close()
    for png in sorted(HERE.glob("dashboard-*.png")):
        print(png.relative_to(HERE.parent.parent), png.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
