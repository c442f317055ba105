"""More than one machine: two app servers and two workers on one PostgreSQL and one Redis.

Each server and worker is a process of its own (gunicorn, ``db_worker``) on a loopback
port, configured only by the environment, as separate machines would be. A schedule run
queued through server A is done by one of the workers and seen as done through server B;
a login throttle tripped through server A holds on server B, and its counters are in
Redis. Runs in the PostgreSQL leg (skipped, with the reason, without PostgreSQL or Redis).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from keystage.config import scaling
from keystage.planning.services import wbs
from tests.conftest import PASSWORD

REDIS_URL = os.environ.get("KEYSTAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
PREFIX = "keystage-scale-test"
DAY = 480


# ------------------------------------------------------------------ settings only


def test_without_redis_the_embedded_cache_stays():
    assert scaling.redis_cache({}) is None
    assert scaling.redis_cache({"KEYSTAGE_REDIS_URL": ""}) is None


def test_redis_url_selects_djangos_redis_cache():
    entry = scaling.redis_cache({"KEYSTAGE_REDIS_URL": "redis://cache.internal:6379/2"})
    assert entry is not None
    assert entry["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert entry["LOCATION"] == "redis://cache.internal:6379/2"


# ------------------------------------------------------------------ the cluster


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _redis() -> Any:
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return client


@dataclass
class Cluster:
    """Base URLs of the two app servers, the workers' ids and the Redis client."""

    a: str
    b: str
    worker_ids: tuple[str, str]
    redis: Any


def call(base: str, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    """One HTTP request; the status and the decoded JSON body."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def _wait_until_serving(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server {base} exited: {log.read_text()[-2000:]}")
        try:
            status, _ = call(base, "GET", "/api/v1/me/")
        except OSError:
            time.sleep(0.3)
            continue
        if status in (401, 403):
            return
        pytest.fail(f"server {base} answered {status} before sign-in")
    pytest.fail(f"server {base} did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def servers(django_db_setup: Any, tmp_path_factory: Any) -> Iterator[Cluster]:
    """Two gunicorn servers and two ``db_worker`` processes sharing the test database
    (started once for this module: starting them dominates the run time)."""
    tmp_path = tmp_path_factory.mktemp("cluster")
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): several machines share one database")
    redis = _redis()
    for key in redis.scan_iter(f"{PREFIX}*"):
        redis.delete(key)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keystage.config.settings",
        "DATABASE_URL": _database_url(),
        "KEYSTAGE_REDIS_URL": REDIS_URL,
        "KEYSTAGE_REDIS_PREFIX": PREFIX,
        "KEYSTAGE_SECRET_KEY": "scale-out-test-secret-shared-by-every-process-0123456789",
        "KEYSTAGE_ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for name in ("a", "b"):
            port = _free_port()
            log = tmp_path / f"server-{name}.log"
            command = [
                *(sys.executable, "-m", "gunicorn", "keystage.config.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4"),
            ]
            # Each process gets a data directory of its own: nothing local is shared.
            own = {**env, "KEYSTAGE_DATA_DIR": str(tmp_path / f"data-{name}")}
            with log.open("wb") as out:
                processes.append(
                    subprocess.Popen(command, env=own, stdout=out, stderr=subprocess.STDOUT)
                )
            bases.append(f"http://127.0.0.1:{port}")
        worker_ids = ("worker-1", "worker-2")
        for worker_id in worker_ids:
            command = [
                *(sys.executable, "-m", "django", "db_worker", "--no-reload"),
                *("--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id),
            ]
            own = {**env, "KEYSTAGE_DATA_DIR": str(tmp_path / f"data-{worker_id}")}
            with (tmp_path / f"{worker_id}.log").open("wb") as out:
                processes.append(
                    subprocess.Popen(command, env=own, stdout=out, stderr=subprocess.STDOUT)
                )
        for index, base in enumerate(bases):
            _wait_until_serving(base, processes[index], tmp_path / f"server-{'ab'[index]}.log")
        yield Cluster(bases[0], bases[1], worker_ids, redis)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for key in redis.scan_iter(f"{PREFIX}*"):
            redis.delete(key)


@pytest.fixture
def cluster(servers: Cluster, transactional_db: Any) -> Cluster:
    """The running cluster, with committed test data and no throttle counters left over."""
    for key in servers.redis.scan_iter(f"{PREFIX}*"):
        servers.redis.delete(key)
    return servers


def _token(user: Any) -> str:
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user=user, expiry=dt.timedelta(hours=1))
    return str(token)


@pytest.mark.postgres
def test_a_run_queued_on_one_server_is_done_by_a_worker_and_seen_on_the_other(world, cluster):
    from django_tasks_db.models import DBTaskResult

    pm = world.a["project_manager"]
    wbs.plan_append(
        who=pm,
        project=world.project_a,
        rows=[{"name": f"Step {i}", "duration_minutes": 2 * DAY} for i in range(4)],
        links=[(i, i + 1, "FS", 0) for i in range(3)],
    )
    token = _token(pm)
    runs = f"/api/v1/projects/{world.project_a.public_id}/schedule-runs/"
    status, queued = call(cluster.a, "POST", runs, {"method": "cpm"}, token)
    assert status == 202, queued
    assert queued["status"] == "queued"

    deadline = time.monotonic() + 60
    seen: dict[str, Any] = {}
    while time.monotonic() < deadline:
        status, seen = call(cluster.b, "GET", f"{runs}{queued['id']}/", token=token)
        assert status == 200, seen
        if seen["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert (seen["status"], seen["progress"]) == ("done", 100), seen
    job = DBTaskResult.objects.get()
    assert job.status == "SUCCESSFUL"
    assert len(job.worker_ids) == 1 and job.worker_ids[0] in cluster.worker_ids


@pytest.mark.postgres
def test_a_login_throttle_tripped_on_one_server_holds_on_the_other(world, cluster):
    user = world.a["team_member"]

    def quick_hash() -> None:
        # A real hash the servers accept (not the tests' MD5), with few rounds to stay quick.
        hasher = PBKDF2PasswordHasher()
        user.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
        user.save(update_fields=["password"])

    quick_hash()
    tokens = "/api/v1/auth/tokens/"
    good = {"username": user.username, "password": PASSWORD, "expires_in_days": 1}
    bad = {**good, "password": "not-the-password"}

    status, body = call(cluster.b, "POST", tokens, good)
    assert status == 201, body  # the credentials work through B before any failure
    quick_hash()  # the sign-in upgraded the hash to the full rounds

    # Trip the throttle through A, firmly: fail until A refuses; should it admit a failure
    # again later (an exponential back-off), fail again, until either the back-off has
    # grown to several seconds or A has refused everything for several seconds.
    failures, refused_since = 0, None
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        status, body = call(cluster.a, "POST", tokens, bad)
        if status == 400:
            failures, refused_since = failures + 1, None
            continue
        assert status == 429, body
        refused_since = refused_since or time.monotonic()
        if failures >= 8 or time.monotonic() - refused_since > 6:
            break
        time.sleep(0.25)
    assert status == 429, f"server A never throttled ({failures} failures)"

    status, body = call(cluster.b, "POST", tokens, good)
    assert status == 429, body  # the correct password through B meets A's throttle
    assert "token" not in body
    assert any(cluster.redis.scan_iter(f"{PREFIX}*")), "the throttle's counters are in Redis"
