"""The supervisor behind `keystage serve`, with stand-in programs instead of gunicorn."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from keystage.ops import supervisor


def test_server_size_uses_threads_and_two_processes_per_core():
    assert supervisor.server_size(is_postgres=False, workers=0, cpus=8) == (1, 8)
    assert supervisor.server_size(is_postgres=True, workers=0, cpus=2) == (4, 4)
    assert supervisor.server_size(is_postgres=True, workers=3, cpus=2) == (3, 4)
    command = supervisor.gunicorn_command("127.0.0.1", 8000, 4, 4)
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert "--no-control-socket" in command


def test_worker_is_restarted_with_back_off_and_the_server_exit_ends_the_run(tmp_path, monkeypatch):
    monkeypatch.setattr(supervisor, "BACKOFF_FIRST", 0.2)
    monkeypatch.setattr(supervisor, "POLL_SECONDS", 0.05)
    starts = tmp_path / "starts"
    worker = [sys.executable, "-c", f"open({str(starts)!r}, 'a').write('x')"]  # exits at once
    stop_file = tmp_path / "stop"
    server = [
        sys.executable,
        "-c",
        f"import os, time\nwhile not os.path.exists({str(stop_file)!r}): time.sleep(0.05)\n"
        "raise SystemExit(7)",
    ]
    runner = supervisor.Supervisor(server_cmd=server, worker_cmd=worker)
    threading.Timer(4.0, stop_file.touch).start()
    began = time.monotonic()
    assert runner.run() == 7
    took = time.monotonic() - began
    count = len(starts.read_text()) if starts.exists() else 0
    # 0.2, 0.4, 0.8, 1.6 s between starts: a few restarts in 4 s, not hundreds.
    assert 2 <= count <= 6, count
    assert runner.restarts == count - 1
    assert took < 10


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux only")
def test_children_die_with_the_supervisor(tmp_path):
    import subprocess

    pid_file = tmp_path / "child"
    script = (
        "import sys, time\n"
        "from keystage.ops.supervisor import spawn\n"
        f"child = spawn([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(pid_file.read_text())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    status = Path(f"/proc/{child}/status")
    while status.exists() and "State:\tZ" not in status.read_text():
        assert time.monotonic() < deadline, "the child outlived its killed parent"
        time.sleep(0.1)
