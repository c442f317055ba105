"""The `keystage` command, one module per command group.

:mod:`keystage.cli.launch` is the console script: it runs a plain ``keystage schedule
PLAN`` through :mod:`keystage.cli.schedule_plan` without importing Typer or Django, and
hands every other command line to the Typer app in :mod:`keystage.cli.app`, which
assembles the command groups. Imports go one way: launch → app → command modules →
common and schedule_plan (checked by import-linter). This file stays empty so that
importing the console script imports nothing else.
"""
