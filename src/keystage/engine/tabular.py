"""Task lists from spreadsheets: CSV and XLSX rows into a :class:`PlanDocument`.

People who plan in a spreadsheet keep one task per row: a name, a WBS code or an
outline level, a duration (``5d``, ``3h``, ``2w``, ``4 days`` or a number with a
unit column), optional start and finish dates, predecessors in MS Project's
notation (``3FS+2d``, ``5SS-1d``, ``2,4``; a maximum lag after ``max`` as in the plan's
Predecessors cell: ``3FS+1d max 3d``, ``3 max 0d``) and resource names (``Ana[50%];Ben``).
:func:`guess_mapping` finds the columns from the headers (including the English
headers of an MS Project export: "Task Name", "Duration", "Predecessors",
"Resource Names", "Outline Level", "WBS"); :class:`ColumnMapping` says it
explicitly. :func:`read_csv` and :func:`read_xlsx` read the bytes and
:func:`read_rows` turns rows into the document.

Every problem found is collected and reported together in one
:class:`TabularError`, each message starting ``line 12: `` (the line of the CSV
file or the row of the sheet, the header being line 1). An XLSX file is checked
as a zip container (size, member count and compression ratio, see
:func:`check_xlsx_container`) before openpyxl opens it, read-only and with the
cached values of formula cells (a formula never becomes a name or a date).

Pure: no Django; bytes in, a document out.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from keystage.engine.calendars import Calendar, CalendarClock
from keystage.engine.errors import ScheduleError
from keystage.engine.interchange import Assignment, Loss, PlanDocument, Resource
from keystage.engine.network import Activity, ConstraintType, Kind, LagUnit, Link, LinkType, Project

MAX_BYTES = 50 * 1024 * 1024  # the upload limit
MAX_UNPACKED = 200 * 1024 * 1024  # all members of an XLSX together, uncompressed
MAX_RATIO = 100  # uncompressed / compressed size of any one member
MAX_MEMBERS = 10_000
MAX_ROWS = 100_000
MAX_ERRORS = 200
MAX_TEXT = 1_000  # longest cell text kept

MINUTES_PER_DAY = 480
UNITS = {
    "m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1,
    "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "d": MINUTES_PER_DAY, "dy": MINUTES_PER_DAY, "day": MINUTES_PER_DAY,
    "days": MINUTES_PER_DAY,
    "w": 5 * MINUTES_PER_DAY, "wk": 5 * MINUTES_PER_DAY, "wks": 5 * MINUTES_PER_DAY,
    "week": 5 * MINUTES_PER_DAY, "weeks": 5 * MINUTES_PER_DAY,
    "mo": 20 * MINUTES_PER_DAY, "mon": 20 * MINUTES_PER_DAY, "mons": 20 * MINUTES_PER_DAY,
    "month": 20 * MINUTES_PER_DAY, "months": 20 * MINUTES_PER_DAY,
}  # fmt: skip
ELAPSED_UNITS = {
    "em": 1, "emin": 1, "emins": 1, "eh": 60, "ehr": 60, "ehrs": 60, "ehour": 60, "ehours": 60,
    "ed": 1440, "eday": 1440, "edays": 1440, "ew": 10080, "ewk": 10080, "ewks": 10080,
    "eweek": 10080, "eweeks": 10080,
}  # fmt: skip
LAG_LIMIT_MINUTES = 60 * 24 * 3650  # ten years, the most a stored dependency's lag takes
AMOUNT = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([a-z]*)\s*\??\s*$", re.I)
# Matched against one predecessor with its runs of spaces made single (see _predecessor):
# a run of spaces between the optional parts would let a failing match try every split.
PREDECESSOR = re.compile(
    r"^(?P<ref>[^\s+\-]+?) ?(?P<type>FS|SS|FF|SF)? ?"
    r"(?:(?P<sign>[+-]) ?(?P<lag>\d+(?:[.,]\d+)?) ?(?P<unit>%|[a-z]*) ?\??)? ?"
    # "max" follows a space, a type or a lag, so an id such as "Climax3" stays an id
    r"(?:(?(sign)|(?(type)|(?<= )))"
    r"max ?(?P<max_sign>[+-])? ?(?P<max>\d+(?:[.,]\d+)?) ?(?P<max_unit>%|[a-z]*) ?\??)?$",
    re.I,
)
RESOURCE = re.compile(
    r"^\s*(?P<name>[^\[\]]+?)\s*(?:\[\s*(?P<units>\d+(?:[.,]\d+)?)\s*%?\s*\])?\s*$"
)
LIST_SPLIT = re.compile(r"[,;]")
RESOURCE_SPLIT = re.compile(r"[;,](?![^\[]*\])")
WEEKDAY = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s+", re.I)
DATE_FORMATS = (
    "%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %I:%M %p", "%d.%m.%Y", "%d.%m.%Y %H:%M",
)  # fmt: skip
YES = frozenset(("yes", "y", "true", "1", "x", "oui", "ja", "sí", "si"))


class TabularError(ScheduleError):
    """A task list cannot be read; ``errors`` holds every problem, each ``line N: ...``."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(self.errors[:5]) + ("; …" if len(self.errors) > 5 else ""))


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which header holds which field; ``None`` = the sheet has no such column.

    ``id``: the row's identifier that predecessors refer to (MS Project's "ID");
    without it, rows are numbered 1, 2, 3… in order. ``duration_unit``: a column
    holding the unit of a bare number in ``duration`` (default days).
    """

    name: str | None = None
    id: str | None = None
    wbs: str | None = None
    outline_level: str | None = None
    duration: str | None = None
    duration_unit: str | None = None
    start: str | None = None
    finish: str | None = None
    predecessors: str | None = None
    resources: str | None = None
    milestone: str | None = None
    notes: str | None = None

    def columns(self) -> dict[str, str]:
        """Field name -> header, for the fields that are mapped."""
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


# Normalised header -> field, MS Project's English export headers first.
HEADER_GUESSES: dict[str, tuple[str, ...]] = {
    "name": ("task name", "name", "task", "activity name", "activity", "title", "summary"),
    "id": ("id", "task id", "#", "no", "no.", "row"),
    "wbs": ("wbs", "wbs code", "outline number", "wbs number"),
    "outline_level": ("outline level", "level", "indent", "outline"),
    "duration": ("duration", "dur", "original duration", "work days", "days"),
    "duration_unit": ("duration unit", "unit", "units", "duration units"),
    "start": ("start", "start date", "begin", "begin date", "planned start"),
    "finish": ("finish", "finish date", "end", "end date", "due", "due date", "planned finish"),
    "predecessors": ("predecessors", "predecessor", "depends on", "dependencies", "dependency"),
    "resources": ("resource names", "resources", "resource", "assigned to", "assignee"),
    "milestone": ("milestone", "is milestone"),
    "notes": ("notes", "note", "comments", "description"),
}


def _norm(header: str) -> str:
    return " ".join(str(header).replace("_", " ").split()).casefold()


def guess_mapping(headers: Sequence[Any]) -> ColumnMapping:
    """The column mapping that the headers suggest (case, spaces and underscores ignored)."""
    by_norm: dict[str, str] = {}
    for header in headers:
        if header is not None and str(header).strip():
            by_norm.setdefault(_norm(str(header)), str(header))
    found: dict[str, str] = {}
    for name, guesses in HEADER_GUESSES.items():
        for guess in guesses:
            if guess in by_norm and by_norm[guess] not in found.values():
                found[name] = by_norm[guess]
                break
    return ColumnMapping(**found)


def check_xlsx_container(data: bytes) -> None:
    """Refuse an XLSX that is too big, not a zip, or a zip bomb (before anything unpacks it)."""
    if len(data) > MAX_BYTES:
        raise TabularError([f"file: larger than {MAX_BYTES // (1024 * 1024)} MB"])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TabularError(["file: not an XLSX workbook (not a zip container)"]) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise TabularError([f"file: more than {MAX_MEMBERS} parts in the workbook"])
        total = 0
        for member in members:
            total += member.file_size
            if member.file_size > MAX_RATIO * max(member.compress_size, 1024):
                raise TabularError(
                    [f"file: a part of the workbook expands more than {MAX_RATIO}× (zip bomb?)"]
                )
        if total > MAX_UNPACKED:
            raise TabularError(
                [f"file: the workbook unpacks to more than {MAX_UNPACKED // (1024 * 1024)} MB"]
            )
        if "[Content_Types].xml" not in archive.namelist():
            raise TabularError(["file: not an XLSX workbook (no [Content_Types].xml)"])


def read_xlsx(
    data: bytes,
    *,
    start: datetime,
    mapping: ColumnMapping | None = None,
    sheet: str | None = None,
    title: str = "",
) -> PlanDocument:
    """A task list from the first (or the named) sheet of an XLSX workbook."""
    check_xlsx_container(data)
    import openpyxl  # imported here: only XLSX readers pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise TabularError([f"file: the workbook cannot be read ({type(exc).__name__})"]) from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise TabularError([f"file: no sheet named {sheet[:60]!r}"])
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        rows = [list(row) for row in ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
    finally:
        book.close()
    return read_rows(rows, start=start, mapping=mapping, source_format="xlsx", title=title)


def read_csv(
    data: bytes, *, start: datetime, mapping: ColumnMapping | None = None, title: str = ""
) -> PlanDocument:
    """A task list from CSV bytes (UTF-8, else Windows-1252; comma, semicolon or tab)."""
    if len(data) > MAX_BYTES:
        raise TabularError([f"file: larger than {MAX_BYTES // (1024 * 1024)} MB"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise TabularError(["file: not a text file"])
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[list[Any]] = []
    lines: list[int] = []
    try:
        previous = 0
        for row in reader:
            lines.append(previous + 1)
            previous = reader.line_num
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        raise TabularError([f"line {reader.line_num}: {exc}"]) from None
    return read_rows(
        rows, start=start, mapping=mapping, source_format="csv", title=title, lines=lines
    )


@dataclass
class _Row:
    line: int
    id: str
    name: str
    level: int
    wbs: str
    duration: int | None
    elapsed: bool
    start: datetime | None
    finish: datetime | None
    milestone: bool
    predecessors: str
    resources: str
    notes: str
    parent: str | None = None
    summary: bool = False


class _Collector:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def add(self, line: int | str, message: str) -> None:
        where = f"line {line}" if isinstance(line, int) else line
        self.errors.append(f"{where}: {message}")


def read_rows(
    rows: Sequence[Sequence[Any]],
    *,
    start: datetime,
    mapping: ColumnMapping | None = None,
    source_format: str = "csv",
    title: str = "",
    lines: Sequence[int] | None = None,
) -> PlanDocument:
    """Rows (the first non-empty one is the header) into a plan; all errors at once."""
    errors = _Collector()
    numbered = [
        (lines[i] if lines is not None else i + 1, list(row))
        for i, row in enumerate(rows)
        if any(_text(cell) for cell in row)
    ]
    if not numbered:
        raise TabularError(["file: no header row and no tasks"])
    if len(numbered) > MAX_ROWS + 1:
        raise TabularError([f"file: more than {MAX_ROWS} tasks"])
    header_line, header = numbered[0]
    headers = [_text(h) for h in header]
    mapping = mapping or guess_mapping(headers)
    column = _columns(mapping, headers, header_line, errors)
    if errors.errors:
        raise TabularError(errors.errors)
    parsed = [
        _parse_row(line, row, column, unit_default=MINUTES_PER_DAY, errors=errors, number=n)
        for n, (line, row) in enumerate(numbered[1:], start=1)
    ]
    if not parsed:
        raise TabularError([f"line {header_line}: a header but no tasks"])
    _tree(parsed, use_wbs="outline_level" not in column and "wbs" in column, errors=errors)
    by_id: dict[str, _Row] = {}
    for row in parsed:
        if row.id in by_id:
            errors.add(
                row.line, f"id {row.id!r} is used twice (first on line {by_id[row.id].line})"
            )
        else:
            by_id[row.id] = row
    links, losses = _links(parsed, by_id, errors)
    resources, assignments = _assignments(parsed, errors)
    if errors.errors:
        raise TabularError(_capped(errors.errors))
    activities = [_activity(row, start) for row in parsed]
    try:
        project = Project(start=start, activities=tuple(activities), links=tuple(links))
    except ScheduleError as exc:
        culprit = getattr(exc, "activity_id", None)
        line = by_id[culprit].line if culprit in by_id else None
        raise TabularError([f"line {line}: {exc}" if line else f"file: {exc}"]) from None
    return PlanDocument(
        title=title,
        plan=project,
        resources=tuple(resources),
        assignments=tuple(assignments),
        source_format=source_format,
        outline_codes={row.id: row.wbs for row in parsed if row.wbs},
        notes={row.id: row.notes for row in parsed if row.notes},
        losses=tuple(losses),
    )


def _capped(errors: list[str]) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], f"file: … and {len(errors) - MAX_ERRORS} more errors"]


def _columns(
    mapping: ColumnMapping, headers: list[str], line: int, errors: _Collector
) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, header in enumerate(headers):
        index.setdefault(_norm(header), i)
    column: dict[str, int] = {}
    for field_name, header in mapping.columns().items():
        if _norm(header) not in index:
            errors.add(line, f"no column {header[:60]!r} for {field_name.replace('_', ' ')}")
        else:
            column[field_name] = index[_norm(header)]
    if "name" not in column and not errors.errors:
        errors.add(line, "no task name column (expected a header such as 'Task Name' or 'Name')")
    return column


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:MAX_TEXT]


def _parse_row(
    line: int,
    row: list[Any],
    column: dict[str, int],
    *,
    unit_default: int,
    errors: _Collector,
    number: int,
) -> _Row:
    def cell(name: str) -> Any:
        i = column.get(name)
        return row[i] if i is not None and i < len(row) else None

    name = _text(cell("name"))
    ident = _text(cell("id")) or str(number)
    level = 1
    if "outline_level" in column:
        raw = _text(cell("outline_level"))
        if raw.isdigit() and 1 <= int(raw) <= 100:
            level = int(raw)
        else:
            errors.add(line, f"outline level {raw[:40]!r} is not a whole number from 1 to 100")
    wbs = _text(cell("wbs"))
    if "wbs" in column and wbs and not re.fullmatch(r"[^.\s]+(\.[^.\s]+)*", wbs):
        errors.add(line, f"WBS code {wbs[:40]!r} is not dot-separated (1.2.3)")
    unit = unit_default
    if "duration_unit" in column and _text(cell("duration_unit")):
        raw_unit = _text(cell("duration_unit")).casefold()
        if raw_unit in UNITS:
            unit = UNITS[raw_unit]
        else:
            errors.add(line, f"duration unit {raw_unit[:40]!r} is not one of m, h, d, w, mo")
    duration, elapsed = None, False
    raw_duration = cell("duration")
    if _text(raw_duration):
        parsed = _duration(raw_duration, unit)
        if parsed is None:
            errors.add(
                line, f"duration {_text(raw_duration)[:40]!r} is not a duration such as 5d, 3h, 2w"
            )
        else:
            duration, elapsed = parsed
    starts = _date_cell(cell("start"), "start", line, errors)
    finish = _date_cell(cell("finish"), "finish", line, errors)
    milestone = _text(cell("milestone")).casefold() in YES
    if not name:
        errors.add(line, "the task has no name")
    return _Row(
        line=line,
        id=ident,
        name=name,
        level=level,
        wbs=wbs,
        duration=duration,
        elapsed=elapsed,
        start=starts,
        finish=finish,
        milestone=milestone,
        predecessors=_text(cell("predecessors")),
        resources=_text(cell("resources")),
        notes=_text(cell("notes")),
    )


def _duration(value: Any, unit: int) -> tuple[int, bool] | None:
    """Minutes and whether elapsed, from ``5``, ``5d``, ``3 hrs``, ``2w``, ``1ed``, ``4 days?``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return (round(value * unit), False) if value >= 0 else None
    found = AMOUNT.match(str(value))
    if found is None:
        return None
    amount = float(found.group(1).replace(",", "."))
    word = found.group(2).casefold()
    if not word:
        return round(amount * unit), False
    if word in UNITS:
        return round(amount * UNITS[word]), False
    if word in ELAPSED_UNITS:
        return round(amount * ELAPSED_UNITS[word]), True
    return None


def _date_cell(value: Any, what: str, line: int, errors: _Collector) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = WEEKDAY.sub("", str(value).strip())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    errors.add(line, f"{what} {str(value)[:40]!r} is not a date (2025-03-03 or 3/3/2025)")
    return None


def _tree(rows: list[_Row], *, use_wbs: bool, errors: _Collector) -> None:
    """Parents from outline levels (or WBS codes); a row with children becomes a summary."""
    if use_wbs:
        by_code = {row.wbs: row for row in rows if row.wbs}
        for row in rows:
            if "." in row.wbs:
                parent = by_code.get(row.wbs.rsplit(".", 1)[0])
                if parent is None:
                    errors.add(row.line, f"WBS code {row.wbs!r} has no parent row")
                else:
                    row.parent = parent.id
                    parent.summary = True
        return
    stack: list[_Row] = []
    for row in rows:
        while stack and stack[-1].level >= row.level:
            stack.pop()
        if row.level > len(stack) + 1:
            errors.add(row.line, f"outline level {row.level} skips a level (after {len(stack)})")
        if stack:
            row.parent = stack[-1].id
            stack[-1].summary = True
        stack.append(row)


def _links(
    rows: list[_Row], by_id: dict[str, _Row], errors: _Collector
) -> tuple[list[Link], list[Loss]]:
    links: list[Link] = []
    losses: list[Loss] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if not row.predecessors:
            continue
        for part in LIST_SPLIT.split(row.predecessors):
            if not part.strip():
                continue
            found = _predecessor(part)
            if found is None:
                errors.add(
                    row.line, f"predecessor {part.strip()[:40]!r} is not like 3FS+2d or 3 max 2d"
                )
                continue
            ref = found["ref"]
            pred = by_id.get(ref)
            if pred is None:
                errors.add(row.line, f"predecessor {ref[:40]!r} is not the id of any row")
                continue
            if pred is row:
                errors.add(row.line, "a task cannot be its own predecessor")
                continue
            gap = _gap(found, part.strip()[:40], row.line, errors)
            if gap is None:
                continue
            lag, unit, most = gap
            if row.summary or pred.summary:
                which = row if row.summary else pred
                losses.append(
                    Loss(
                        f"line {row.line} {row.name[:60]!r}",
                        f"the link from {pred.id} was dropped: {which.id} is a summary task",
                    )
                )
                continue
            if (pred.id, row.id) in seen:
                losses.append(
                    Loss(f"line {row.line} {row.name[:60]!r}", f"a second link from {pred.id}")
                )
                continue
            seen.add((pred.id, row.id))
            kind = LinkType((found["type"] or "FS").upper())
            links.append(Link(pred.id, row.id, kind, lag, unit, max_lag=most))
    return links, losses


def _predecessor(part: str) -> re.Match[str] | None:
    """One predecessor (``3FS+2d``, ``3 max 2d``) matched with its spaces made single."""
    return PREDECESSOR.match(" ".join(part.split()))


def _gap(
    found: re.Match[str], part: str, line: int, errors: _Collector
) -> tuple[float, LagUnit, float | None] | None:
    """The lag, its unit and the maximum lag (or None) of a matched predecessor.

    A maximum is in working time like its lag (the scheduler bounds working-time gaps
    only), never below the lag (a negative one bounds a lead); a problem is a row error
    (and None)."""
    lag, unit = 0.0, LagUnit.WORKING
    if found["lag"] is not None:
        read = _signed_lag(found["sign"], found["lag"], found["unit"], "lag", line, errors)
        if read is None:
            return None
        lag, unit = read
    if found["max"] is None:
        return lag, unit, None
    # A negative maximum bounds a lead, as the plan's cell allows: "2FS-2d max -1d".
    read = _signed_lag(found["max_sign"], found["max"], found["max_unit"], "maximum lag", line,
                       errors)  # fmt: skip
    if read is None:
        return None
    most, kind = read
    if kind is not LagUnit.WORKING or unit is not LagUnit.WORKING:
        # The scheduler bounds working-time gaps only, as the plan's Predecessors cell does.
        errors.add(
            line, f"in {part!r} a maximum lag needs working time (m, h, d, w), not elapsed or %"
        )
        return None
    if most < lag:
        errors.add(line, f"in {part!r} the maximum lag is less than the lag")
        return None
    return lag, unit, most


def _signed_lag(
    sign: str | None, amount: str, word: str | None, what: str, line: int, errors: _Collector
) -> tuple[float, LagUnit] | None:
    """``amount`` in ``word`` units (days by default) with its sign, or a row error and None."""
    read = _lag(amount, word or "d")
    if read is None:
        errors.add(line, f"{what} unit {(word or '')[:20]!r} is not m, h, d, w or %")
        return None
    value, unit = read
    if not math.isfinite(value) or (unit is not LagUnit.PERCENT and value > LAG_LIMIT_MINUTES):
        errors.add(line, f"{what} {amount[:20]!r} is over the limit of 5,256,000 minutes")
        return None
    return (-value if sign == "-" else value), unit


def _lag(amount: str, word: str) -> tuple[float, LagUnit] | None:
    value = float(amount.replace(",", "."))
    word = word.casefold()
    if word == "%":
        return value, LagUnit.PERCENT
    if word in UNITS:
        return value * UNITS[word], LagUnit.WORKING
    if word in ELAPSED_UNITS:
        return value * ELAPSED_UNITS[word], LagUnit.ELAPSED
    return None


def _assignments(rows: list[_Row], errors: _Collector) -> tuple[list[Resource], list[Assignment]]:
    resources: dict[str, Resource] = {}
    assignments: list[Assignment] = []
    for row in rows:
        if not row.resources:
            continue
        on_row: set[str] = set()
        for part in RESOURCE_SPLIT.split(row.resources):
            if not part.strip():
                continue
            found = RESOURCE.match(part)
            if found is None:
                errors.add(row.line, f"resource {part.strip()[:40]!r} is not like Ana[50%]")
                continue
            name = found["name"]
            units = 1.0
            if found["units"] is not None:
                units = float(found["units"].replace(",", ".")) / 100
                if not 0 < units <= 100:
                    errors.add(row.line, f"resource {name[:40]!r}: units must be above 0 %")
                    continue
            if name in on_row:
                errors.add(row.line, f"resource {name[:40]!r} is named twice")
                continue
            on_row.add(name)
            if name not in resources:
                resources[name] = Resource(id=name, name=name)
            assignments.append(Assignment(activity=row.id, resource=name, units=units))
    return list(resources.values()), assignments


def _activity(row: _Row, project_start: datetime) -> Activity:
    """The engine's activity for a row: start and finish dates become constraints."""
    if row.summary:
        return Activity(row.id, row.name, kind=Kind.SUMMARY, parent=row.parent)
    duration = row.duration
    if duration is None and row.start is not None and row.finish is not None:
        duration = _working_between(row.start, row.finish)
    duration = duration or 0
    milestone = row.milestone or duration == 0
    kind = Kind.MILESTONE if milestone else Kind.TASK
    constraint, constraint_date = ConstraintType.ASAP, None
    if row.predecessors:
        pass  # the predecessors set the dates; a start or finish column is their result
    elif row.start is not None:
        constraint, constraint_date = ConstraintType.SNET, row.start
    elif row.finish is not None:
        finish = row.finish
        if finish.time() == time():
            finish = finish + timedelta(hours=23, minutes=59)
        constraint, constraint_date = ConstraintType.FNET, finish
    return Activity(
        row.id,
        row.name,
        duration=0 if milestone else duration,
        elapsed=row.elapsed and not milestone,
        kind=kind,
        parent=row.parent,
        constraint=constraint,
        constraint_date=constraint_date,
    )


def _working_between(first: datetime, second: datetime) -> int:
    """Working minutes of the standard calendar from ``first`` to ``second`` (dates inclusive)."""
    if second.time() == time():
        second = second + timedelta(days=1)
    if second <= first:
        return 0
    clock = CalendarClock(Calendar("standard"), first.date(), days=(second - first).days + 7)
    origin = datetime.combine(first.date(), time())
    return clock.working_between(
        int((first - origin).total_seconds() // 60), int((second - origin).total_seconds() // 60)
    )


def remap(mapping: ColumnMapping, **changes: str | None) -> ColumnMapping:
    """A copy of ``mapping`` with some columns changed (a form's corrections to a guess)."""
    return replace(mapping, **changes)


def headers_of(rows: Iterable[Sequence[Any]]) -> list[str]:
    """The header row of a sheet: its first non-empty row, as text."""
    for row in rows:
        if any(_text(cell) for cell in row):
            return [_text(cell) for cell in row]
    return []


__all__ = [
    "ColumnMapping",
    "TabularError",
    "check_xlsx_container",
    "guess_mapping",
    "headers_of",
    "read_csv",
    "read_rows",
    "read_xlsx",
    "remap",
]
