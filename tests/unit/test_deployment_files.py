"""docker-compose.yml, checked without Docker: it parses, runs the four services the README
promises, and passes every server setting through."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
# Settings only the CLI reads: a container has no use for them.
CLI_ONLY = {"CLAIMTRACK_API_KEY"}


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_runs_redis_web_worker_and_beat():
    services = compose()["services"]
    assert set(services) == {"redis", "web", "worker", "beat"}
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command and "--maxmemory-policy noeviction" in redis_command
    assert services["web"]["command"][:2] == ["gunicorn", "service.wsgi:app"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "workers.celery_app", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "workers.celery_app", "beat"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == ["redis"]


def test_every_server_setting_reaches_the_containers():
    settings = set(re.findall(r'"(CLAIMTRACK_[A-Z_]+)"', (REPO / "service" / "config.py").read_text()))
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["CLAIMTRACK_REDIS_URL"] == "redis://redis:6379/0"
        assert settings - CLI_ONLY <= set(environment), sorted(settings - CLI_ONLY - set(environment))
