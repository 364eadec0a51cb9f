"""The soak of benchmarks/soak.py for 30 s (issue 12, Load, in CI): `claimtrack up` (gunicorn, a
Celery worker, beat, embedded Redis), a webhook receiver subscribed to every event, one article
a second and 20 reviewers with their own keys; afterwards every article is done, every claim's
history agrees with its state and indexes, every 200 is in a history once, every event arrived
once per webhook-id, no request failed, and the worker's memory did not keep climbing."""
from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.conftest import REPO


def load_harness():
    spec = importlib.util.spec_from_file_location("soak", REPO / "benchmarks" / "soak.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["soak"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.timeout(240)
def test_a_30_second_soak_holds_every_check(tmp_path):
    soak = load_harness()
    result = soak.run_soak(30, tmp_path, reviewers=20, rate=1.0, workers=2, web_workers=2, drain_timeout=90)
    print(soak.report(result))
    assert result.problems() == [], soak.report(result)
    assert len(result.articles) >= 25 and result.claims >= 25
    assert result.transitions_acknowledged >= 50
    assert result.events_expected == result.events_delivered > 0
    # Memory: the worker's PSS once warm (spaCy loaded in each pool process at its first
    # article, by 20 s) grows by less than 50 MiB; Redis grows only with what is stored.
    warm = soak.warm_samples(result)
    assert warm and max(s.worker_pss for s in warm) - warm[0].worker_pss < 50 * 2**20, result.samples
    assert result.samples[-1].redis_used_memory < 64 * 1024 * 1024
