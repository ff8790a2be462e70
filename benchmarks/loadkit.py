"""What the load benchmarks share (signup_rush.py, approval_rush.py).

- `Stack`: a throwaway PostgreSQL database next to the one in DATABASE_URL,
  the real server (gunicorn with the repo's gunicorn.conf.py, bound to
  127.0.0.1) and a real Celery worker on Redis, all with production settings
  (DEBUG off, a throwaway secret key, plain HTTP on this machine only).
- `fire`: a light asyncio HTTP/1.1 client (one connection per request, as each
  family has its own), so the load generator leaves the two cores to the server.
- CPU accounting: seconds of CPU used by gunicorn, PostgreSQL, Redis, Celery
  and the client itself, read from /proc, printed beside the figures.

Server time per request comes from gunicorn's access log (%(D)s, microseconds
from the request read to the response written).
"""

import asyncio
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from json import dumps, loads
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TICKS = os.sysconf("SC_CLK_TCK")

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "ERROR",
}


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(
            "This benchmark needs PostgreSQL: set DATABASE_URL, for example\n"
            "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
            f".venv/bin/python {sys.argv[0]}\n"
            "(SQLite serialises every write, so a rush there measures nothing useful)."
        )
    return url


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14")
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), 2):
            return url
    except OSError:
        sys.exit(
            f"Redis does not answer at {url}: the benchmark runs emails through a "
            "real Celery worker. Start Redis or set REDIS_URL."
        )


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# CPU accounting ---------------------------------------------------------------


def _cpu_of(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICKS


def _pids_where(predicate) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if predicate(int(entry.name), int(stat[2]), cmdline):  # pid, pgid
            found.append(int(entry.name))
    return found


@dataclass
class CpuMeter:
    """CPU seconds used between start() and stop() by each part of the stack."""

    groups: dict  # name -> process group id, for the processes we started
    before: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)

    def _sample(self) -> dict:
        sample = {
            name: _cpu_of(_pids_where(lambda pid, pgid, cmd, g=pgid_: pgid == g))
            for name, pgid_ in self.groups.items()
        }
        sample["postgres"] = _cpu_of(
            _pids_where(lambda pid, pgid, cmd: cmd.startswith("postgres"))
        )
        sample["redis"] = _cpu_of(
            _pids_where(lambda pid, pgid, cmd: "redis-server" in cmd)
        )
        usage = resource.getrusage(resource.RUSAGE_SELF)
        sample["client"] = usage.ru_utime + usage.ru_stime
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        ticks = [int(f) for f in fields]
        # user nice system idle iowait irq softirq steal: busy is ours, steal
        # is time the hypervisor gave to other machines.
        sample["_busy"] = (sum(ticks[:8]) - ticks[3] - ticks[4] - ticks[7]) / TICKS
        sample["_kernel"] = (ticks[2] + ticks[5] + ticks[6]) / TICKS
        sample["_steal"] = ticks[7] / TICKS
        return sample

    def start(self) -> None:
        self.before = self._sample()

    def stop(self) -> None:
        after = self._sample()
        self.used = {k: after[k] - self.before[k] for k in after}

    def line(self, wall: float) -> str:
        parts = [
            f"{name} {self.used[name]:.1f} s"
            for name in sorted(self.used)
            if not name.startswith("_")
        ]
        busy = self.used["_busy"]
        cores = os.cpu_count() or 1
        return (
            f"CPU used over {wall:.1f} s wall: "
            + ", ".join(parts)
            + f"; whole machine {busy:.1f} s of {wall * cores:.1f} s on {cores} cores"
            + f" (kernel {self.used['_kernel']:.1f} s, stolen by the host "
            f"{self.used['_steal']:.1f} s)"
        )


# The stack --------------------------------------------------------------------


class Stack:
    """Throwaway database + gunicorn + Celery worker, production settings.

    Use as a context manager; `build(fn)` runs `fn` with Django set up on the
    throwaway database (to create the world), `serve()` starts the processes."""

    def __init__(self, name: str, *, workers: int | None, threads: int | None):
        self.admin_url = require_postgres()
        self.redis = redis_url()
        self.db_name = f"bench_{name}_{os.getpid()}"
        self.url = with_database(self.admin_url, self.db_name)
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.access_log = self.logdir / "access.log"
        self.processes: dict[str, subprocess.Popen] = {}
        secret = (
            f"bench-only-{os.getpid()}-{time.time_ns()}-not-a-production-key-at-all"
        )
        self.env = (
            os.environ
            | PRODUCTION_ENV
            | {
                "DATABASE_URL": self.url,
                "REDIS_URL": self.redis,
                "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", secret),
                "DJANGO_SETTINGS_MODULE": "hub.settings",
                # Emails are written to files, so the benchmark can count them.
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(self.logdir / "mail"),
            }
        )

    def __enter__(self):
        admin_sql(self.admin_url, f'CREATE DATABASE "{self.db_name}"')
        os.environ.update(self.env)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        return self

    def __exit__(self, *exc):
        from django.db import connections

        connections.close_all()
        for process in self.processes.values():
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        admin_sql(
            self.admin_url, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)'
        )
        subprocess.run(
            [str(VENV_BIN / "celery"), "-A", "hub", "purge", "-f"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            check=False,
        )

    def serve(self) -> None:
        command = [
            str(VENV_BIN / "gunicorn"),
            "hub.wsgi:application",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-b",
            f"127.0.0.1:{self.port}",
            "--access-logfile",
            str(self.access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",
        ]
        if self.workers:
            command += ["-w", str(self.workers)]
        if self.threads:
            command += ["--threads", str(self.threads)]
        self._start("gunicorn", command)
        # The worker runs niced: emails can wait a few seconds, families at
        # the door cannot (docs/capacity-plan.md; on its own host in production).
        self._start(
            "celery",
            [
                "chrt",
                "--idle",
                "0",
                str(VENV_BIN / "celery"),
                "-A",
                "hub",
                "worker",
                "--concurrency",
                "1",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
        )
        self.wait_ready()

    def _start(self, name: str, command: list[str]) -> None:
        log = open(self.logdir / f"{name}.log", "wb")  # noqa: SIM115 (kept open)
        self.processes[name] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, seconds: float = 120) -> None:
        """Until the server answers several requests in a row (every worker
        process has loaded the app), or exit with the server's log."""
        deadline = time.monotonic() + seconds
        answered = 0
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.fail(f"{name} exited before the benchmark started")
            try:
                with urllib.request.urlopen(
                    f"{self.base}/api/v1/activities/?page_size=1", timeout=5
                ) as response:
                    answered = answered + 1 if response.status == 200 else 0
            except (OSError, TimeoutError):  # refused, reset, timed out: not yet
                answered = 0
                time.sleep(0.3)
            if answered >= 4 * (self.workers or os.cpu_count() * 2 + 1):
                self.warm()
                return
        self.fail(f"the server did not answer within {seconds:.0f} s")

    def warm(self, bursts: int = 3, size: int = 60) -> None:
        """A production server is warm: every worker thread has its database
        connection (CONN_MAX_AGE) and every process has run the common code.
        Concurrent bursts reach every thread; nothing here is measured."""
        request = (
            b"GET /api/v1/activities/?page_size=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Connection: close\r\n\r\n"
        )
        for _ in range(bursts):
            fire(self.base, [request] * size)
        self.access_log.write_text("")

    def fail(self, why: str) -> None:
        for name in self.processes:
            log = self.logdir / f"{name}.log"
            if log.exists():
                print(f"--- {name} log (last lines) ---", file=sys.stderr)
                print(log.read_text()[-3000:], file=sys.stderr)
        raise SystemExit(f"Benchmark failed: {why}")

    def cpu_meter(self) -> CpuMeter:
        return CpuMeter(groups={n: p.pid for n, p in self.processes.items()})

    def server_times(self, path_prefix: str) -> list[float]:
        """Milliseconds the server spent on each logged request to the path."""
        times = []
        for line in self.access_log.read_text().splitlines():
            method, path, status, micros = line.split()
            if path.startswith(path_prefix) and method != "GET":
                times.append(int(micros) / 1000)
        self.access_log.write_text("")
        return times

    def emails_sent(self, expected: int, seconds: float = 60) -> int:
        """Messages the Celery worker has written (one Subject: line each),
        waiting up to `seconds` for the last tasks it took from the queue."""
        folder = self.logdir / "mail"
        deadline = time.monotonic() + seconds
        while True:
            files = list(folder.iterdir()) if folder.exists() else []
            sent = sum(
                f.read_text(errors="replace").count("\nSubject: ") for f in files
            )
            if sent >= expected or time.monotonic() > deadline:
                return sent
            time.sleep(0.5)

    def wait_for_queue_empty(self, seconds: float = 120) -> bool:
        """Until Celery's default queue in Redis is empty (emails sent)."""
        import redis

        client = redis.Redis.from_url(self.redis)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if client.llen("celery") == 0:
                return True
            time.sleep(0.2)
        return False


# The client -------------------------------------------------------------------


@dataclass
class Result:
    status: int
    seconds: float
    body: dict
    started: float  # perf_counter when the request was sent
    error: str = ""


async def _one(host: str, port: int, request: bytes, timeout: float) -> tuple:
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port), timeout
    )
    try:
        writer.write(request)
        raw = await asyncio.wait_for(reader.read(-1), timeout)  # until close
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, body


def http_request(method: str, path: str, *, token: str, payload=None) -> bytes:
    body = dumps(payload).encode() if payload is not None else b""
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Connection: close",
        "Accept: application/json",
        f"Authorization: Token {token}",
    ]
    if payload is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def fire(
    base: str,
    requests: list[bytes],
    *,
    timeout: float = 60,
    spread: float = 0.0,
    admission: int = 0,
    retry_after: float = 1.0,
) -> tuple:
    """Send the requests, all at once or arriving evenly over `spread`
    seconds; return the results in the same order and the wall time.

    `admission` emulates a per-activity admission limit answered with 429
    and Retry-After: at most that many requests are in flight; a family that
    finds the limit reached waits `retry_after` seconds (plus up to as much
    again of jitter, as browsers and people do) and tries again. The 429 is
    emulated in the client, free of server CPU, which favours the limit.
    A result's `started` is when the family first arrived; `seconds` runs to
    the final answer."""
    parts = urlsplit(base)
    rng = random.Random(7)

    async def run():
        slots = asyncio.Semaphore(admission) if admission else None

        async def send(request: bytes) -> tuple:
            status, body = await _one(parts.hostname, parts.port, request, timeout)
            try:
                data = loads(body) if body else {}
            except ValueError:
                data = {"raw": body[:200].decode(errors="replace")}
            return status, data

        async def one(index: int, request: bytes) -> Result:
            await asyncio.sleep(spread * index / max(1, len(requests)))
            started = time.perf_counter()
            try:
                while slots is not None and slots.locked():  # a 429
                    await asyncio.sleep(retry_after * (1 + rng.random()))
                if slots is None:
                    status, data = await send(request)
                else:
                    async with slots:  # free: taken without waiting
                        status, data = await send(request)
                return Result(status, time.perf_counter() - started, data, started)
            except (TimeoutError, OSError) as exc:
                return Result(0, time.perf_counter() - started, {}, started, repr(exc))

        began = time.perf_counter()
        results = await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
        return list(results), time.perf_counter() - began

    return asyncio.run(run())


def latency_line(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label}: p50 {percentile(ms, 50):.0f} ms  p95 {percentile(ms, 95):.0f} ms  "
        f"p99 {percentile(ms, 99):.0f} ms  max {max(ms):.0f} ms"
    )


@contextmanager
def measured(stack: Stack):
    """CPU meter around a burst: yields the meter, stopped on exit."""
    meter = stack.cpu_meter()
    meter.start()
    try:
        yield meter
    finally:
        meter.stop()
