"""What a database command of `keystage` loads before its work: no heavy optional module."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Each costs a tenth of a second or more to import and is needed by one page or format
#: only: the solver, the compiled kernels, PDF, workbooks, calendars, charts, DRF's
#: serializers (which pull psycopg and requests in), the JVM bridge.
HEAVY = (
    "numba", "ortools", "weasyprint", "openpyxl", "icalendar", "matplotlib",
    "rest_framework.serializers", "psycopg", "requests", "jpype",
)  # fmt: skip

PROBE = """
import sys
import keystage.cli.app
from keystage.cli.common import django_setup
django_setup()
import keystage.interop.exports, keystage.interop.services
print(",".join(m for m in sys.argv[1:] if m in sys.modules))
"""


def test_export_and_import_commands_start_without_the_heavy_modules(tmp_path: Path) -> None:
    """`keystage export` / `import` set Django up and load their services, nothing more."""
    env = {**os.environ, "KEYSTAGE_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # SQLite: the PostgreSQL driver is a deployment's choice
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *HEAVY],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
