"""The browser harness itself: if these fail, the dashboard tests prove nothing."""
from __future__ import annotations

import requests


def test_chromium_reaches_the_real_service(desk, page):
    page.goto(f"{desk.url}/healthz")
    assert page.evaluate("() => document.body.innerText").strip()
    assert requests.get(f"{desk.url}/healthz", timeout=5).status_code == 200


def test_the_watchers_catch_csp_violations_page_errors_and_keys_in_urls(desk, page):
    """A same-origin page (routed, so it needs no dashboard) that breaks every rule once."""
    key = desk.api_keys["reviewer"]
    html = ("<!doctype html><title>bad</title><script>window.ran = 1</script>"
            f"<img src='/healthz?key={key}'><button onclick=\"throw new Error('boom')\">b</button>")
    page.route(f"{desk.url}/harness-check", lambda route: route.fulfill(
        status=200, body=html, headers={"Content-Type": "text/html",
                                        "Content-Security-Policy": "script-src 'self'"}))
    page.goto(f"{desk.url}/harness-check")
    page.evaluate("() => setTimeout(() => { throw new Error('uncaught in a timer') }, 0)")
    page.wait_for_timeout(200)

    watched = desk.watched[0]
    assert page.evaluate("() => window.ran") is None  # the CSP held
    assert any("inline script" in v for v in watched.csp_violations), watched.csp_violations
    assert any("uncaught in a timer" in e for e in watched.page_errors), watched.page_errors
    problems = desk.finish()
    assert any("API key is in a request URL" in p for p in problems), problems
    desk.watched.clear()  # all caught: nothing left for the fixture to fail on
