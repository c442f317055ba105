"""Checks a project must pass before a 'go' at a stage gate, registered by higher apps.

The portfolio sits below the apps that own the stage records (initiation,
planning…), so it cannot import them. Each such app registers a check for
the stage whose gate it guards, from its ``AppConfig.ready()``;
``gate_decide`` asks the registry what is missing and refuses a 'go' unless
the sponsor gives an override reason.

Who registers what (the stage is the one the gate leaves):

- Initiation → Planning: proposal, business case, a feasibility study that does not
  advise against, key stakeholders signed off, a project manager (``initiation``).
- Planning → Execution: a baseline (``planning``), the budget set (``costs``), the team
  staffed (``staffing``), the charter issued (``initiation``), and *risks identified*
  (``risks``: a register, an owner and a response for every high risk).
- Execution → Closing: every deliverable submitted or accepted (``planning``).
- Closing → Closed: the closing app's acceptance, handover, final budget, review and
  final report (stage 5).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from keystage.core.memo import memo_scope


@dataclass(frozen=True, slots=True)
class GateCheckItem:
    """One line of a gate checklist: done or missing, with a short explanation."""

    key: str
    label: str
    done: bool
    detail: str = ""


GateCheck = Callable[[Any], Sequence[GateCheckItem]]

_CHECKS: dict[str, list[GateCheck]] = {}


def register_gate_check(stage: str, check: GateCheck) -> None:
    """Add ``check`` to the gate that leaves ``stage`` (registering twice is harmless)."""
    checks = _CHECKS.setdefault(str(stage), [])
    if check not in checks:
        checks.append(check)


def gate_checklist(project: Any) -> list[GateCheckItem]:
    """Every checklist item for the gate out of the project's current stage (the checks share
    one read memo, so a summary two of them need is computed once)."""
    with memo_scope():
        return [item for check in _CHECKS.get(str(project.stage), []) for item in check(project)]


def gate_missing(project: Any) -> list[GateCheckItem]:
    """The checklist items not yet done."""
    return [item for item in gate_checklist(project) if not item.done]
