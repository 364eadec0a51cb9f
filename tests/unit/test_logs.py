"""JSON log lines, the request id on them, and Celery's chatter about periodic sweeps left out."""
from __future__ import annotations

import io
import json
import logging

from service.logs import REQUEST_ID, TASK, ContextFilter, QuietTasks, json_formatter, sane_request_id

SWEEP = "claimtrack.sweep_webhooks"


def record(name: str, level: int, msg: str, args=()) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_celery_lines_about_the_periodic_sweeps_are_dropped_and_the_rest_kept():
    quiet = QuietTasks([SWEEP])
    # The messages as Celery 5 logs them (celery.beat, celery.worker.strategy, celery.app.trace).
    dropped = [record("celery.beat", logging.INFO, "Scheduler: Sending due task %s (%s)", ("sweep-webhooks", SWEEP)),
               record("celery.worker.strategy", logging.INFO, "Task %(name)s[%(id)s] received",
                      ({"name": SWEEP, "id": "1"},)),
               record("celery.app.trace", logging.INFO, "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
                      ({"name": SWEEP, "id": "1", "runtime": 0.001, "return_value": 0},))]
    kept = [record("celery.app.trace", logging.ERROR, "Task %(name)s[%(id)s] raised", ({"name": SWEEP, "id": "1"},)),
            record("celery.app.trace", logging.INFO, "Task %(name)s[%(id)s] succeeded",
                   ({"name": "claimtrack.extract_article", "id": "2"},)),
            record("workers.tasks", logging.INFO, "webhook sweep: started %d endpoint drain(s)", (2,)),
            record("celery.beat", logging.INFO, "beat: Starting...")]
    assert [quiet.filter(r) for r in dropped] == [False] * 3
    assert [quiet.filter(r) for r in kept] == [True] * 4


def test_a_line_is_one_json_object_with_the_request_and_task_it_belongs_to():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter("worker"))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    request_token, task_token = REQUEST_ID.set("req-1"), TASK.set(("claimtrack.extract_article", "t-1"))
    try:
        logger.warning("article %s:\n%s claims", "art_1", 3, extra={"article_id": "art_1"})
    finally:
        REQUEST_ID.reset(request_token)
        TASK.reset(task_token)
        logger.removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    parsed = json.loads(line)
    assert parsed["message"] == "article art_1:\n3 claims" and parsed["level"] == "WARNING"
    assert parsed["logger"] == "test.logs" and parsed["service"] == "worker" and parsed["time"]
    assert (parsed["request_id"], parsed["task"], parsed["task_id"], parsed["article_id"]) == \
        ("req-1", "claimtrack.extract_article", "t-1", "art_1")


def test_only_id_like_request_ids_are_taken_from_callers():
    assert sane_request_id("3f2a-desk.1:x_y") == "3f2a-desk.1:x_y"
    for bad in (None, "", "a b", "x" * 129, "id\r\nX-Injected: 1", "ünïcode", '{"json": 1}'):
        assert sane_request_id(bad) is None
