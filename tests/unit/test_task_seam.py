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
    procfile_worker = next(line for line in (REPO / "Procfile").read_text().splitlines()
                           if line.startswith("worker:"))
    command = shlex.split(procfile_worker)
    assert set(command[command.index("-Q") + 1].split(",")) == set(Queue)
    # compose splits them over two workers: together they consume every queue
    compose_queues = re.findall(r'"-Q",\s*"([^"]+)"', (REPO / "docker-compose.yml").read_text())
    assert len(compose_queues) == 2
    assert {q for queues in compose_queues for q in queues.split(",")} == set(Queue)
