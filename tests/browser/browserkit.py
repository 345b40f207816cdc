"""Debian's Chromium, headless, driven by Playwright: no browser download, no request leaves the machine.

Shared by the browser tests and the README's screenshot (`make catalog-screenshot`).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from playwright.sync_api import Browser, sync_playwright

REPO = Path(__file__).resolve().parents[2]  # the repository: the sample project
CHROMIUM = Path(os.environ.get("MESHPLANE_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = f"Chromium is not at {CHROMIUM}: `make test` installs Debian's chromium (apt-get install chromium), as .ci/run does"


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium; raise FileNotFoundError when it is not installed (the tests then fail, never skip)."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
