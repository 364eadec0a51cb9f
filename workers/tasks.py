"""Thin Celery tasks: take ids, load collaborators, call one domain function."""
from __future__ import annotations

import functools
import logging
import socket
import threading

import redis
from celery import signals
from celery.exceptions import SoftTimeLimitExceeded

from service.articles import process_article
from service.claims import NotFound
from service.config import Settings
from service.redis import connect, resolve_redis_url
from service.store import Store
from workers.celery_app import app

log = logging.getLogger(__name__)
SETTINGS = Settings.from_env()
HEARTBEAT_SECONDS = 20


@functools.cache
def store() -> Store:
    """One store (and connection pool) per worker process."""
    return Store(connect(resolve_redis_url(SETTINGS)), public_url=SETTINGS.public_url)


@signals.worker_init.connect
def _load_model_before_fork(**_kwargs) -> None:
    # Loaded once in the parent: prefork children share its pages instead of each loading it.
    from workers.extraction import load_nlp

    load_nlp(SETTINGS.spacy_model)


@signals.worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs) -> None:
    store.cache_clear()


@signals.worker_ready.connect
def _start_heartbeat(sender=None, **_kwargs) -> None:
    """Mark the worker as seen every few seconds (for /readyz), busy or not."""
    name = getattr(sender, "hostname", None) or socket.gethostname()
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            try:
                store().mark_worker_seen(name)
            except redis.RedisError as exc:
                log.warning("heartbeat failed: %s", exc)
            stop.wait(HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="claimtrack-heartbeat", daemon=True).start()


@app.task(
    name="claimtrack.extract_article",
    autoretry_for=(redis.ConnectionError, redis.TimeoutError),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=SETTINGS.extraction_soft_time_limit,
    time_limit=SETTINGS.extraction_time_limit,
)
def extract_article(article_id: str) -> None:
    """Extract and store an article's claims; idempotent, so a redelivered task is harmless."""
    try:
        article = process_article(store(), article_id, spacy_model=SETTINGS.spacy_model,
                                  suggest_at=SETTINGS.match_suggest_threshold,
                                  confirm_at=SETTINGS.match_confirm_threshold)
        log.info("article %s: %s claims", article_id, article["claim_count"])
    except NotFound:
        log.warning("article %s is gone; nothing to extract", article_id)
    except SoftTimeLimitExceeded:
        store().fail_article(article_id, f"extraction took longer than its limit of "
                                         f"{SETTINGS.extraction_soft_time_limit} s")
    except (redis.ConnectionError, redis.TimeoutError):
        raise  # retried with backoff by Celery
    except Exception as exc:  # the article fails cleanly; the worker goes on
        log.exception("extraction of %s failed", article_id)
        store().fail_article(article_id, f"extraction failed: {type(exc).__name__}: {exc}")


@app.task(name="claimtrack.expire_leases", ignore_result=True)
def expire_leases() -> int:
    """Return claims whose lease ran out to pending, without anyone touching them."""
    return len(store().expire_leases())


@app.task(name="claimtrack.sweep_articles", ignore_result=True)
def sweep_articles() -> dict:
    """Send again what was queued but never started; fail what outlived the hard time limit."""
    lost = store().articles_waiting_since("queued", 300)
    for article_id in lost:
        extract_article.delay(article_id)
    store().requeued(lost)
    # Past the visibility timeout a lost task would have been redelivered and restarted.
    stuck = store().articles_waiting_since(
        "processing", SETTINGS.visibility_timeout + SETTINGS.extraction_time_limit)
    for article_id in stuck:
        store().fail_article(article_id, "extraction stopped without finishing "
                                         "(its worker was lost or hit the hard time limit)")
    return {"requeued": len(lost), "failed": len(stuck)}
