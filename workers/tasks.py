"""Thin Celery tasks: take ids, load collaborators, call one domain function."""
from __future__ import annotations

import functools
import logging
import socket
import threading

import redis
import requests
from celery import signals
from celery.exceptions import SoftTimeLimitExceeded

from service.config import Settings
from service.errors import NotFound
from service.feeds import POLL_LEASE_SECONDS
from service.lookup import Lookup
from service.redis import connect, resolve_redis_url
from service.store import Store, WebhookStore
from service.store.stats import WORKER_HEARTBEAT_SECONDS
from service.subscriptions import dispatch
from service.tasks import Queue, TaskName
from service.webhooks import drain_lease_seconds
from workers.articles import match_by_meaning, process_article
from workers.celery_app import app
from workers.feeds import POLL_BUDGET_SECONDS, poll_feed
from workers.webhooks import drain, new_session

log = logging.getLogger(__name__)
SETTINGS = Settings.from_env()
# A drain task hands over after about 10 s; the limit only stops one stuck in a receiver.
WEBHOOK_TASK_SOFT_LIMIT = 120


@functools.cache
def store() -> Store:
    """One store (and connection pool) per worker process."""
    return Store(connect(resolve_redis_url(SETTINGS)), public_url=SETTINGS.public_url)


@signals.worker_init.connect
def _load_model_before_fork(sender=None, **_kwargs) -> None:
    # Loaded once in the parent: prefork children share its pages instead of each loading it
    # (the learned scorer and the gazetteer too, which load on first use). Only where articles
    # are extracted: the matcher and webhook-only workers never need spaCy.
    consumed = {queue.name for queue in sender.app.amqp.queues.consume_from.values()} if sender else set(Queue)
    if Queue.MATCHING.value in consumed:
        lookup().warm_up()
        if _serves_in_this_process(sender):
            # Not before a fork: a child would inherit the build's lock held, by a thread it lacks.
            lookup().prepare_in_background(store())
    if Queue.EXTRACTION.value in consumed:
        from workers.extraction import warm_up

        warm_up(SETTINGS.spacy_model)


def _serves_in_this_process(worker) -> bool:
    """Whether the worker runs tasks in its own process (solo or threads pool), not in forks."""
    pool = getattr(worker, "pool_cls", None)  # at worker_init: the name given ("solo"), or a class
    name = pool if isinstance(pool, str) else getattr(pool, "__module__", "")
    return name.rsplit(".", 1)[-1] in ("solo", "threads", "thread")


@signals.worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs) -> None:
    store.cache_clear()
    webhook_store.cache_clear()
    webhook_session.cache_clear()
    feed_session.cache_clear()


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
            stop.wait(WORKER_HEARTBEAT_SECONDS)

    threading.Thread(target=beat, name="claimtrack-heartbeat", daemon=True).start()


@app.task(
    name=TaskName.EXTRACT_ARTICLE,
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
        log.info("article %s: %s claims", article_id, article["claim_count"],
                 extra={"article_id": article_id, "claim_count": article["claim_count"],
                        "extraction_ms": article["timings"].get("extraction_ms")})
        _observe_extraction(article)
        if article["claim_count"]:
            match_claims.delay(article_id)
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
    notify_webhooks()


@functools.cache
def lookup() -> Lookup:
    """The fact-check and verdict indexes, built on first use, kept up to date in place."""
    return Lookup()


@app.task(
    name=TaskName.MATCH_CLAIMS,
    autoretry_for=(redis.ConnectionError, redis.TimeoutError),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def match_claims(article_id: str) -> None:
    """An extracted article's claims against the fact-checks and reviewed claims, by meaning."""
    try:
        attached = match_by_meaning(store(), lookup(), article_id)
    except NotFound:
        log.warning("article %s is gone; nothing to match", article_id)
        return
    if attached:
        log.info("article %s: %d match(es) by meaning", article_id, attached,
                 extra={"article_id": article_id, "matched": attached})
        notify_webhooks()


def _observe_extraction(article: dict) -> None:
    """The run's duration into the extraction histogram (the article is done whatever happens here)."""
    try:
        store().observe_metric("extraction", article["timings"].get("extraction_ms", 0) / 1000)
    except redis.RedisError as exc:
        log.warning("could not record the extraction time of %s: %s", article["id"], exc)


@app.task(name=TaskName.EXPIRE_LEASES, ignore_result=True)
def expire_leases() -> int:
    """Return claims whose lease ran out to pending, without anyone touching them."""
    expired = store().expire_leases()
    if expired:
        log.info("returned %d claim(s) with an expired lease to pending", len(expired))
        notify_webhooks()
    return len(expired)


@app.task(name=TaskName.SWEEP_ARTICLES, ignore_result=True)
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
    if lost or stuck:
        log.info("article sweep: sent %d queued article(s) again, failed %d stuck in processing",
                 len(lost), len(stuck))
    return {"requeued": len(lost), "failed": len(stuck)}


# -- webhooks ----------------------------------------------------------------------------------
@functools.cache
def webhook_store() -> WebhookStore:
    return WebhookStore(store().redis, drain_lease_seconds=drain_lease_seconds(SETTINGS.webhook_timeout))


@functools.cache
def webhook_session() -> requests.Session:
    """One keep-alive session per worker process."""
    return new_session(allow_private=SETTINGS.webhook_allow_private)


def notify_webhooks() -> None:
    """Fan out the events a task just wrote now rather than at the next beat sweep."""
    try:
        if webhook_store().request_dispatch():
            dispatch_webhooks.delay()
    except redis.RedisError as exc:
        log.warning("could not ask for a webhook dispatch (beat will sweep): %s", exc)


def _start_drains(woken: list[tuple[str, str]]) -> None:
    for webhook_id, token in woken:
        deliver_webhooks.delay(webhook_id, token)


@app.task(name=TaskName.DISPATCH_WEBHOOKS, ignore_result=True)
def dispatch_webhooks() -> int:
    """Turn new outbox events into deliveries and start the endpoints that got some."""
    woken = dispatch(webhook_store(), public_url=SETTINGS.public_url)
    _start_drains(woken)
    return len(woken)


@app.task(name=TaskName.DELIVER_WEBHOOKS, ignore_result=True,
          soft_time_limit=WEBHOOK_TASK_SOFT_LIMIT, time_limit=WEBHOOK_TASK_SOFT_LIMIT + 30)
def deliver_webhooks(webhook_id: str, token: str) -> None:
    """Send one endpoint's waiting deliveries in order while `token` holds it."""
    more = drain(webhook_store(), webhook_id, token, session=webhook_session(),
                 schedule=SETTINGS.webhook_retry_schedule, timeout=SETTINGS.webhook_timeout)
    if more:
        deliver_webhooks.delay(webhook_id, token)


@app.task(name=TaskName.SWEEP_WEBHOOKS, ignore_result=True)
def sweep_webhooks() -> int:
    """Beat, every few seconds: due retries, drainers lost with a worker, events not yet fanned out."""
    webhooks = webhook_store()
    if webhooks.outbox_trimmed_past_cursor():
        log.error("the event outbox was trimmed past the webhook dispatcher's cursor: "
                  "events may have been dropped before delivery")
    woken = dispatch(webhooks, public_url=SETTINGS.public_url) + webhooks.sweep()
    _start_drains(woken)
    if woken:
        log.info("webhook sweep: started %d endpoint drain(s)", len(woken))
    return len(woken)


# -- feeds -------------------------------------------------------------------------------------
@functools.cache
def feed_session() -> requests.Session:
    """Connections only to checked public addresses (CLAIMTRACK_FEED_ALLOW_PRIVATE aside)."""
    return new_session(allow_private=SETTINGS.feed_allow_private)


@app.task(name=TaskName.POLL_FEEDS, ignore_result=True)
def poll_feeds() -> int:
    """Beat, every few seconds: a poll for each feed that is due (each held while it runs)."""
    taken = store().claim_due_feeds(lease_seconds=POLL_LEASE_SECONDS)
    for feed_id, token in taken:
        poll_feed_task.delay(feed_id, token)
    return len(taken)


@app.task(name=TaskName.POLL_FEED, ignore_result=True,
          soft_time_limit=int(POLL_BUDGET_SECONDS) + 60, time_limit=int(POLL_BUDGET_SECONDS) + 90)
def poll_feed_task(feed_id: str, token: str) -> None:
    """Fetch one feed and make its new entries articles (queued for extraction)."""
    poll_feed(store(), feed_id, token, session=feed_session(), timeout=SETTINGS.feed_timeout,
              allow_private=SETTINGS.feed_allow_private, max_article_bytes=SETTINGS.max_article_bytes,
              enqueue=extract_article.delay)
