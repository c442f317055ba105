"""Operations commands: migrate, serve, check, backup and restore."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path
from typing import Annotated

import typer

from keystage.cli.common import django_setup, fail


def register(app: typer.Typer) -> None:
    """Attach the operations commands to the `keystage` command."""
    app.command("serve")(serve_command)
    app.command("migrate")(migrate_command)
    app.command("check")(check_command)
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


def run_migrations(verbosity: int = 0) -> None:
    """Upgrade the schema, then make the data directory private and collect static files."""
    from django.conf import settings
    from django.core.management import call_command

    from keystage.ops.datadir import data_dir_secure
    from keystage.ops.static import static_prepare

    call_command("migrate", interactive=False, verbosity=verbosity)
    call_command("createcachetable", verbosity=0)
    static_prepare()
    data_dir_secure(settings.DATA_DIR)


def port_free(host: str, port: int) -> bool:
    """Whether ``port`` on ``host`` can be listened on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def migrate_command() -> None:
    """Create or upgrade the database schema (and, in production, collect static files)."""
    django_setup()
    run_migrations(verbosity=1)


def _on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds through `finally`, which stops the children


def _recover_runs() -> None:
    """Fail the schedule runs an earlier worker left running (when the command exists)."""
    from django.core.management import call_command, get_commands

    # schedule_runs_recover comes with the schedule-run recovery work; skip it until then.
    if "schedule_runs_recover" in get_commands():
        call_command("schedule_runs_recover")


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="gunicorn processes on PostgreSQL (default 2 per core).")
    ] = 0,
) -> None:
    """Serve the web app with gunicorn and supervise a background worker.

    gunicorn runs threaded workers (one process on SQLite, two per core on
    PostgreSQL); the worker (`db_worker`) runs queued jobs such as schedule runs and
    is restarted when it exits. In production the static files are collected first.
    """
    django_setup()
    import signal

    from django.conf import settings

    from keystage.ops import supervisor
    from keystage.ops.datadir import data_dir_secure
    from keystage.ops.static import static_prepare

    if not 1 <= port <= 65535:
        fail(f"--port must be between 1 and 65535, not {port}")
    if workers < 0 or workers > 64:
        fail(f"--workers must be between 1 and 64 (0: automatic), not {workers}")
    if not port_free(host, port):
        fail(f"port {port} on {host} is in use; choose another with --port")
    data_dir_secure(settings.DATA_DIR)
    static_prepare()
    _recover_runs()
    processes, threads = supervisor.server_size(
        is_postgres=settings.IS_POSTGRES, workers=workers, cpus=os.cpu_count()
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "keystage.config.settings"}
    signal.signal(signal.SIGTERM, _on_sigterm)
    runner = supervisor.Supervisor(
        server_cmd=supervisor.gunicorn_command(host, port, processes, threads),
        worker_cmd=supervisor.worker_command(),
        env=env,
    )
    try:
        code = runner.run()
    except KeyboardInterrupt:
        code = 0
    if code:
        fail(f"the server stopped with exit code {code}")


def check_command(
    deploy: Annotated[
        bool, typer.Option("--deploy", help="Also run the deployment checks.")
    ] = False,
) -> None:
    """Check the configuration and the database connection."""
    django_setup()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connection

    try:
        call_command("check", deploy=deploy, fail_level="WARNING")
        connection.ensure_connection()
    except SystemCheckError as exc:
        lines = str(exc).strip().splitlines()
        issues = [line.strip() for line in lines if re.search(r"\(\w+\.[EW]\d+\)", line)]
        fail(f"{len(issues)} configuration issue(s); first: {issues[0] if issues else lines[-1]}")
    except Exception as exc:
        fail(f"database not reachable: {exc}")
    typer.echo(f"OK: configuration valid, database {connection.vendor} reachable")


def backup_command(
    file: Annotated[Path, typer.Argument(help="The archive to write (a tar file).")],
) -> None:
    """Back up the database, the attachments and the secret key into FILE (mode 0600)."""
    django_setup()
    from keystage.ops.backup import BackupError, backup_create

    try:
        done = backup_create(target=file)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(f"Backed up the {done.engine} database and {done.files - 2} file(s) to "
               f"{done.path} ({done.size:,} bytes)")  # fmt: skip


def restore_command(
    file: Annotated[Path, typer.Argument(help="An archive written by `keystage backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds users.")
    ] = False,
) -> None:
    """Restore FILE into this instance: database, attachments, secret key (checked first)."""
    django_setup()
    from keystage.ops.backup import BackupError, backup_restore

    try:
        done, note = backup_restore(source=file, force=force)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(f"Restored the {done.engine} database and {done.files - 2} file(s) from "
               f"{done.path}{note}")  # fmt: skip
