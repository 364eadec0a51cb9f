"""Over-long URLs and headers are refused by the app in the JSON error shape (414, 431), through
the Flask test client and through a real gunicorn started with the flags `claimtrack up` uses;
only past gunicorn's own (raised) limits does gunicorn answer itself."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest
import requests

from service.api.limits import MAX_HEADER_BYTES, MAX_HEADER_FIELDS, MAX_HEADERS_BYTES, MAX_URL_BYTES
from tests.helpers import gunicorn

REPO = Path(__file__).resolve().parents[2]


def error_shape(body: dict, code: int) -> None:
    assert body["code"] == code and body["status"] and body["message"] and body["errors"], body


def test_a_url_over_the_limit_is_a_json_414(client, keys):
    long_query = "q=" + "harbour" * (MAX_URL_BYTES // 7)
    answer = client.get(f"/api/v1/claims?{long_query}", headers=keys["reviewer"])
    assert answer.status_code == 414
    error_shape(answer.get_json(), 414)
    assert "url" in answer.get_json()["errors"]
    # Unauthenticated too, and on any path: the size is checked before anything else.
    assert client.get("/api/v1/claims?" + long_query).status_code == 414
    assert client.get("/" + "a" * MAX_URL_BYTES).status_code == 414
    # Just under the limit is served.
    ids = "&".join(f"id=art_{n:060d}" for n in range(60))  # 60 ids of 64 characters: 3,900 bytes
    assert len(f"/api/v1/articles?{ids}") <= MAX_URL_BYTES
    listed = client.get(f"/api/v1/articles?{ids}", headers=keys["reviewer"])
    assert listed.status_code == 200, listed.get_json()


def test_a_header_over_the_limits_is_a_json_431(client, keys):
    big = client.get("/api/v1/me", headers={**keys["reviewer"], "X-Trace": "t" * MAX_HEADER_BYTES})
    assert big.status_code == 431
    error_shape(big.get_json(), 431)
    assert "X-Trace" in big.get_json()["errors"]

    many = {f"X-Note-{n}": "a note" for n in range(MAX_HEADER_FIELDS + 1)}
    crowded = client.get("/api/v1/me", headers={**keys["reviewer"], **many})
    assert crowded.status_code == 431
    error_shape(crowded.get_json(), 431)

    heavy = {f"X-Part-{n}": "p" * 4000 for n in range(MAX_HEADERS_BYTES // 4000 + 1)}
    assert client.get("/api/v1/me", headers={**keys["reviewer"], **heavy}).status_code == 431

    fine = client.get("/api/v1/me", headers={**keys["reviewer"], "X-Trace": "t" * 4000})
    assert fine.status_code == 200 and fine.get_json()["role"] == "reviewer"


@pytest.fixture
def gunicorn_app(redis_url, tmp_path):
    """service.wsgi:app under gunicorn with `claimtrack up`'s request limits."""
    with gunicorn({"CLAIMTRACK_REDIS_URL": redis_url, "CLAIMTRACK_LOG_LEVEL": "WARNING",
                   "CLAIMTRACK_DATA_DIR": str(tmp_path)}) as base:
        yield base


def raw_request(base: str, request_line: str, headers: list[str]) -> tuple[int, bytes]:
    """Send one request by hand (requests would refuse some of these); status and body back."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall((request_line + "\r\n" + "".join(h + "\r\n" for h in headers)
                      + "Connection: close\r\n\r\n").encode("latin-1"))
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.timeout(60)
def test_gunicorn_lets_the_app_answer_414_and_431_in_json(gunicorn_app, keys):
    session = requests.Session()
    long_url = f"{gunicorn_app}/api/v1/claims?q=" + "x" * 6000  # over the app's 4096, under gunicorn's 8190
    answer = session.get(long_url, headers=keys["reviewer"], timeout=10)
    assert answer.status_code == 414 and answer.headers["Content-Type"] == "application/json"
    error_shape(answer.json(), 414)

    answer = session.get(f"{gunicorn_app}/api/v1/me", headers={**keys["reviewer"], "X-Trace": "t" * 12_000},
                         timeout=10)
    assert answer.status_code == 431 and answer.headers["Content-Type"] == "application/json"
    error_shape(answer.json(), 431)

    many = [f"X-Note-{n}: a note" for n in range(150)]  # over the app's 100, under gunicorn's 200
    status, body = raw_request(gunicorn_app, "GET /api/v1/me HTTP/1.1", [f"Host: {gunicorn_app[7:]}", *many])
    assert status == 431 and b'"code":431' in body.replace(b" ", b"")

    # Beyond gunicorn's own limits gunicorn answers itself (README: HTTP API): not JSON, but a
    # clean 4xx, and the server goes on serving.
    status, _body = raw_request(gunicorn_app, "GET /api/v1/claims?q=" + "x" * 9000 + " HTTP/1.1",
                                [f"Host: {gunicorn_app[7:]}"])
    assert status in (400, 414)
    status, _body = raw_request(gunicorn_app, "GET /api/v1/me HTTP/1.1",
                                [f"Host: {gunicorn_app[7:]}", "X-Trace: " + "t" * 20_000])
    assert status in (400, 431)
    status, _body = raw_request(gunicorn_app, "GET /api/v1/me HTTP/1.1",
                                [f"Host: {gunicorn_app[7:]}", "X-Note: before\x00after"])
    assert status == 400
    assert session.get(f"{gunicorn_app}/api/v1/me", headers=keys["reviewer"], timeout=10).status_code == 200
