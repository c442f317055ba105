"""The `keystage` Typer app: run the app, load demo data, manage users, schedule plans.

Each command group lives in its own module with a ``register(app)``; this module only
assembles them, in the order ``keystage --help`` lists them. Django is set up lazily,
inside the commands that need it, so the plan-as-code commands start fast and work
without a database.
"""

from __future__ import annotations

import typer

from keystage.cli import (
    baseline,
    charter,
    demo,
    export,
    kpi,
    lessons,
    manage,
    ops,
    plan_import,
    progress,
    psplib,
    report,
    risk,
    schedule,
    timesheet,
    users,
)

app = typer.Typer(
    name="keystage",
    help="Keystage: IT project management from idea to closure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _group() -> None:
    """Keystage: IT project management from idea to closure."""
    # Without a callback, Typer runs a lone command as the whole program
    # (`keystage PLAN`); a callback keeps `keystage schedule PLAN` stable.


ops.register(app)  # serve, migrate, check, backup, restore
demo.register(app)
app.command("createuser")(users.createuser_command)
charter.register(app)
export.register(app)  # a project as MSPDI, XLSX, CSV, iCal or TOML
baseline.register(app)
progress.register(app)  # reschedule from the data date
timesheet.register(app)  # import time entries from CSV
plan_import.register(app)  # import a plan file (MSPDI, TOML, formats MPXJ reads)
kpi.register(app)  # check KPIs, alert on crossings
report.register(app)  # status report PDF
lessons.register(app)  # search lessons learned
risk.register(app)  # Monte Carlo schedule & cost risk
manage.register(app)
schedule.register(app)
psplib.register(app)  # optimise
users.register(app)  # user list|deactivate|activate|role|revoke-tokens


def main() -> None:
    """Run the Typer app on the process's command line."""
    app()
