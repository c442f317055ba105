"""The `keystage` command as a user runs it: demo data, users, checks, readable errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ.update({"KEYSTAGE_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [_keystage(), *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        check=False,
    )


def _keystage() -> str:
    return str(Path(sys.executable).parent / "keystage")


def test_demo_loads_portfolio_once_and_prints_login(tmp_path):
    first = run(["demo", "--no-serve"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "http://127.0.0.1:8000/" in first.stdout
    password = (tmp_path / "demo-credentials.txt").read_text().strip()
    assert f"admin / {password}" in first.stdout
    second = run(["demo", "--no-serve"], tmp_path)
    assert second.returncode == 0
    assert f"admin / {password}" in second.stdout
    check = subprocess.run(
        [
            _keystage(),
            "manage",
            "shell",
            "-c",
            "from keystage.portfolio.models import Project as P;"
            "print(P.objects.count(), sorted(set(P.objects.values_list('stage', flat=True))))",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYSTAGE_DATA_DIR": str(tmp_path)},
        check=False,
    )
    count, stages = check.stdout.strip().split(" ", 1)
    assert int(count) >= 3
    for stage in ("initiation", "planning", "execution", "closing", "closed"):
        assert stage in stages
    plan = subprocess.run(
        [
            _keystage(),
            "manage",
            "shell",
            "-c",
            "from keystage.planning.models import Task as T;"
            "t = T.objects.filter(project__code='ERP-CLOUD', is_summary=False);"
            "print(t.count(), t.filter(start_at__isnull=True).count(),"
            " t.filter(project__memberships__role__in=['project_manager', 'team_member'])"
            ".values('project__memberships__user').distinct().count())",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "KEYSTAGE_DATA_DIR": str(tmp_path)},
        check=False,
    )
    tasks, unscheduled, planners = map(int, plan.stdout.split()[-3:])
    assert tasks >= 60 and unscheduled == 0 and planners >= 8


def test_createuser_and_readable_error(tmp_path):
    assert run(["migrate"], tmp_path).returncode == 0
    ok = run(
        ["createuser", "kim", "--password", "a-long-pass-phrase-1", "--organisation", "Acme"],
        tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    dup = run(["createuser", "kim", "--password", "a-long-pass-phrase-1"], tmp_path)
    assert dup.returncode == 1
    assert dup.stderr.strip() == "keystage: error: username: This username is taken."
    weak = run(["createuser", "lee", "--password", "123"], tmp_path)
    assert weak.returncode == 1
    assert len(weak.stderr.strip().splitlines()) == 1


def test_check_reports_ok(tmp_path):
    result = run(["check"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_serve_refuses_a_busy_port(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run(["serve", "--port", str(port)], tmp_path)
    assert result.returncode == 1
    assert "in use" in result.stderr
