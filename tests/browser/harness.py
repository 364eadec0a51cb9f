"""The browser harness: Debian's Chromium as Playwright launches it here, and a `Desk` that opens
watched pages on the service, signs them in and saves screenshots (fixtures in conftest.py)."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import ConsoleMessage, Error, Page

CHROMIUM = Path("/usr/bin/chromium")
# ../shared/PITFALLS.md: Playwright cannot download its own browser here; these flags keep
# Debian's Chromium headless, quiet and off the network.
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run",
                  "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(__file__).parent / ".screenshots"
API_KEY_ENTRY = "claimtrack.apiKey"  # the sessionStorage entry issue 10 names
TIMEOUT_MS = 10_000  # Playwright's default 30 s makes a broken page slow to report


@dataclass
class Watched:
    """What one page did that a test must not let pass silently."""
    page: Page
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    request_urls: list[str] = field(default_factory=list)


class Desk:
    """Opens watched pages on the service, signs them in and saves screenshots. `finish`
    reports uncaught errors, CSP violations, API keys in URLs and requests to anywhere else."""

    def __init__(self, browser, service_url: str, api_keys: dict[str, str], out_dir: Path, test_name: str):
        self.browser = browser
        self.url = service_url
        self.api_keys = api_keys
        self.out_dir = out_dir
        self.test_name = test_name
        self.watched: list[Watched] = []
        self._contexts = []

    def new_page(self, viewport: dict | None = None) -> Page:
        """A page in a fresh context (its own sessionStorage), watched until the test ends."""
        context = self.browser.new_context(viewport=viewport or DESKTOP)
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append(context)
        page = context.new_page()
        watched = Watched(page)
        page.on("pageerror", lambda error: watched.page_errors.append(f"{error.name}: {error.message}"))
        page.on("console", lambda message: _note_csp(watched, message))
        page.on("request", lambda request: watched.request_urls.append(request.url))
        self.watched.append(watched)
        return page

    def sign_in(self, page: Page, label: str = "reviewer", route: str = "#/queue/pending") -> Page:
        """Open the dashboard at `route` with the key already in sessionStorage (issue 10: such a
        page is signed in). The entry is written on a same-origin page first, not by an init
        script, so signing out stays signed out."""
        page.goto(f"{self.url}/healthz")
        page.evaluate("([name, key]) => sessionStorage.setItem(name, key)", [API_KEY_ENTRY, self.api_keys[label]])
        page.goto(f"{self.url}/{route}")
        return page

    def open(self, route: str = "", label: str | None = None, viewport: dict | None = None) -> Page:
        page = self.new_page(viewport)
        if label:
            return self.sign_in(page, label, route)
        page.goto(f"{self.url}/{route}")
        return page

    def shot(self, page: Page, name: str) -> Path:
        """Save the page as `name`.png in the test's tmp_path and in tests/browser/.screenshots/."""
        path = self.out_dir / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        SCREENSHOTS.mkdir(exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / path.name)
        return path

    def finish(self) -> list[str]:
        """Screenshot every page as it ended; close everything; return what went wrong."""
        problems = []
        secrets = list(self.api_keys.values())
        for n, watched in enumerate(self.watched):
            suffix = "" if n == 0 else f"-{n + 1}"
            try:
                if not watched.page.is_closed():
                    self.shot(watched.page, f"{self.test_name}{suffix}")
            except Error as error:  # a crashed page still reports its errors below
                problems.append(f"page {n + 1}: no screenshot: {error.message}")
            problems += [f"page {n + 1}: uncaught error: {e}" for e in watched.page_errors]
            problems += [f"page {n + 1}: CSP violation: {c}" for c in watched.csp_violations]
            problems += [f"page {n + 1}: an API key is in a request URL: {url}"
                         for url in watched.request_urls
                         if any(s in url or quote(s, safe="") in url for s in secrets)]
            # Issue 10: nothing is loaded from outside the service; the page works offline.
            problems += [f"page {n + 1}: a request left the service: {url}"
                         for url in watched.request_urls
                         if not url.startswith((f"{self.url}/", "data:", "blob:"))]
        for context in self._contexts:
            context.close()
        self._contexts.clear()
        return problems


def _note_csp(watched: Watched, message: ConsoleMessage) -> None:
    # Chromium reports every Content-Security-Policy refusal as a console error.
    if message.type == "error" and "Content Security Policy" in message.text:
        watched.csp_violations.append(message.text)
