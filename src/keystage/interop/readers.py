"""Every plan reader by format, and the format of an uploaded file.

``READERS`` maps a format name to ``read(data: bytes, filename: str) -> PlanDocument``.
Each reader raises :class:`~keystage.engine.mspdi_read.PlanReadError` (a ``ValueError``)
with a message that names what is wrong and never echoes the file's content. More
readers (the CSV/XLSX task list) are added to the dict at merge.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import PurePath

from keystage.engine.interchange import PlanDocument
from keystage.engine.mspdi_read import PlanReadError, read_mspdi, read_mspdi_with_dates
from keystage.engine.planfile import PlanError, parse_plan
from keystage.engine.tabular import TabularError, read_csv, read_xlsx
from keystage.interop import mpxj_convert

Reader = Callable[[bytes, str], PlanDocument]


def read_mspdi_file(data: bytes, filename: str = "") -> PlanDocument:
    """MS Project XML, read by our own defusedxml-based reader."""
    return read_mspdi(data)


def read_toml_file(data: bytes, filename: str = "") -> PlanDocument:
    """A plan-as-code TOML file (``docs/plan-format.md``)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PlanReadError("The TOML plan is not UTF-8 text.") from None
    try:
        plan, _ = parse_plan(text, PurePath(filename).name or "plan")
    except PlanError as exc:
        raise PlanReadError(str(exc)) from None
    title = PurePath(filename).stem or "Imported plan"
    return PlanDocument(title=title[:200], plan=plan, source_format="toml")


def read_with_mpxj(data: bytes, filename: str = "") -> PlanDocument:
    """Any format MPXJ reads, converted to MSPDI by MPXJ and read by our reader."""
    return _mpxj(data, filename)[0]


def _mpxj(data: bytes, filename: str) -> tuple[PlanDocument, dict[str, tuple[datetime, datetime]]]:
    xml = mpxj_convert.to_mspdi_bytes(data, filename)
    document, dates = read_mspdi_with_dates(xml)
    return _as_format(document, format_of(filename, data)), dates


def _as_format(document: PlanDocument, fmt: str) -> PlanDocument:
    return PlanDocument(
        title=document.title,
        plan=document.plan,
        resources=document.resources,
        assignments=document.assignments,
        currency=document.currency,
        source_format=fmt,
        outline_codes=document.outline_codes,
        notes=document.notes,
        losses=document.losses,
    )


TASK_LISTS = frozenset(("csv", "xlsx"))


def read_task_list(
    data: bytes, filename: str = "", fmt: str = "csv", start: date | None = None
) -> PlanDocument:
    """A CSV or XLSX task list (``docs/spreadsheet-tasks.md``), columns guessed from the
    headers; tasks without dates start at ``start`` (the project's start, else today)."""
    begin = datetime.combine(start or date.today(), time(0))
    title = (PurePath(filename).stem or "Imported task list")[:200]
    try:
        if fmt == "xlsx":
            return read_xlsx(data, start=begin, title=title)
        return read_csv(data, start=begin, title=title)
    except TabularError as exc:
        shown = list(exc.errors[:20])
        more = len(exc.errors) - len(shown)
        raise PlanReadError("; ".join(shown) + (f"; and {more} more" if more > 0 else "")) from None


READERS: dict[str, Reader] = {
    "csv": lambda data, filename: read_task_list(data, filename, "csv"),
    "xlsx": lambda data, filename: read_task_list(data, filename, "xlsx"),
    "mspdi": read_mspdi_file,
    "toml": read_toml_file,
    **{fmt: read_with_mpxj for fmt in mpxj_convert.FORMATS},
}

SUFFIXES = {
    ".xml": "mspdi",
    ".toml": "toml",
    ".csv": "csv",
    ".xlsx": "xlsx",
    **mpxj_convert.SUFFIXES,
}


def format_of(filename: str, data: bytes) -> str:
    """The format of a file, from its name (then its first bytes); ValueError if unknown."""
    suffix = PurePath(filename.lower()).suffix
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    head = data[:512].lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<Project"):
        return "mspdi"
    raise PlanReadError(
        f"Unknown file type {suffix or '(no extension)'!r}: upload one of "
        + ", ".join(sorted(SUFFIXES))
        + "."
    )


def read_plan(data: bytes, filename: str, fmt: str = "", start: date | None = None) -> PlanDocument:
    """Read a plan file of format ``fmt`` (or the one its name says); ``start`` anchors a
    task list's undated tasks."""
    fmt = fmt or format_of(filename, data)
    if fmt in TASK_LISTS:
        return read_task_list(data, filename, fmt, start)
    reader = READERS.get(fmt)
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise PlanReadError(f"Unknown format {fmt[:20]!r}; use one of {known}.")
    return reader(data, filename)


def read_plan_with_dates(
    data: bytes, filename: str, fmt: str = "", start: date | None = None
) -> tuple[PlanDocument, dict[str, tuple[datetime, datetime]]]:
    """Read a plan and the start and finish its file carries per task (MSPDI and the
    formats MPXJ converts; none for the others), to compare schedules after import."""
    fmt = fmt or format_of(filename, data)
    if fmt == "mspdi":
        return read_mspdi_with_dates(data)
    if fmt in mpxj_convert.FORMATS:
        return _mpxj(data, filename)
    return read_plan(data, filename, fmt, start), {}


__all__ = ["READERS", "format_of", "read_plan", "read_plan_with_dates"]
