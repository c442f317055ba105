"""The production path for real: `keystage serve` (gunicorn) with KEYSTAGE_PRODUCTION=1.

Also: `keystage check --deploy` fails without collected static files or an https base
URL, the data directory is private, the worker is restarted when it dies, and a
`kill -9` of serve frees the port.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

LINUX = Path("/proc/self/task").exists()

PRODUCTION = {
    "KEYSTAGE_PRODUCTION": "1",
    "KEYSTAGE_SECRET_KEY": "test-only-secret-key-that-is-long-enough-for-the-deploy-check-123",
    # No TLS proxy on loopback: plain HTTP, through the documented switch.
    "KEYSTAGE_SSL_REDIRECT": "0",
    "KEYSTAGE_ALLOWED_HOSTS": "127.0.0.1",
    "KEYSTAGE_BASE_URL": "https://keystage.example",
    "KEYSTAGE_SMTP_HOST": "smtp.example",
}

# Printed by the served instance itself: every HTML route with the demo's real ids.
ROUTES = """
import json
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from keystage.portfolio.models import Project
project = Project.objects.get(code="ERP-CLOUD")
def first(label, **where):
    try:
        obj = apps.get_model(label).objects.filter(**where).first()
    except LookupError:
        return None
    return getattr(obj, "public_id", None) if obj is not None else None
values = {
    "project_id": project.public_id,
    "member_id": first("portfolio.ProjectMembership", project=project),
    "line_id": first("initiation.CashFlowLine", case__project=project),
    "note_id": first("initiation.ResearchNote", project=project),
    "attachment_id": first("initiation.ResearchAttachment", note__project=project),
    "stakeholder_id": first("initiation.Stakeholder", project=project),
    "equipment_id": first("resources.Equipment", project=project),
    "procurement_id": first("resources.ProcurementItem", project=project),
    "goal_id": first("planning.Goal", project=project),
    "deliverable_id": first("planning.Deliverable", project=project),
    "item_id": first("planning.ScopeItem", project=project),
    "scope_note_id": first("planning.ScopeNote", project=project),
    "link_id": first("planning.CollaborationLink", project=project),
    "task_id": first("planning.Task", project=project, is_summary=False),
    "dependency_id": first("planning.Dependency", project=project),
    "budget_line_id": first("costs.BudgetLine", project=project),
    "run_id": first("planning.ScheduleRun", project=project),
    "baseline_id": first("planning.Baseline", project=project),
    "skill_need_id": first("planning.TaskSkill", task__project=project),
    "assignment_id": first("planning.Assignment", project=project),
    "holiday_id": first("planning.Holiday", project=project),
    "user_id": apps.get_model("portfolio.ProjectMembership").objects.filter(project=project)
    .first().user.public_id,
    "absence_id": first("resources.Absence"),
    "skill_id": first("resources.Skill"),
    "number": 1,
    "uidb64": "MQ",
    "token": "not-a-valid-token",
    "token_key": "00000000",
}
def walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)
paths, skipped = [], []
for pattern in walk(get_resolver()):
    if pattern.startswith(("api/", "static/", "^")) or "logout" in pattern:
        continue
    def fill(match):
        value = values.get(match.group(2))
        if value is None:
            raise KeyError(match.group(2))
        return str(value)
    try:
        paths.append("/" + __import__("re").sub(r"<(\\w+:)?(\\w+)>", fill, pattern))
    except KeyError as missing:
        skipped.append(pattern)
print("ROUTES " + json.dumps({"paths": sorted(set(paths)), "skipped": skipped}))
"""


def _keystage() -> str:
    return str(Path(sys.executable).parent / "keystage")


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    # A deployment's environment: none of this run's settings, nor the async-safety switch
    # the browser tests set for their own process.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("KEYSTAGE_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update({"KEYSTAGE_DATA_DIR": str(data_dir), **extra})
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_keystage(), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def _serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [_keystage(), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not _wait_for(lambda: _listening(port) or server.poll() is not None, 90):
        server.kill()
    assert server.poll() is None and _listening(port), "keystage serve did not start"
    return server


class Browser:
    """Just enough of a browser: cookies (whatever their Secure flag) and CSRF."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, data

    def sign_in(self, username: str, password: str) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None
        form = {"username": username, "password": password, "csrfmiddlewaretoken": ""}
        form["csrfmiddlewaretoken"] = token.group(1).decode()
        status, headers, _ = self.request("POST", "/accounts/login/", form)
        assert status == 302 and "login" not in headers["Location"], status


def test_production_serves_every_page_and_its_static_files(tmp_path):
    env = _env(tmp_path, **PRODUCTION)
    behind_tls = {k: v for k, v in env.items() if k != "KEYSTAGE_SSL_REDIRECT"}
    # Before `demo` collects the static files, the check fails: see the next test.
    loaded = run(["demo", "--no-serve"], env)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    checked = run(["check", "--deploy"], behind_tls)
    assert checked.returncode == 0, checked.stderr
    listed = run(["manage", "shell", "-c", ROUTES], env)
    routes = json.loads(listed.stdout.split("ROUTES ", 1)[1])
    assert len(routes["paths"]) >= 40, routes

    port = _free_port()
    server = _serve(port, env)
    try:
        browser = Browser(port)
        status, _, login_page = browser.request("GET", "/accounts/login/")
        assert status == 200
        css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', login_page)
        assert css is not None, "production pages link hashed static files"
        status, headers, _ = browser.request("GET", css.group(1).decode())
        assert status == 200 and "text/css" in headers["Content-Type"]
        password = (tmp_path / "demo-credentials.txt").read_text().strip()
        browser.sign_in("admin", password)
        answers = {path: browser.request("GET", path)[0] for path in routes["paths"]}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    errors = {path: code for path, code in answers.items() if code >= 500}
    assert errors == {}
    pages = [path for path, code in answers.items() if code == 200]
    assert len(pages) >= 30, answers
    assert answers["/"] == 200
    assert [code for path, code in answers.items() if path.endswith("/gantt/")] == [200]


def test_check_deploy_names_the_missing_static_files_in_one_line(tmp_path):
    env = {k: v for k, v in _env(tmp_path, **PRODUCTION).items() if k != "KEYSTAGE_SSL_REDIRECT"}
    result = run(["check", "--deploy"], env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("keystage: error:")
    assert "static files are not collected" in lines[0] and "ops.E001" in lines[0]
    plain = run(["check", "--deploy"], {**env, "KEYSTAGE_BASE_URL": "http://k.example"})
    assert plain.returncode == 1
    assert plain.stderr.startswith("keystage: error: 2 configuration issue(s)")


def test_data_directory_is_private_and_repaired_on_start(tmp_path):
    data = tmp_path / "data"
    (data / "media" / "research").mkdir(parents=True)
    (data / "media" / "research" / "old.pdf").write_bytes(b"%PDF-1.4")
    (data / "secret_key").write_text("an-old-key-left-readable-by-an-older-version-0123456789")
    for path, mode in ((data, 0o755), (data / "media", 0o755), (data / "secret_key", 0o644)):
        path.chmod(mode)
    (data / "media" / "research" / "old.pdf").chmod(0o644)
    assert run(["migrate"], _env(data)).returncode == 0
    mailed = run(["manage", "sendtestemail", "someone@example.test"], _env(data))
    assert mailed.returncode == 0, mailed.stderr
    assert len(list((data / "outbox").iterdir())) == 1
    for path in [data, *data.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    assert (data / "keystage.sqlite3").exists()


@pytest.mark.django_db
def test_uploaded_attachments_are_private(world, api, settings):
    from keystage.initiation import services

    note = services.note_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={"title": "Vendor comparison", "body": "Three vendors compared."},
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = (
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}"
        "/attachments/"
    )
    upload = SimpleUploadedFile("quote.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    created = api(world.a["project_manager"]).post(url, {"file": upload}, format="multipart")
    assert created.status_code == 201, created.content
    root = Path(settings.MEDIA_ROOT)
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    for folder in files[0].relative_to(root).parents:
        if str(folder) != ".":
            assert stat.S_IMODE((root / folder).stat().st_mode) == 0o700, folder


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def _workers(serve_pid: int) -> list[int]:
    return [
        pid
        for pid in _children(serve_pid)
        if b"db_worker" in Path(f"/proc/{pid}/cmdline").read_bytes() and _alive(pid)
    ]


@pytest.mark.skipif(not LINUX, reason="reads /proc (Linux)")
def test_serve_restarts_its_worker_and_dies_with_nothing_left_behind(tmp_path):
    env = _env(tmp_path)
    assert run(["migrate"], env).returncode == 0
    port = _free_port()
    server = _serve(port, env)
    try:
        # A real server on SQLite too: 50 simultaneous connections, none reset.
        from concurrent.futures import ThreadPoolExecutor

        def get(_: int) -> int:
            return Browser(port).request("GET", "/accounts/login/")[0]

        with ThreadPoolExecutor(50) as pool:
            assert list(pool.map(get, range(50))) == [200] * 50
        assert _wait_for(lambda: len(_workers(server.pid)) == 1, 30)
        first = _workers(server.pid)[0]
        gunicorn = [pid for pid in _children(server.pid) if pid != first]
        os.kill(first, signal.SIGKILL)
        assert _wait_for(lambda: _workers(server.pid) not in ([], [first]), 15), (
            "the worker was not restarted"
        )
        assert _listening(port)

        family = [*_children(server.pid), *(c for pid in gunicorn for c in _children(pid))]
        assert len(family) >= 3  # gunicorn, its worker process, db_worker
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        assert _wait_for(lambda: not _listening(port), 15), "the port is still held"
        assert _wait_for(lambda: not any(_alive(pid) for pid in family), 15), [
            pid for pid in family if _alive(pid)
        ]
    finally:
        if server.poll() is None:
            server.kill()
