"""Per-format report of the plan fixtures: what each reader keeps, and how many dates agree.

Run by hand (needs Java and the ``mpxj`` extra for the formats MPXJ converts):

    uv run python benchmarks/interop/formats_report.py [--subprocess]

For every fixture in ``tests/fixtures/plans`` (written by ``make_fixtures.py``) it reads
the file through the readers, schedules it with the engine and prints tasks, links,
calendars, resources, assignments and baselines kept — beside what the same plan's MS
Project XML holds — and the share of leaf tasks whose scheduled start and finish equal
the file's (the dates MPXJ's MicrosoftScheduler gave it). Then one line per format with
the totals. MPXJ runs in this process's JVM unless ``--subprocess`` asks for the
``java`` process per file that an upload uses. The table is kept in docs/import.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))

from tests.engine import mpxj_oracle
from tests.fixtures.plans.kept import Kept, fixtures, kept

from keystage.engine.mspdi_read import PlanReadError
from keystage.interop import mpxj_convert

COLUMNS = ("tasks", "links", "calendars", "resources", "assignments", "baselines")


def _cell(got: int, source: int | None) -> str:
    return f"{got}" if source is None or got == source else f"{got}/{source}"


def main() -> None:
    """Read every fixture and print the per-fixture and per-format tables."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--subprocess", action="store_true", help="one java process per file")
    args = parser.parse_args()
    if not args.subprocess:
        mpxj_convert.to_mspdi_bytes = mpxj_oracle.convert_in_process  # type: ignore[assignment]
    results: dict[str, Kept | str] = {}
    began = time.process_time()
    for name in fixtures():
        try:
            results[name] = kept(name)
        except PlanReadError as exc:
            results[name] = str(exc)
    cpu = time.process_time() - began
    print(f"| file | {' | '.join(COLUMNS)} | dates equal |")
    print("|---" * (len(COLUMNS) + 2) + "|")
    totals: dict[str, list[int]] = {}
    for name, got in results.items():
        stem, fmt = name.rsplit(".", 1)
        if isinstance(got, str):
            print(f"| {name} | refused: {got} |" + " |" * len(COLUMNS))
            continue
        source = results.get(f"{stem}.xml")
        reference = source.counts if isinstance(source, Kept) else (None,) * len(COLUMNS)
        cells = [_cell(g, s) for g, s in zip(got.counts, reference, strict=True)]
        percent = got.percent
        shown = (
            "—" if percent is None else f"{percent:.0f} %" + (" (days)" if got.days_only else "")
        )
        print(f"| {name} | {' | '.join(cells)} | {shown} |")
        total = totals.setdefault(fmt, [0] * (len(COLUMNS) * 2 + 3))
        for i, (g, s) in enumerate(zip(got.counts, reference, strict=True)):
            total[2 * i] += g
            total[2 * i + 1] += g if s is None else s
        total[-3] += got.equal
        total[-2] += got.compared
        total[-1] += 1
    print()
    print(f"| format | files | {' | '.join(f'{c} kept' for c in COLUMNS)} | dates equal |")
    print("|---" * (len(COLUMNS) + 3) + "|")
    for fmt, total in sorted(totals.items()):
        kept_cells = [f"{total[2 * i]}/{total[2 * i + 1]}" for i in range(len(COLUMNS))]
        equal, compared = total[-3], total[-2]
        shown = f"{100 * equal / compared:.1f} % ({equal}/{compared})" if compared else "—"
        print(f"| {fmt} | {total[-1]} | {' | '.join(kept_cells)} | {shown} |")
    print(f"\n{len(results)} files read and scheduled in {cpu:.1f} s of CPU")


if __name__ == "__main__":
    main()
