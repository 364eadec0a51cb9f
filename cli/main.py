"""The `claimtrack` command: up, extract, keys, ingest."""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from service.config import ConfigError, Settings
from service.tasks import Queue

STOP_GRACE_SECONDS = 30
# The worker serves every queue but matching, which has its own process (`matcher`).
WORKER_QUEUES = tuple(queue.value for queue in Queue if queue is not Queue.MATCHING)
# gunicorn's request limits, raised above the app's own (service/api/limits.py) so that the app
# sees an over-long URL or header and refuses it in the JSON error shape: the request line to
# gunicorn's maximum, 8190 bytes; a header field to 16 KB; 200 header fields. The Procfile,
# Dockerfile and docker-compose.yml pass the same flags (tests/unit/test_deployment_files.py).
GUNICORN_LIMITS = ("--limit-request-line", "8190", "--limit-request-field_size", "16384",
                   "--limit-request-fields", "200")


def _published_at(value: str | None):
    if value is None:
        return None
    from marshmallow import ValidationError

    from schemas.common import DateOrDateTime

    try:
        return DateOrDateTime().deserialize(value)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"not an ISO date or datetime: {value!r}") from None


# -- up -------------------------------------------------------------------------------------
def web_command(host: str, port: int, *, workers: int) -> list[str]:
    """The web service as `claimtrack up` starts it (benchmarks/review_desk.py measures this)."""
    return [sys.executable, "-m", "gunicorn", "service.wsgi:app", "--config", "python:service.gunicorn_conf",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
            "--graceful-timeout", "20", "--no-control-socket", *GUNICORN_LIMITS]


def cmd_up(args, settings: Settings) -> int:
    from service.auth import ensure_admin_key
    from service.redis import EmbeddedRedis, EmbeddedRedisError, connect
    from service.store import Store

    env = dict(os.environ)
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env["CLAIMTRACK_DATA_DIR"] = str(data_dir)
    embedded = None
    if settings.redis_url:
        url = settings.redis_url
    else:
        embedded = EmbeddedRedis(data_dir)
        try:
            url = embedded.start()
        except EmbeddedRedisError as exc:
            print(f"claimtrack: {exc}", file=sys.stderr)
            return 1
        env["CLAIMTRACK_REDIS_URL"] = url
        print(f"claimtrack: embedded Redis at {url} (data in {data_dir})", flush=True)

    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def request_stop(signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    exit_code = 0
    try:
        secret = ensure_admin_key(Store(connect(url)))
        if secret:
            print("Admin API key (shown once):", flush=True)
            print(secret, flush=True)
        python = sys.executable
        commands = {
            "web": web_command(args.host, args.port, workers=args.web_workers),
            "worker": [python, "-m", "celery", "-A", "workers.celery_app", "worker",
                       "--concurrency", str(args.workers), "-Q", ",".join(WORKER_QUEUES),
                       "--loglevel", settings.log_level, "-n", f"claimtrack-{os.getpid()}@%h"],
            # One process holds the embedding model and the fact-check index (no fork, no spaCy).
            "matcher": [python, "-m", "celery", "-A", "workers.celery_app", "worker", "--pool", "solo",
                        "-Q", Queue.MATCHING.value, "--loglevel", settings.log_level,
                        "-n", f"claimtrack-matcher-{os.getpid()}@%h"],
            "beat": [python, "-m", "celery", "-A", "workers.celery_app", "beat",
                     "--schedule", str(data_dir / "celerybeat-schedule"), "--loglevel", settings.log_level],
        }
        # Each gunicorn worker counts HTTP requests in its own files here, emptied when gunicorn
        # starts (service/gunicorn_conf.py); /metrics adds them up.
        environments = {"web": {**env, "PROMETHEUS_MULTIPROC_DIR": str(data_dir / "prometheus")}}
        for name, command in commands.items():
            # Own sessions: Ctrl-C reaches only this supervisor, which stops them in order.
            children[name] = subprocess.Popen(command, env=environments.get(name, env), start_new_session=True)
        base = f"http://{args.host}:{args.port}"
        print(f"claimtrack: the desk is at {base}/ (sign in with an API key); API on {base}/api/v1, "
              f"reference at {base}/api/v1/docs; Ctrl-C stops everything", flush=True)
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    print(f"claimtrack: {name} exited with {child.returncode}; stopping", file=sys.stderr)
                    stopping, exit_code = True, 1
                    break
            time.sleep(0.3)
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if embedded is not None:
            embedded.stop()  # last: web, worker and beat may write until they are gone
        print("claimtrack: stopped", flush=True)
    return exit_code


# -- extract ----------------------------------------------------------------------------------
def cmd_extract(args, settings: Settings) -> int:
    # Imported here so the other commands start without loading spaCy.
    from workers.extraction import extract_claims, load_nlp

    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"claimtrack: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    result = extract_claims(None if args.html else raw, html=raw if args.html else None,
                            published_at=args.published_at, title=args.title,
                            nlp=load_nlp(settings.spacy_model))
    if args.format == "json":
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for claim in result.claims:
            print(f"{claim.score:.2f}\t{claim.text}")
        if not result.claims:
            print(f"(no claims: {result.skipped_reason or 'no checkable sentence'})", file=sys.stderr)
    return 0


# -- keys -------------------------------------------------------------------------------------
def cmd_keys(args, settings: Settings) -> int:
    from service.auth import create_key
    from service.claims import Role
    from service.errors import LastAdminKey, NotFound
    from service.redis import EmbeddedRedisError, connect, redis_url_for_command
    from service.store import Store

    try:
        with redis_url_for_command(settings) as url:
            store = Store(connect(url))
            if args.keys_command == "create":
                record, secret = create_key(store, role=Role(args.role), name=args.name)
                print(f"created key {record['id']} ({record['role']}, {record['name']}); "
                      "the key is shown once:")
                print(secret)
            elif args.keys_command == "list":
                print("id\tname\trole\tcreated\tlast used\trevoked")
                for key in store.list_keys():
                    print("\t".join(key.get(f) or "-" for f in
                                    ("id", "name", "role", "created_at", "last_used_at", "revoked_at")))
            else:
                try:
                    store.revoke_key(args.key_id)
                except (NotFound, LastAdminKey) as exc:
                    print(f"claimtrack: {exc}", file=sys.stderr)
                    return 1
                print(f"revoked {args.key_id}")
    except EmbeddedRedisError as exc:
        print(f"claimtrack: {exc}", file=sys.stderr)
        return 1
    return 0


# -- ingest -----------------------------------------------------------------------------------
def cmd_ingest(args, settings: Settings) -> int:
    import requests

    key = args.key or settings.api_key
    if not key:
        print("claimtrack: an API key is needed: --key or CLAIMTRACK_API_KEY", file=sys.stderr)
        return 2
    failures = 0
    for name in args.files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}: cannot read: {exc}", file=sys.stderr)
            failures += 1
            continue
        body = {"html" if name.lower().endswith((".html", ".htm")) else "text": text}
        if args.title:
            body["title"] = args.title
        if args.published_at:
            body["published_at"] = args.published_at
        try:
            response = requests.post(f"{args.api_url.rstrip('/')}/api/v1/articles", json=body,
                                     headers={"Authorization": f"Bearer {key}"}, timeout=60)
        except requests.RequestException as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            failures += 1
            continue
        answer = response.json() if response.headers.get("Content-Type", "").startswith("application/json") else {}
        if response.status_code in (200, 202):
            print(f"{name}: {answer['id']} {answer['status']}"
                  + (" (already submitted)" if response.status_code == 200 else ""))
        else:
            print(f"{name}: HTTP {response.status_code}: {answer.get('message', response.text[:200])}",
                  file=sys.stderr)
            failures += 1
    return 1 if failures else 0


# -- fact-checks --------------------------------------------------------------------------------
def cmd_factchecks(args, settings: Settings) -> int:
    """Import ClaimReview files (JSON, JSON-LD, NDJSON) straight into the store, in batches."""
    from tqdm import tqdm

    from service.errors import InvalidClaimReview
    from service.factcheck_import import import_claimreviews
    from service.factchecks import MAX_ITEMS, claimreview_nodes
    from service.redis import EmbeddedRedisError, connect, redis_url_for_command
    from service.store import Store

    counts = dict.fromkeys(("created", "updated", "unchanged", "refused"), 0)
    unreadable = 0
    try:
        with redis_url_for_command(settings) as url:
            store = Store(connect(url))
            with tqdm(unit=" reviews", disable=args.quiet, file=sys.stderr) as progress:
                for name in args.files:
                    try:
                        sources = list(_claimreview_documents(name))
                    except (OSError, UnicodeDecodeError, ValueError) as exc:
                        print(f"{name}: cannot read: {exc}", file=sys.stderr)
                        unreadable += 1
                        continue
                    batch: list[tuple[str, object]] = []
                    for where, document in sources:
                        try:
                            nodes = claimreview_nodes(document)
                        except InvalidClaimReview as exc:
                            print(f"{name}{where}: {exc.message}", file=sys.stderr)
                            counts["refused"] += 1
                            continue
                        batch += [(f"{where}[{index}]" if len(nodes) > 1 else where, node)
                                  for index, node in enumerate(nodes)]
                    for start in range(0, len(batch), MAX_ITEMS):
                        part = batch[start : start + MAX_ITEMS]
                        for result in import_claimreviews(store, [node for _where, node in part]):
                            if result["code"] == 422:
                                counts["refused"] += 1
                                print(f"{name}{part[result['index']][0]}: {result['error']['message']}",
                                      file=sys.stderr)
                            else:
                                counts[result["outcome"]] += 1
                        progress.update(len(part))
    except EmbeddedRedisError as exc:
        print(f"claimtrack: {exc}", file=sys.stderr)
        return 1
    print(", ".join(f"{count} {outcome}" for outcome, count in counts.items()))
    return 1 if counts["refused"] or unreadable else 0


# -- export -------------------------------------------------------------------------------------
_EXPORT_FILTERS = ("status", "article_id", "entity", "assignee", "rating", "min_score", "max_score", "q",
                   "created_after", "created_before", "sort", "format")


def cmd_export(args, settings: Settings) -> int:
    """Every claim the filters select, as NDJSON or CSV, to a file or stdout, from the store."""
    from marshmallow import ValidationError

    from schemas.claims import ClaimExportQuerySchema
    from service import export
    from service.api.claims import claim_filters
    from service.redis import EmbeddedRedisError, connect, redis_url_for_command
    from service.store import Store

    given = {name: str(value) for name in _EXPORT_FILTERS if (value := getattr(args, name)) is not None}
    try:
        query = ClaimExportQuerySchema().load(given)
    except ValidationError as exc:
        print(f"claimtrack: {'; '.join(f'--{k.replace(chr(95), chr(45))}: {v[0]}' for k, v in exc.messages.items())}",
              file=sys.stderr)
        return 2
    count = 0

    def counted(rows):
        nonlocal count
        for row in rows:
            count += 1
            yield row

    try:
        with redis_url_for_command(settings) as url:
            lines = export.lines(counted(export.claims(Store(connect(url)), claim_filters(query))), query["format"])
            out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
            try:
                out.writelines(lines)
            finally:
                if args.output:
                    out.close()
    except EmbeddedRedisError as exc:
        print(f"claimtrack: {exc}", file=sys.stderr)
        return 1
    if args.output:
        print(f"{count} claims written to {args.output}", file=sys.stderr)
    return 0


def _claimreview_documents(name: str):
    """(where, document) of a file: each line of NDJSON (.ndjson, .jsonl), else the whole file."""
    text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    if name.lower().endswith((".ndjson", ".jsonl")):
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    yield f":{number}", json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"line {number} is not JSON: {exc.msg}") from None
    else:
        try:
            yield "", json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON: {exc.msg} at line {exc.lineno}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimtrack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run Redis (embedded unless CLAIMTRACK_REDIS_URL), API, worker and beat")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=5000)
    up.add_argument("--workers", type=int, default=1, help="Celery concurrency")
    up.add_argument("--web-workers", type=int, default=2, help="gunicorn workers")
    up.set_defaults(handler=cmd_up)

    extract = commands.add_parser("extract", help="run the extraction pipeline locally, no Redis")
    extract.add_argument("file", help="a text (or HTML with --html) file, or - for stdin")
    extract.add_argument("--published-at", type=_published_at)
    extract.add_argument("--title")
    extract.add_argument("--html", action="store_true")
    extract.add_argument("--format", choices=["text", "json"], default="text")
    extract.set_defaults(handler=cmd_extract)

    keys = commands.add_parser("keys", help="create, list and revoke API keys")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = keys_commands.add_parser("create")
    create.add_argument("--role", required=True, choices=["ingest", "reviewer", "admin"])
    create.add_argument("--name", required=True)
    keys_commands.add_parser("list")
    revoke = keys_commands.add_parser("revoke")
    revoke.add_argument("key_id")
    keys.set_defaults(handler=cmd_keys)

    ingest = commands.add_parser("ingest", help="post article files to a running service")
    ingest.add_argument("files", nargs="+")
    ingest.add_argument("--api-url", default="http://127.0.0.1:5000")
    ingest.add_argument("--key")
    ingest.add_argument("--published-at")
    ingest.add_argument("--title")
    ingest.set_defaults(handler=cmd_ingest)

    factchecks = commands.add_parser("factchecks", help="import fact-checks (ClaimReview JSON-LD)")
    factchecks_commands = factchecks.add_subparsers(dest="factchecks_command", required=True)
    load = factchecks_commands.add_parser(
        "import", help="store ClaimReview files: JSON or JSON-LD (an object, a list or a @graph), or NDJSON "
                       "(.ndjson, .jsonl: one per line); a URL stored before is updated")
    load.add_argument("files", nargs="+", help="files, or - for stdin (read as one JSON document)")
    load.add_argument("--quiet", action="store_true", help="no progress bar")
    factchecks.set_defaults(handler=cmd_factchecks)

    exporter = commands.add_parser("export", help="every claim the filters select, as NDJSON or CSV")
    exporter.add_argument("--format", choices=["ndjson", "csv"])
    exporter.add_argument("-o", "--output", help="a file (default: stdout)")
    for name in ("status", "article-id", "entity", "assignee", "rating", "min-score", "max-score", "q",
                 "created-after", "created-before"):
        exporter.add_argument(f"--{name}")
    exporter.add_argument("--sort", choices=["created", "-created", "score", "-score"])
    exporter.set_defaults(handler=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"claimtrack: {exc}", file=sys.stderr)
        return 2
    return args.handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
