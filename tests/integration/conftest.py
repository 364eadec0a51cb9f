"""Integration fixtures: the app with a recorded extraction queue, its test client, a live server.
The redis-server, the Celery worker, settings, store and API keys come from tests/conftest.py;
helpers (make_claims, transition, lease, serving) live in tests/helpers.py."""
from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from service.app import create_app
from tests.helpers import make_claims, serving


@pytest.fixture
def enqueued():
    """Article ids the app asked to extract (the queue itself is tested with a real worker)."""
    return []


@pytest.fixture
def app(settings, enqueued):
    return create_app(settings, enqueue_extraction=enqueued.append)


@pytest.fixture
def client(app):
    app.test_client_class = BufferedClient
    return app.test_client()


class BufferedClient(FlaskClient):
    """Reads every answer whole and closes it, as a WSGI server does (a file sent by
    send_from_directory is otherwise left open: a ResourceWarning)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture
def article_with_claims(client, keys, store):
    """An article whose claims are stored, with distinct scores."""
    def make(texts_and_scores, text=None):
        body = text or " ".join(t for t, _ in texts_and_scores)
        answer = client.post("/api/v1/articles", json={"text": body}, headers=keys["ingest"])
        assert answer.status_code == 202, answer.json
        article_id = answer.json["id"]
        return article_id, make_claims(store, article_id, texts_and_scores)
    return make


@pytest.fixture
def live_server(settings):
    """The real app (sending real Celery tasks) on a real HTTP port."""
    with serving(create_app(settings)) as url:
        yield url
