"""Operations: HTTP metrics per route and status (in-process, and added up across gunicorn's
processes), the workers' counters and histograms kept in Redis, JSON log lines, and a request id
that follows an article from the API into the extraction worker and its webhook deliveries."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import gunicorn
from tests.integration.test_worker import NEWS, wait_for
from tests.integration.webhook_receiver import Receiver, start_webhook_worker, stop_worker

REPO = Path(__file__).resolve().parents[2]


def scrape(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a /metrics answer."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def sample(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def json_lines(path: Path) -> list[dict]:
    """Every line of a log file that is a JSON object (Celery's start banner is not)."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


# -- HTTP requests, in process ------------------------------------------------------------------
def test_requests_are_counted_by_url_rule_method_and_status_with_latency(client, keys):
    route = "/api/v1/claims/<claim_id:claim_id>"  # the URL rule, converter and all
    before = scrape(client.get("/metrics").get_data(as_text=True))
    for _ in range(2):
        assert client.get("/api/v1/claims/clm_not_there", headers=keys["reviewer"]).status_code == 404
    assert client.get("/api/v1/claims", headers=keys["reviewer"]).status_code == 200
    assert client.get("/no/such/page").status_code == 404
    after = scrape(client.get("/metrics").get_data(as_text=True))

    def delta(name, **labels):
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert delta("claimtrack_http_requests_total", route=route, method="GET", status="404") == 2
    assert delta("claimtrack_http_requests_total", route="/api/v1/claims", method="GET", status="200") == 1
    assert delta("claimtrack_http_requests_total", route="unmatched", method="GET", status="404") == 1
    assert delta("claimtrack_http_request_duration_seconds_count", route=route, method="GET") == 2
    assert delta("claimtrack_http_request_duration_seconds_bucket", route=route, method="GET", le="+Inf") == 2
    assert delta("claimtrack_http_request_duration_seconds_sum", route=route, method="GET") > 0
    assert not any("clm_not_there" in value or "/no/such" in value
                   for _name, labels in after for _label, value in labels)


def test_a_sane_request_id_is_kept_and_any_other_replaced(client):
    assert client.get("/healthz", headers={"X-Request-Id": "desk-42.a:b_c"}).headers["X-Request-Id"] == \
        "desk-42.a:b_c"
    generated = {client.get("/healthz", headers=headers).headers["X-Request-Id"]
                 for headers in ({}, {"X-Request-Id": "has space"}, {"X-Request-Id": "x" * 129},
                                 {"X-Request-Id": "<script>"})}
    assert len(generated) == 4 and all(len(value) == 32 and int(value, 16) >= 0 for value in generated)


def test_web_log_lines_are_json_objects_with_the_request_id(app, capsys):
    import logging

    capsys.readouterr()
    with app.test_request_context("/"):
        from service.logs import REQUEST_ID
        token = REQUEST_ID.set("web-log-test")
        try:
            logging.getLogger("service.test").warning("a line %s", "of the web", extra={"article_id": "art_1"})
        finally:
            REQUEST_ID.reset(token)
    [line] = [json.loads(text) for text in capsys.readouterr().err.splitlines() if "a line of the web" in text]
    assert line["message"] == "a line of the web" and line["level"] == "WARNING" and line["service"] == "web"
    assert line["request_id"] == "web-log-test" and line["article_id"] == "art_1" and line["time"]


# -- work done in the workers, counted in Redis -------------------------------------------------
def test_an_extraction_and_a_transition_show_in_every_scrape_and_the_worker_logs_the_request_id(
        live_server, keys, celery_worker):
    request_id = f"test-{uuid.uuid4().hex}"
    answer = requests.post(f"{live_server}/api/v1/articles", json={"text": NEWS, "published_at": "2024-07-04"},
                           headers={**keys["ingest"], "X-Request-Id": request_id}, timeout=10)
    assert answer.status_code == 202 and answer.headers["X-Request-Id"] == request_id
    article = wait_for(live_server, keys["ingest"], answer.json()["id"], timeout=25)
    assert article["status"] == "done"
    leased = requests.post(f"{live_server}/api/v1/queue/next", json={}, headers=keys["reviewer"], timeout=10)
    assert leased.status_code == 200
    samples = scrape(requests.get(f"{live_server}/metrics", timeout=10).text)
    assert sample(samples, "claimtrack_articles_processed_total", outcome="done") == 1
    assert sample(samples, "claimtrack_articles_processed_total", outcome="failed") == 0
    assert sample(samples, "claimtrack_extraction_duration_seconds_count") == 1
    assert sample(samples, "claimtrack_extraction_duration_seconds_bucket", le="+Inf") == 1
    assert 0 < sample(samples, "claimtrack_extraction_duration_seconds_sum") < 25
    assert sample(samples, "claimtrack_claim_transitions_total", to="in_review") == 1
    assert sample(samples, "claimtrack_http_requests_total", route="/api/v1/articles", method="POST",
                  status="202") >= 1

    deadline = time.monotonic() + 5  # the worker's line may reach its log file a moment later
    while not [line for line in json_lines(celery_worker.log_path) if line.get("request_id") == request_id
               and line.get("article_id") == article["id"]]:
        assert time.monotonic() < deadline, celery_worker.log_path.read_text()[-3000:]
        time.sleep(0.1)
    mine = [line for line in json_lines(celery_worker.log_path) if line.get("request_id") == request_id]
    assert {line["service"] for line in mine} == {"worker"}
    assert {line.get("task") for line in mine} == {"claimtrack.extract_article"}


def test_a_failed_article_is_counted_as_failed(client, keys, store):
    answer = client.post("/api/v1/articles", json={"text": NEWS}, headers=keys["ingest"]).get_json()
    assert store.fail_article(answer["id"], "extraction failed: for the test")
    assert not store.fail_article(answer["id"], "again")  # already failed: not counted twice
    samples = scrape(client.get("/metrics").get_data(as_text=True))
    assert sample(samples, "claimtrack_articles_processed_total", outcome="failed") == 1


@pytest.fixture(scope="module")
def webhook_worker(redis_server_url, tmp_path_factory):
    process = start_webhook_worker(redis_server_url, tmp_path_factory.mktemp("observed-webhooks"),
                                   schedule="1,1", name="observed")
    yield process
    stop_worker(process)


@pytest.fixture
def settings(settings):
    return settings.with_overrides(webhook_allow_private=True)


def test_the_request_id_reaches_the_webhook_deliveries_of_the_article_and_beat_stays_quiet(
        live_server, keys, celery_worker, webhook_worker, tmp_path):
    receiver = Receiver()
    try:
        made = requests.post(f"{live_server}/api/v1/webhooks", headers=keys["admin"], timeout=10,
                             json={"url": receiver.url("/hook"), "events": ["article.processed"]})
        assert made.status_code == 201, made.text
        request_id = f"hook-{uuid.uuid4().hex}"
        answer = requests.post(f"{live_server}/api/v1/articles", json={"text": NEWS + " Webhook run."},
                               headers={**keys["ingest"], "X-Request-Id": request_id}, timeout=10).json()
        receiver.wait_until(lambda: len(receiver.delivered("/hook")) >= 1, timeout=25, what="the delivery")
        assert receiver.delivered("/hook")[0].payload["data"]["article_id"] == answer["id"]
        log_path = Path(webhook_worker.args[webhook_worker.args.index("--schedule") + 1]).with_suffix(".log")
        deadline = time.monotonic() + 5
        while not (delivered := [line for line in json_lines(log_path) if line.get("request_id") == request_id
                                 and line.get("event_type") == "article.processed"]):
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.1)
        assert delivered[0]["status_code"] == 200 and delivered[0]["task"] == "claimtrack.deliver_webhooks"
        samples = scrape(requests.get(f"{live_server}/metrics", timeout=10).text)
        assert sample(samples, "claimtrack_webhook_deliveries_total", outcome="succeeded") == 1
        assert sample(samples, "claimtrack_webhook_delivery_duration_seconds_count") == 1
        assert 0 < sample(samples, "claimtrack_webhook_delivery_duration_seconds_sum") < 10
        # The embedded beat sent its 2-s sweep several times meanwhile: Celery's lines about it are gone.
        # Let the embedded beat send its 2-s sweep at least twice, then read the log.
        [started] = [line for line in json_lines(log_path) if "beat: Starting" in line["message"]]
        since = time.time() - datetime.fromisoformat(started["time"]).timestamp()
        time.sleep(max(0.0, 4.5 - since))
        messages = [line["message"] for line in json_lines(log_path)]
        assert not [m for m in messages if "Sending due task" in m or "claimtrack.sweep_webhooks" in m]
        assert any("claimtrack.deliver_webhooks" in m and "succeeded" in m for m in messages)  # still logged
    finally:
        receiver.close()


# -- gunicorn: several processes, one set of totals ---------------------------------------------
def test_gunicorns_processes_add_up_to_one_total_and_log_json(redis_url, tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_99999.db").write_bytes(b"left by an earlier run")
    env = {"CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_DATA_DIR": str(tmp_path),
           "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    log_path = tmp_path / "gunicorn.log"
    # Ready when /api/v1/me answers (a /healthz probe would count among the requests below).
    with gunicorn(env, workers=3, log_path=log_path, ready_path="/api/v1/me") as base:
        assert not (directory / "counter_99999.db").exists()
        for n in range(30):  # a new connection each: gunicorn's workers share them out
            assert requests.get(f"{base}/healthz", headers={"X-Request-Id": f"gunicorn-{n}"},
                                timeout=5).status_code == 200
        totals = set()
        for _ in range(6):
            samples = scrape(requests.get(f"{base}/metrics", timeout=5).text)
            totals.add(sample(samples, "claimtrack_http_requests_total", route="/healthz", method="GET",
                              status="200"))
            assert sample(samples, "claimtrack_http_request_duration_seconds_count", route="/healthz",
                          method="GET") == 30
        assert totals == {30.0}
    lines = json_lines(log_path)
    assert len(lines) == len(log_path.read_text().splitlines())  # every line is a JSON object
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any("request_id=gunicorn-7" in line["message"] for line in access)
    seventh = next(line for line in access if line["request_id"] == "gunicorn-7")
    assert (seventh["method"], seventh["path"], seventh["status"], seventh["service"]) == \
        ("GET", "/healthz", 200, "web")
    assert seventh["bytes"] > 0 and seventh["duration_us"] > 0 and seventh["time"].endswith("+00:00")
    assert any(line["logger"] == "gunicorn.error" and line["service"] == "web" for line in lines)
