"""Settings from CLAIMTRACK_* variables: the rate limits and the checks between them."""
from __future__ import annotations

import pytest

from service.config import ConfigError, Settings


def test_rate_limits_come_from_the_environment_with_defaults():
    default = Settings.from_env({})
    assert (default.rate_requests_per_minute, default.rate_articles_per_minute) == (1200, 60)
    assert default.rate_article_bytes_per_hour >= default.max_article_bytes
    tuned = Settings.from_env({"CLAIMTRACK_RATE_REQUESTS_PER_MINUTE": "30",
                               "CLAIMTRACK_RATE_ARTICLES_PER_MINUTE": "0"})
    assert tuned.request_quota.limit == 30 and tuned.request_quota.period_seconds == 60
    assert not tuned.article_quotas[0].enabled


@pytest.mark.parametrize("env, words", [
    ({"CLAIMTRACK_RATE_REQUESTS_PER_MINUTE": "-1"}, "at least 0"),
    ({"CLAIMTRACK_RATE_ARTICLES_PER_MINUTE": "lots"}, "integer"),
    ({"CLAIMTRACK_MAX_ARTICLE_BYTES": "5000", "CLAIMTRACK_RATE_ARTICLE_BYTES_PER_HOUR": "4000"},
     "largest article could never be sent"),
])
def test_unusable_rate_limits_are_refused_with_the_variable_named(env, words):
    with pytest.raises(ConfigError, match=words):
        Settings.from_env(env)
