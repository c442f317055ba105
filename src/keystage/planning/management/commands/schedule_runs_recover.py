"""``keystage manage schedule_runs_recover``: fail the schedule runs nobody works on any more.

The server's start-up calls it, so a run interrupted with its worker (a crash, ``kill -9``,
a power cut) does not stay *running* for ever: running runs whose heartbeat is older than
the timeout, and queued runs whose job is gone, end as *failed* with a message saying so.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from keystage.planning.services.schedule_runs import schedule_runs_fail_stale, stale_after

MAX_TIMEOUT = 7 * 24 * 3600


class Command(BaseCommand):
    """Fail stale schedule runs (heartbeat older than the timeout, or their job gone)."""

    help = "Mark schedule runs whose worker stopped (or whose job is gone) as failed."

    def add_arguments(self, parser: CommandParser) -> None:
        """``--timeout SECONDS``: 0 gives up every running run (no other worker alive)."""
        parser.add_argument(
            "--timeout",
            default=None,
            help="Seconds without a heartbeat before a running run is given up "
            f"(default: KEYSTAGE_SCHEDULE_RUN_TIMEOUT, {stale_after()} s; 0 = every running "
            "run, when no other worker can be alive).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Fail the stale runs and say how many."""
        raw = options["timeout"]
        timeout = None
        if raw is not None:
            try:
                timeout = int(str(raw).strip())
            except ValueError:
                raise CommandError(
                    f"--timeout must be a whole number of seconds, not {raw!r}."
                ) from None
            if not 0 <= timeout <= MAX_TIMEOUT:
                raise CommandError(f"--timeout must be 0 to {MAX_TIMEOUT} seconds.")
        failed = schedule_runs_fail_stale(timeout=timeout)
        self.stdout.write(f"{failed} stale schedule run(s) marked failed.")
