"""Writers of the export formats: XLSX and CSV tables, iCalendar, and the file names.

Spreadsheet cells that a spreadsheet program would run as a formula — text starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — are neutralised with a
leading apostrophe (OWASP "CSV injection"), in XLSX text cells and in CSV alike.
Numbers and dates stay typed (a negative float is a number, not text). The workbook is
an ``.xlsx`` (no macros can live in it): frozen header row, auto filter, column widths.

openpyxl and icalendar are imported inside their writers: together they are about a
third of a second of every ``keystage export`` start-up, whatever the format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from keystage.interop.selectors import Cell, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these
SHEET_NAME_MAX = 31


def neutral(value: str) -> str:
    """Text that no spreadsheet evaluates: a formula-looking start gets an apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _xlsx_cell(value: Cell) -> Any:
    if isinstance(value, str):
        return neutral(ILLEGAL_XLSX.sub("\ufffd", value))
    if isinstance(value, Decimal):
        return float(value) if abs(value) < Decimal("1e15") else str(value)
    return value


def to_xlsx(tables: Sequence[Table], *, title: str = "") -> bytes:
    """A workbook with one sheet per table; typed cells, frozen bold header, auto filter."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.title = neutral(title)[:255]
    book.properties.creator = "Keystage"
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:SHEET_NAME_MAX])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_xlsx_cell(v) for v in row])
        for column, value in enumerate(table.rows[0] if table.rows else (), start=1):
            fmt = _number_format(value)
            if fmt:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = fmt
        sheet.freeze_panes = "A2"
        last = get_column_letter(max(len(table.headers), 1))
        sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 1)}"
        for column, width in enumerate(table.widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_format(value: Cell) -> str:
    if isinstance(value, dt.datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if isinstance(value, Decimal):
        return "#,##0.00"
    return ""


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutral(value)
    return str(value)


def to_csv(table: Table) -> bytes:
    """One table as UTF-8 CSV (with a byte-order mark, so that Excel reads the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutral(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def slug(text: str) -> str:
    """A file-name part: letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "export"


def to_csv_zip(tables: Sequence[Table], *, stem: str) -> bytes:
    """Every table as its own CSV file in one zip archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(f"{stem}-{slug(table.name)}.csv", to_csv(table))
    return out.getvalue()


def to_ics(events: Iterable[tuple[Any, str]], *, name: str, now: dt.datetime) -> bytes:
    """Tasks as VEVENTs: a milestone is an all-day event on its finish day, a task its span.

    ``events`` gives (task, url) pairs. The UIDs are those of the personal calendar feed
    (``task-<id>@keystage``), so a calendar that holds both shows each task once.
    """
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//Keystage//Project export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = now.astimezone(dt.UTC)
    for task, url in events:
        event = icalendar.Event()
        event.add("uid", f"task-{task.public_id}@keystage")
        event.add("dtstamp", stamp)
        event.add("last-modified", task.updated_at.astimezone(dt.UTC))
        if task.kind == "milestone":
            event.add("summary", f"◆ {task.project.code}: {task.name}")
            day = task.finish_at.astimezone(dt.UTC).date()
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        else:
            event.add("summary", f"{task.project.code}: {task.name}")
            event.add("dtstart", task.start_at.astimezone(dt.UTC))
            event.add("dtend", task.finish_at.astimezone(dt.UTC))
        if url:
            event.add("url", url)
        event.add(
            "description", f"{task.project.name} · {task.wbs_code} · {task.percent_complete} %"
        )
        cal.add_component(event)
    return bytes(cal.to_ical())
