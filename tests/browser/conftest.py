"""Browser fixtures: the real service (redis-server, Celery worker, the app over real HTTP) and
Debian's Chromium driven by Playwright's sync API.

Every page a test opens is watched: an uncaught page error, a Content-Security-Policy violation
or an API key in a request URL fails the test, and the page's final state is saved as a
screenshot in the test's tmp_path and in tests/browser/.screenshots/ (gitignored) for people
to look at."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, sync_playwright

from service.app import create_app
from tests.browser.harness import CHROMIUM, CHROMIUM_FLAGS, Desk
from tests.helpers import serving


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session (a fresh context per test keeps tests apart)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
                    "(apt-get install -y chromium; .ci/run installs it)", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def service_url(settings, celery_worker):
    """The real app (sending real Celery tasks to the real worker) on a real HTTP port."""
    with serving(create_app(settings)) as url:
        yield url


@pytest.fixture
def api_keys(keys) -> dict[str, str]:
    """The secrets behind `keys`: admin, ingest, reviewer, reviewer2."""
    return {label: headers["Authorization"].removeprefix("Bearer ") for label, headers in keys.items()}


@pytest.fixture
def desk(browser, service_url, api_keys, tmp_path, request):
    desk = Desk(browser, service_url, api_keys, tmp_path, re.sub(r"[^\w.-]+", "_", request.node.name).strip("_"))
    yield desk
    problems = desk.finish()
    if problems:
        pytest.fail("the page misbehaved:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(desk) -> Page:
    """A watched desktop-sized (1280×800) page, not yet signed in."""
    return desk.new_page()

