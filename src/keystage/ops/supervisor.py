"""`keystage serve`: gunicorn and the background worker as children, supervised.

The server (gunicorn, gthread workers) and the job worker (`db_worker`) run as child
processes of `keystage serve`. When the worker exits it is started again after a
back-off (1 s, doubling to a minute, back to 1 s once it has run for a minute); when
gunicorn exits, serve stops the worker and exits with gunicorn's code. On Linux each
child asks the kernel for SIGTERM when serve dies (PR_SET_PDEATHSIG), so even a
`kill -9` of serve leaves neither gunicorn holding the port nor a worker behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

log = logging.getLogger("keystage.serve")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
STABLE_AFTER = 60.0
POLL_SECONDS = 0.25
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> Callable[[], None]:
    """A preexec_fn: on Linux, the kernel sends SIGTERM to the child when ``parent`` dies."""

    def arm() -> None:  # pragma: no cover - runs in the child, before exec
        if sys.platform.startswith("linux"):
            import ctypes

            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return arm


def spawn(command: Sequence[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a child that the kernel stops with this process."""
    # preexec_fn is safe here: serve starts no threads.
    return subprocess.Popen(list(command), env=env, preexec_fn=_die_with_parent(os.getpid()))


def stop(*processes: subprocess.Popen[bytes], grace: float = 5.0) -> None:
    """Stop children together: a first SIGTERM lets a worker finish its job, a second
    interrupts it, then SIGKILL."""
    for _ in range(2):
        running = [p for p in processes if p.poll() is None]
        for process in running:
            process.terminate()
        deadline = time.monotonic() + grace
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def gunicorn_command(host: str, port: int, workers: int, threads: int) -> list[str]:
    """gunicorn with threaded workers: a slow password hash holds one thread, not a process."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "keystage.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--graceful-timeout",
        "10",
        "--no-control-socket",  # one shared socket in $HOME would clash between instances
        "--preload",  # import the app once, then fork: workers start in a second, share memory
        "--access-logfile",
        "-",
    ]


def worker_command() -> list[str]:
    """The background worker (`db_worker`) that runs queued jobs such as schedule runs."""
    return [sys.executable, "-m", "django", "db_worker", "--no-reload", "--verbosity", "1"]


def server_size(*, is_postgres: bool, workers: int, cpus: int | None) -> tuple[int, int]:
    """(processes, threads per process) for gunicorn.

    SQLite: one process with eight threads (one writer at a time anyway, and one
    process keeps the database file's locking simple). PostgreSQL: two processes per
    core (or ``workers``) with four threads each.
    """
    if not is_postgres:
        return 1, 8
    return (workers or 2 * (cpus or 1)), 4


@dataclass
class Supervisor:
    """Runs the server until it exits or serve is told to stop; restarts the worker."""

    server_cmd: list[str]
    worker_cmd: list[str]
    env: dict[str, str] | None = None
    clock: Callable[[], float] = time.monotonic
    restarts: int = 0
    _backoff: float = field(default=0.0, repr=False)

    def run(self) -> int:
        """Start both children and watch them; the server's exit code."""
        self._backoff = BACKOFF_FIRST
        server = spawn(self.server_cmd, self.env)
        worker: subprocess.Popen[bytes] | None = spawn(self.worker_cmd, self.env)
        started, restart_at = self.clock(), 0.0
        try:
            while True:
                code = server.poll()
                if code is not None:
                    log.error("keystage: the server exited with code %s", code)
                    return code
                if worker is not None and worker.poll() is not None:
                    ran = self.clock() - started
                    if ran >= STABLE_AFTER:
                        self._backoff = BACKOFF_FIRST
                    log.warning(
                        "keystage: the worker exited with code %s after %.0f s; "
                        "restarting in %.0f s",
                        worker.returncode,
                        ran,
                        self._backoff,
                    )
                    worker, restart_at = None, self.clock() + self._backoff
                    self._backoff = min(self._backoff * 2, BACKOFF_MAX)
                if worker is None and self.clock() >= restart_at:
                    worker, started = spawn(self.worker_cmd, self.env), self.clock()
                    self.restarts += 1
                time.sleep(POLL_SECONDS)
        finally:
            stop(server, *([worker] if worker is not None else []))
