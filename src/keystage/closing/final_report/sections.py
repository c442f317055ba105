"""The final report's sections: a tiny registry, so a record kept by another app (risks,
quality, acceptance, handover, training, lessons) joins the report by one registration.

``register_section(key, title, order, build)``: ``build(project)`` returns the section's data
or ``None`` when nothing is recorded (the report then says so, honestly). The data is a dict
with any of, all JSON-safe:

- ``summary``: ``[[label, text], …]`` — a short list of facts;
- ``tables``: ``[{"id", "caption", "columns": [...], "numeric": [bool…], "rows": [[text…]]}]``;
- ``notes``: ``[text, …]``;
- ``svg``: a chart from ``keystage.reporting.svg`` (trusted markup, ours).

Registering a key again replaces its section (so a placeholder gives way to the real one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from keystage.core.memo import memo_scope

SectionBuild = Callable[[Any], dict[str, Any] | None]
NOT_RECORDED = "Not recorded in Keystage for this project."


@dataclass(frozen=True, slots=True)
class Section:
    """One section of the final report."""

    key: str
    title: str
    order: int
    build: SectionBuild


_SECTIONS: dict[str, Section] = {}


def register_section(key: str, title: str, order: int, build: SectionBuild) -> None:
    """Add (or replace) the section ``key``; sections are shown by ``order``."""
    _SECTIONS[key] = Section(key, title, order, build)


def is_registered(key: str) -> bool:
    """Whether a section ``key`` is registered (a placeholder never replaces a real one)."""
    return key in _SECTIONS


def sections() -> list[Section]:
    """The registered sections in report order."""
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def _cells(table: dict[str, Any]) -> dict[str, Any]:
    """A table with each cell as ``{"v": text, "num": right-aligned}`` for the templates."""
    numeric = list(table.get("numeric") or [])
    return {
        **table,
        "rows": [
            [
                {"v": cell, "num": bool(numeric[i]) if i < len(numeric) else False}
                for i, cell in enumerate(row)
            ]
            for row in table.get("rows", [])
        ],
    }


def build_sections(project: Any) -> list[dict[str, Any]]:
    """Every section of the report of ``project`` from the data as they are now (the sections
    share one read memo: the quality summary is computed once per report)."""
    with memo_scope():
        return [_built(section, project) for section in sections()]


def _built(section: Section, project: Any) -> dict[str, Any]:
    data = section.build(project) or {}
    recorded = any(data.get(k) for k in ("summary", "tables", "notes", "svg"))
    row: dict[str, Any] = {"key": section.key, "title": section.title, "recorded": recorded}
    if recorded:
        row.update({k: v for k, v in data.items() if k != "empty"})
        row["tables"] = [_cells(t) for t in data.get("tables") or []]
        row["note"] = ""
    else:
        row["note"] = data.get("empty") or NOT_RECORDED
    return row
