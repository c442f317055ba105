"""Training services and selectors: who must be trained, the sessions, their attendance,
and the completion rate against the users to train.

The project manager (*edit*) sets the users to train; sessions and attendance need
*contribute* (trainers are often team members). Attendance is replaced as a whole at the
session's version (one journal entry with the names before and after); it cannot exceed
the people invited, and a person or a name counts once per session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import transaction

from keystage.accounts.access import users_visible_to
from keystage.accounts.roles import Perm
from keystage.closing.models import TrainingAttendance, TrainingPlan, TrainingSession
from keystage.closing.singleton import save_singleton
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version
from keystage.portfolio.access import projects_visible_to, require_perm
from keystage.portfolio.record_kit import RecordKit, RecordSpec

PLAN_FIELDS = ("users_to_train", "trainees")
#: One session's attendance list; a full list stays well under the request size cap.
MAX_ATTENDEES = 2_000


@transaction.atomic
def training_plan_save(
    *, who: Any, project: Any, version: int | None, data: dict[str, Any]
) -> TrainingPlan:
    """Set who must be trained: a number, or a list of names (which then counts)."""
    return save_singleton(
        TrainingPlan,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=PLAN_FIELDS,
        label="training plan",
        perm=Perm.EDIT,
    )


def _check_session(session: TrainingSession) -> None:
    held = session.attendance.count() if session.pk else 0
    if session.invited is not None and held > session.invited:
        raise InvalidInput({"invited": f"{held} people already attended; invite at least as many."})


class TrainingSessionKit(RecordKit):
    """The kit, plus: a removed session's material files leave the storage after the commit."""

    def delete(self, *, who: Any, record: Any, version: int) -> None:
        """Remove a session at ``version`` (journaled); its attendance and files go with it."""
        stored = [(f.file.storage, f.file.name) for f in record.files.all() if f.file.name]
        super().delete(who=who, record=record, version=version)

        def remove_files() -> None:
            for storage, name in stored:
                storage.delete(name)

        if stored:
            transaction.on_commit(remove_files)


TRAINING_SESSIONS = TrainingSessionKit(
    RecordSpec(
        model=TrainingSession,
        fields=(
            "title",
            "audience",
            "session_date",
            "trainer",
            "invited",
            "materials_link",
            "notes",
        ),
        noun="training session",
        slug="training-sessions",
        namespace="closing",
        intro="A session for end users: the audience, the day, the trainer and the materials.",
        widgets={
            "session_date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        },
        check=_check_session,
    )
)


def _clean_names(raw: list[Any]) -> list[str]:
    names = []
    for value in raw:
        name = " ".join(str(value).split())
        if len(name) > 200:
            raise InvalidInput({"names": "A name has at most 200 characters."})
        if name:
            names.append(name)
    return names


@transaction.atomic
def attendance_set(
    *,
    who: Any,
    session: TrainingSession,
    version: int,
    names: list[Any],
    people: list[Any],
) -> TrainingSession:
    """Replace the session's attendance: ``names`` (free text) and ``people`` (usernames of
    the organisation). Refused above the people invited or with a repeat."""
    project = session.project
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    if len(names) + len(people) > MAX_ATTENDEES:
        raise InvalidInput({"names": f"At most {MAX_ATTENDEES:,} attendees."})
    wanted = [str(p).strip() for p in people if str(p).strip()]
    found = {u.username.lower(): u for u in users_visible_to(who).filter(username__in=wanted)}
    unknown = [p for p in wanted if p.lower() not in found]
    if unknown:
        raise InvalidInput({"people": f"No such person in the organisation: {unknown[0][:80]}"})
    rows: list[tuple[Any, str]] = [
        (found[p.lower()], found[p.lower()].get_full_name() or p) for p in wanted
    ]
    rows += [(None, name) for name in _clean_names(names)]
    seen: set[str] = set()
    for _, name in rows:
        if name.lower() in seen:
            raise InvalidInput({"names": f"{name} is listed twice."})
        seen.add(name.lower())
    if len(rows) > session.invited:
        raise InvalidInput(
            {
                "names": f"{len(rows)} attendees, but only {session.invited} people were "
                "invited: raise the number invited first."
            }
        )
    before = sorted(session.attendance.values_list("name", flat=True))
    bump_version(session, version)
    session.attendance.all().delete()
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(session=session, person=person, name=name) for person, name in rows
    )
    after = sorted(name for _, name in rows)
    audit_record(
        who=who,
        obj=session,
        action=AuditAction.UPDATE,
        project=project,
        changes={"attendance": [before, after]},
        summary=f"Recorded attendance of training session '{session.title}' ({len(rows)})",
    )
    return TrainingSession.objects.get(pk=session.pk)


# -- selectors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """How far the end users are trained."""

    target: int | None
    trained: int
    attendances: int
    sessions: int
    from_list: bool
    untrained: list[str]

    @property
    def percent(self) -> int | None:
        """Trained ÷ target, in whole percent (at most 100), or None without a target."""
        if not self.target:
            return None
        return min(100, round(100 * self.trained / self.target))


def training_plan_of(project: Any) -> TrainingPlan | None:
    """The project's training plan, if set."""
    return TrainingPlan.objects.filter(project=project).first()


def sessions_with_attendance(*, who: Any, project: Any) -> list[TrainingSession]:
    """The project's sessions, each with its ``attendees`` (names) list, in two queries."""
    sessions = list(
        TrainingSession.objects.filter(project__in=projects_visible_to(who), project=project)
        .select_related("project")
        .prefetch_related("attendance", "files")
    )
    for session in sessions:
        session.attendees = [a.name for a in session.attendance.all()]  # type: ignore[attr-defined]
    return sessions


def completion(project: Any, sessions: list[TrainingSession] | None = None) -> Completion:
    """The completion rate: distinct people trained against the users to train (the list's
    names when there is a list, else the number)."""
    if sessions is None:
        sessions = list(
            TrainingSession.objects.filter(project=project).prefetch_related("attendance")
        )
    attended: dict[str, str] = {}
    total = 0
    for session in sessions:
        for row in session.attendance.all():
            total += 1
            attended.setdefault(row.name.lower(), row.name)
    plan = training_plan_of(project)
    listed = plan.trainee_names if plan else []
    if listed:
        trained = [n for n in listed if n.lower() in attended]
        untrained = [n for n in listed if n.lower() not in attended]
        return Completion(len(listed), len(trained), total, len(sessions), True, untrained)
    target = plan.users_to_train if plan else None
    return Completion(target, len(attended), total, len(sessions), False, [])
