"""Real servers on free ports of 127.0.0.1, started in their own process and stopped afterwards: `assistant serve`
for the tests that talk HTTP to it (the benchmarks and the LLM server use the same helper)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(command: Sequence[str], ready_url: str, *, env: dict | None = None, timeout: float = 120):
    """Starts `command`, waits until GET `ready_url` answers 200, yields the process, and stops it."""
    process = subprocess.Popen(list(command), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(ready_url, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(command)} did not start")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def running_server(env: dict, timeout: float = 120):
    """`assistant serve` with `env`; yields its base URL."""
    base = f"http://127.0.0.1:{(port := free_port())}"
    with running([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], base + "/health",
                 env=env, timeout=timeout):
        yield base


CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextmanager
def chromium_page(url: str):
    """Debian's chromium (headless, through Playwright's executable_path: never a browser download) on `url`."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make test` installs Debian's chromium package"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url)
        try:
            yield page
        finally:
            browser.close()
