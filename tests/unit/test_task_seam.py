"""The task seam: the web app, beat and the worker agree on every task's name and queue."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import workers.tasks  # noqa: F401  (defines the tasks on the worker's app)
from service.config import Settings
from service.tasks import TASK_QUEUES, Queue, TaskName
from workers.celery_app import app, celery_config

REPO = Path(__file__).resolve().parents[2]
SETTINGS = Settings(redis_url="redis://127.0.0.1:6379/0")


def test_the_worker_defines_exactly_the_tasks_the_seam_names():
    assert {name for name in app.tasks if not name.startswith("celery.")} == set(TaskName)


def test_every_task_has_a_queue():
    assert set(TASK_QUEUES) == set(TaskName)


def test_beat_sends_only_tasks_the_worker_defines():
    assert {entry["task"] for entry in celery_config(SETTINGS)["beat_schedule"].values()} <= set(TaskName)


def test_deployed_workers_consume_every_queue():
    procfile_queues = [shlex.split(line)[shlex.split(line).index("-Q") + 1]
                       for line in (REPO / "Procfile").read_text().splitlines() if " -Q " in line]
    assert {q for queues in procfile_queues for q in queues.split(",")} == set(Queue)
    # compose splits them over three workers: together they consume every queue
    compose_queues = re.findall(r'"-Q",\s*"([^"]+)"', (REPO / "docker-compose.yml").read_text())
    assert len(compose_queues) == 3
    assert {q for queues in compose_queues for q in queues.split(",")} == set(Queue)


def test_claimtrack_up_runs_a_worker_for_every_queue():
    from cli.main import WORKER_QUEUES

    assert {*WORKER_QUEUES, Queue.MATCHING.value} == set(Queue)


def test_the_tasks_module_loads_without_spacy():
    """Beat, the webhook worker and the matcher import the tasks; only extraction needs spaCy."""
    import subprocess
    import sys

    check = "import sys, workers.tasks; sys.exit(1 if 'spacy' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", check], cwd=REPO, timeout=120).returncode == 0
