"""The `claimtrack` command as a user runs it: keys, extract, and `up` with embedded Redis."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service.redis import free_port

CLAIMTRACK = str(Path(sys.executable).with_name("claimtrack"))
STORY = ("The Riverton water board raised prices by 8 percent in January 2024. "
         "Board chair Tomas Lind said the increase pays for a new treatment plant.\n")


def cli_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMTRACK_")}
    env.update(CLAIMTRACK_DATA_DIR=str(data_dir), **extra)
    return env


def run(*args, env, timeout=120, input=None) -> subprocess.CompletedProcess:
    return subprocess.run([CLAIMTRACK, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, input=input)


def test_keys_without_a_running_service_use_a_temporary_embedded_redis(tmp_path):
    env = cli_env(tmp_path / "data")
    made = run("keys", "create", "--role", "reviewer", "--name", "Ana", env=env)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("ctk_") and " " not in secret
    listed = run("keys", "list", env=env)  # a second temporary server reads the same AOF
    assert "Ana" in listed.stdout and "reviewer" in listed.stdout and secret not in listed.stdout
    assert not (tmp_path / "data" / "redis.json").exists()  # the temporary server is gone
    key_id = next(line.split("\t")[0] for line in listed.stdout.splitlines() if "Ana" in line)
    assert run("keys", "revoke", key_id, env=env).returncode == 0
    assert key_id in run("keys", "list", env=env).stdout
    assert run("keys", "revoke", "key_nope", env=env).returncode == 1


def test_with_a_redis_url_nothing_embedded_starts(tmp_path, redis_url):
    env = cli_env(tmp_path / "data", CLAIMTRACK_REDIS_URL=redis_url)
    made = run("keys", "create", "--role", "ingest", "--name", "Feed", env=env)
    assert made.returncode == 0, made.stderr
    data = tmp_path / "data"
    assert not data.exists() or not any(data.iterdir())


def test_extract_prints_claims_as_json_without_redis(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY)
    done = run("extract", str(story), "--published-at", "2024-02-01", "--format", "json",
               env=cli_env(tmp_path / "unused"))
    assert done.returncode == 0, done.stderr
    claims = json.loads(done.stdout)["claims"]
    assert claims and any("8 percent" in c["text"] for c in claims)
    assert all(STORY[c["span"]["start"]:c["span"]["end"]] == c["sentence"] for c in claims)
    text = run("extract", "-", env=cli_env(tmp_path / "unused"), input=STORY)
    assert text.returncode == 0 and "8 percent" in text.stdout
    bad = run("extract", str(story), "--published-at", "someday", env=cli_env(tmp_path / "unused"))
    assert bad.returncode == 2 and "published-at" in bad.stderr


def _start_up(data_dir: Path, port: int) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen(
        [CLAIMTRACK, "up", "--port", str(port), "--workers", "1", "--web-workers", "1"],
        env=cli_env(data_dir, CLAIMTRACK_LOG_LEVEL="WARNING"), stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("claimtrack: the desk is at"):
            break
    api = f"http://127.0.0.1:{port}"
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{api}/readyz", timeout=2).status_code == 200:
                return process, lines
        except (requests.ConnectionError, requests.Timeout):  # not listening, or a worker still booting
            pass
        time.sleep(0.3)
    process.kill()
    raise AssertionError(f"claimtrack up did not become ready: {lines}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.timeout(600)
def test_up_runs_everything_and_keeps_data_across_a_restart(tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()
    process, lines = _start_up(data_dir, port)
    api = f"http://127.0.0.1:{port}"
    try:
        marker = lines.index("Admin API key (shown once):")
        admin = {"Authorization": f"Bearer {lines[marker + 1]}"}
        assert f"the desk is at {api}/" in lines[-1]
        desk = requests.get(f"{api}/", timeout=10)   # the packaged page, through gunicorn
        assert desk.status_code == 200 and '<script type="module" src="/ui/js/main.js">' in desk.text
        assert requests.get(f"{api}/ui/js/main.js", timeout=10).headers["Content-Type"].startswith("text/javascript")
        state = json.loads((data_dir / "redis.json").read_text())
        # keys talks to the running server, not a second one on the same data
        made = run("keys", "create", "--role", "ingest", "--name", "Wire", env=cli_env(data_dir))
        assert made.returncode == 0, made.stderr
        ingest = {"Authorization": f"Bearer {made.stdout.strip().splitlines()[-1]}"}
        assert json.loads((data_dir / "redis.json").read_text()) == state
        answer = requests.post(f"{api}/api/v1/articles", json={"text": STORY}, headers=ingest, timeout=10)
        assert answer.status_code == 202, answer.text
        article_id = answer.json()["id"]
        deadline = time.monotonic() + 120
        while (article := requests.get(f"{api}/api/v1/articles/{article_id}", headers=admin,
                                       timeout=10).json())["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline, article
            time.sleep(0.3)
        assert article["status"] == "done" and article["claim_count"] >= 1
    finally:
        _stop(process)
    assert process.returncode == 0
    assert not (data_dir / "redis.json").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(state["pid"], 0)  # Redis stopped with the service

    process, lines = _start_up(data_dir, port)
    try:
        assert "Admin API key (shown once):" not in lines  # only on first start
        kept = requests.get(f"{api}/api/v1/articles/{article_id}", headers=ingest, timeout=10)
        assert kept.status_code == 200 and kept.json()["claim_count"] == article["claim_count"]
    finally:
        _stop(process)


def test_factchecks_import_reads_json_ld_and_ndjson_and_reports_refusals(tmp_path, redis_url, store):
    env = cli_env(tmp_path / "data", CLAIMTRACK_REDIS_URL=redis_url)
    graph = tmp_path / "reviews.jsonld"
    graph.write_text(json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "Faktisk"},
        {"@type": "ClaimReview", "url": "https://checks.example/1", "claimReviewed": "Oslo banned petrol cars.",
         "reviewRating": {"alternateName": "False"}},
        {"@type": "ClaimReview", "url": "https://checks.example/2", "claimReviewed": "Bergen has 300 rainy days."},
    ]}))
    lines = tmp_path / "more.ndjson"
    lines.write_text("\n".join(json.dumps(item) for item in [
        {"@type": "ClaimReview", "url": "https://checks.example/3", "claimReviewed": "Tromsø has polar nights."},
        {"@type": "ClaimReview", "url": "https://checks.example/1", "claimReviewed": "Oslo banned petrol cars.",
         "reviewRating": {"alternateName": "False"}},
        {"@type": "ClaimReview", "claimReviewed": "No URL here."},
    ]) + "\n")
    done = run("factchecks", "import", "--quiet", str(graph), str(lines), env=env)
    assert done.returncode == 1  # one refused
    assert done.stdout.strip() == "3 created, 0 updated, 1 unchanged, 1 refused"
    assert f"{lines}:3: " in done.stderr and "url: is required" in done.stderr
    assert store.factchecks.factcheck_count() == 3
    again = run("factchecks", "import", "--quiet", str(graph), env=env)
    assert again.returncode == 0 and again.stdout.strip() == "0 created, 0 updated, 2 unchanged, 0 refused"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    refused = run("factchecks", "import", "--quiet", str(broken), env=env)
    assert refused.returncode == 1 and "not JSON" in refused.stderr


def test_export_writes_the_selected_claims_as_csv_or_ndjson(tmp_path, redis_url, store):
    from service.articles import submit_article
    from tests.helpers import make_claims

    _created, article = submit_article(store, {"text": "Two claims."}, max_bytes=1 << 20, submitted_by="cli test")
    ids = make_claims(store, article["id"], [("Narva has 53,000 residents.", 0.9), ("Tartu has a castle.", 0.2)])
    env = cli_env(tmp_path / "data", CLAIMTRACK_REDIS_URL=redis_url)
    out = tmp_path / "claims.csv"
    done = run("export", "--format", "csv", "--min-score", "0.5", "-o", str(out), env=env)
    assert done.returncode == 0, done.stderr
    assert "1 claims written" in done.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,article_id,status") and lines[1].startswith(f"{ids[0]},")
    printed = run("export", "--article-id", article["id"], env=env)
    assert [json.loads(line)["id"] for line in printed.stdout.splitlines()] == ids
    refused = run("export", "--min-score", "two", env=env)
    assert refused.returncode == 2 and "--min-score" in refused.stderr
