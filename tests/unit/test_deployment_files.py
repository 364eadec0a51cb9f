"""docker-compose.yml, checked without Docker: it parses, runs the services the README
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


SERVERS = ("web", "worker", "webhook-worker", "matcher", "beat")


def test_compose_runs_redis_web_three_workers_and_beat():
    services = compose()["services"]
    assert set(services) == {"redis", *SERVERS}
    redis_command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis_command and "--maxmemory-policy noeviction" in redis_command
    assert services["web"]["command"][:2] == ["gunicorn", "service.wsgi:app"]
    for name in ("worker", "webhook-worker", "matcher"):
        assert services[name]["command"][:4] == ["celery", "-A", "workers.celery_app", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "workers.celery_app", "beat"]
    for name in SERVERS:
        assert services[name]["depends_on"] == ["redis"]


def test_every_server_setting_reaches_the_containers():
    settings = set(re.findall(r'"(CLAIMTRACK_[A-Z_]+)"', (REPO / "service" / "config.py").read_text()))
    services = compose()["services"]
    for name in SERVERS:
        environment = services[name]["environment"]
        assert environment["CLAIMTRACK_REDIS_URL"] == "redis://redis:6379/0"
        assert settings - CLI_ONLY <= set(environment), sorted(settings - CLI_ONLY - set(environment))


def test_every_gunicorn_is_started_with_the_raised_request_limits():
    """The app refuses long URLs and headers in the JSON error shape only if gunicorn lets them
    through: every place that starts gunicorn passes the same limits, above the app's own."""
    from cli.main import GUNICORN_LIMITS
    from service.api.limits import MAX_HEADER_BYTES, MAX_HEADER_FIELDS, MAX_URL_BYTES

    limits = dict(zip(GUNICORN_LIMITS[::2], (int(v) for v in GUNICORN_LIMITS[1::2]), strict=True))
    assert set(limits) == {"--limit-request-line", "--limit-request-field_size", "--limit-request-fields"}
    assert MAX_URL_BYTES + len("DELETE  HTTP/1.1") < limits["--limit-request-line"] <= 8190
    assert MAX_HEADER_BYTES < limits["--limit-request-field_size"]
    assert MAX_HEADER_FIELDS < limits["--limit-request-fields"]
    flags = " ".join(GUNICORN_LIMITS)
    procfile_web = next(line for line in (REPO / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert flags in procfile_web
    dockerfile_cmd = (REPO / "Dockerfile").read_text().split("CMD", 1)[1]
    assert flags in " ".join(re.findall(r'"([^"]+)"', dockerfile_cmd))
    assert flags in " ".join(compose()["services"]["web"]["command"])
