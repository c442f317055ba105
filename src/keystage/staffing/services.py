"""Writes of the staffing: the skills a task needs and who is assigned to it.

Every write needs the project-edit permission, is validated as field errors,
version-checked (428 without a version, 409 when stale) and journaled. Rules, each a
field error: only leaf tasks need skills and take people (a summary's work is its
sub-tasks'); an assignee is the project manager or a team member of the project and has
every skill the task needs at its minimum level (the message names the skill and both
levels); one person appears once per task; units run from 1 to 1000 %; work is never
negative.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.roles import Perm, ProjectRole
from keystage.core import records
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import get_by_public_id, parse_public_id
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.planning.models import Assignment, AssignmentSource, Task, TaskSkill
from keystage.planning.selectors.threads import task_url
from keystage.planning.services.plan_lock import plan_lock
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project, ProjectMembership
from keystage.resources.models import PersonSkill, ResourceProfile, Skill
from keystage.resources.models.people import DEFAULT_CAPACITY
from keystage.staffing.recommender import recommend_open_tasks
from keystage.staffing.selectors import join_words, skill_gaps, team_members

SKILL_NEED_FIELDS = ("skill", "min_level")
ASSIGNMENT_FIELDS = ("person", "units_percent", "work_hours", "note")
ASSIGNMENT_JOURNAL = ("task", "person", "units_percent", "work_hours", "source", "note")


# --------------------------------------------------------------------- lookups


def _leaf_task(project: Project, ref: Any, field: str = "task") -> Task:
    """A task of the project that can take work: not a summary."""
    task: Task | None
    if isinstance(ref, Task):
        task = ref if ref.project_id == project.pk else None
    elif ref in (None, ""):
        raise InvalidInput({field: "Choose a task."})
    else:
        try:
            task = Task.objects.filter(project=project, public_id=parse_public_id(ref)).first()
        except NotFound:
            task = None
    if task is None:
        raise InvalidInput({field: "No such task in this project."})
    if task.is_summary:
        raise InvalidInput(
            {field: f"'{task.name}' is a summary task: its work is done in its sub-tasks."}
        )
    return task


def _skill(project: Project, ref: Any) -> Skill:
    """A skill of the project's organisation, by id or name (ignoring case)."""
    if isinstance(ref, Skill):
        if ref.organisation_id == project.organisation_id:
            return ref
        raise InvalidInput({"skill": "Choose a skill of your organisation's catalogue."})
    text = str(ref or "").strip().replace("\x00", "")
    if not text:
        raise InvalidInput({"skill": "Choose a skill."})
    catalogue = Skill.objects.filter(organisation_id=project.organisation_id)
    try:
        return get_by_public_id(catalogue, text)
    except NotFound:
        found = catalogue.filter(name__iexact=text).first()
    if found is None:
        raise InvalidInput(
            {"skill": f"No skill '{text[:100]}' in the catalogue; add it under People & skills."}
        )
    return found


def team_person(project: Project, ref: Any, field: str = "person") -> User:
    """The project manager or a team member, by user, user id (UUID) or username."""
    if ref in (None, ""):
        raise InvalidInput({field: "Choose a person."})
    team = team_members(project)
    if isinstance(ref, User):
        found = team.filter(pk=ref.pk).first()
        member = ProjectMembership.objects.filter(project=project, user=ref).first()
    else:
        text = str(ref).strip().replace("\x00", "")
        lookup: dict[str, Any]
        try:
            lookup = {"public_id": parse_public_id(text)}
        except NotFound:
            lookup = {"username": text}
        found = team.filter(**lookup).first()
        member = ProjectMembership.objects.filter(
            project=project, **{f"user__{k}": v for k, v in lookup.items()}
        ).first()
    if found is None:
        if member is not None:
            role = ProjectRole(member.role).label.lower()
            raise InvalidInput(
                {
                    field: f"{member.user.display_name} is the project's {role}; only the "
                    "project manager and team members take on work."
                }
            )
        raise InvalidInput({field: "Choose the project manager or a team member of this project."})
    return found


def _check_skills(task: Task, person: User) -> None:
    """Refuse a person who lacks a skill the task needs, naming it and both levels."""
    needs = [
        (n.skill_id, n.skill.name, n.min_level)
        for n in TaskSkill.objects.filter(task=task).select_related("skill")
    ]
    if not needs:
        return
    have = dict(
        PersonSkill.objects.filter(user=person, skill_id__in=[n[0] for n in needs]).values_list(
            "skill_id", "level"
        )
    )
    levels = {name: have[pk] for pk, name, _ in needs if pk in have}
    gaps = skill_gaps(levels, [(name, level) for _, name, level in needs])
    if gaps:
        raise InvalidInput({"person": f"{person.display_name} {join_words(gaps)}."})


def _capacity(person: User) -> int:
    """The person's capacity in percent (100 without a profile; at least 1)."""
    found = ResourceProfile.objects.filter(user=person).values_list("capacity_percent", flat=True)
    return max(1, next(iter(found), DEFAULT_CAPACITY))


def _check_unique(task: Task, person: User, current: Assignment | None = None) -> None:
    twins = Assignment.objects.filter(task=task, person=person)
    if current is not None:
        twins = twins.exclude(pk=current.pk)
    if twins.exists():
        raise InvalidInput({"person": f"{person.display_name} is already on '{task.name}'."})


# ------------------------------------------------------------------ skill needs


@transaction.atomic
def skill_need_create(*, who: User, project: Project, task: Any, data: dict[str, Any]) -> TaskSkill:
    """Say that a task needs a skill (by id or name) at a minimum level (1 by default)."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, SKILL_NEED_FIELDS)
    leaf = _leaf_task(project, task)
    skill = _skill(project, data.get("skill"))
    if TaskSkill.objects.filter(task=leaf, skill=skill).exists():
        raise InvalidInput({"skill": f"'{leaf.name}' already needs {skill.name}."})
    level = data.get("min_level")
    need = TaskSkill(task=leaf, skill=skill, min_level=1 if level is None else level)
    return records.create(
        who=who,
        instance=need,
        project=project,
        fields=("task", *SKILL_NEED_FIELDS),
        summary=f"'{leaf.name}' needs {skill.name} at level {need.min_level} or better",
    )


@transaction.atomic
def skill_need_update(
    *, who: User, need: TaskSkill, version: int, changes: dict[str, Any]
) -> TaskSkill:
    """Change a skill need's skill or minimum level at ``version``."""
    project = need.task.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    changes = records.editable(changes, SKILL_NEED_FIELDS)
    if "skill" in changes:
        skill = _skill(project, changes["skill"])
        twins = TaskSkill.objects.filter(task=need.task, skill=skill).exclude(pk=need.pk)
        if twins.exists():
            raise InvalidInput({"skill": f"'{need.task.name}' already needs {skill.name}."})
        changes["skill"] = skill
    if changes.get("min_level", 1) is None:
        del changes["min_level"]
    name = changes["skill"].name if "skill" in changes else need.skill.name
    return records.update(
        who=who,
        instance=need,
        version=version,
        changes=changes,
        project=project,
        summary=f"'{need.task.name}' needs {name} at level "
        f"{changes.get('min_level', need.min_level)} or better",
    )


@transaction.atomic
def skill_need_delete(*, who: User, need: TaskSkill, version: int) -> None:
    """Drop a skill need at ``version`` (the journal keeps it)."""
    project = need.task.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=need,
        version=version,
        project=project,
        fields=("task", *SKILL_NEED_FIELDS),
        summary=f"'{need.task.name}' no longer needs {need.skill.name}",
    )


# ------------------------------------------------------------------ assignments


@transaction.atomic
def assignment_create(
    *,
    who: User,
    project: Project,
    task: Any,
    data: dict[str, Any],
    source: str = AssignmentSource.MANUAL,
) -> Assignment:
    """Assign a team member to a leaf task; units default to the person's capacity."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    plan_lock(project)  # a schedule run's levelling reads the assignments
    data = records.editable(data, ASSIGNMENT_FIELDS)
    leaf = _leaf_task(project, task)
    person = team_person(project, data.pop("person", None))
    _check_unique(leaf, person)
    _check_skills(leaf, person)
    if source not in AssignmentSource.values:
        raise InvalidInput({"source": f"Choose one of: {', '.join(AssignmentSource.values)}."})
    if data.get("units_percent") is None:
        # As MS Project does: a new assignment takes the person's maximum units.
        data["units_percent"] = _capacity(person)
    assignment = Assignment(project=project, task=leaf, person=person, source=source, **data)
    records.create(
        who=who,
        instance=assignment,
        project=project,
        fields=ASSIGNMENT_JOURNAL,
        summary=f"Assigned {person.display_name} to '{leaf.name}' at {assignment.units_percent} %",
    )
    _tell_assigned(who, project, leaf, person)
    return assignment


def _tell_assigned(who: User, project: Project, task: Task, person: User) -> None:
    notify(
        [person],
        kind=NotificationKind.ASSIGNED,
        project=project,
        text=f"{who.display_name} assigned you to '{task.name}' in {project.code}",
        url=task_url(project, task),
        actor=who,
    )


@transaction.atomic
def assignment_update(
    *, who: User, assignment: Assignment, version: int, changes: dict[str, Any]
) -> Assignment:
    """Change the person, units, work or note at ``version``; a new person is checked
    like a new assignment and makes it a manual choice."""
    project = assignment.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    plan_lock(project)
    changes = records.editable(changes, ASSIGNMENT_FIELDS)
    task = assignment.task
    if "person" in changes:
        person = team_person(project, changes["person"])
        if person.pk != assignment.person_id:
            _check_unique(task, person, assignment)
            _check_skills(task, person)
            changes["source"] = AssignmentSource.MANUAL
        changes["person"] = person
    if "units_percent" in changes and changes["units_percent"] is None:
        raise InvalidInput({"units_percent": "Give the units, from 1 to 1000 %."})
    who_now = changes["person"].display_name if "person" in changes else None
    newcomer = changes.get("person")
    if newcomer is not None and newcomer.pk == assignment.person_id:
        newcomer = None
    updated = records.update(
        who=who,
        instance=assignment,
        version=version,
        changes=changes,
        project=project,
        summary=f"Changed the assignment of {who_now or assignment.person.display_name} "
        f"to '{task.name}'",
    )
    if newcomer is not None:
        _tell_assigned(who, project, task, newcomer)
    return updated


@transaction.atomic
def assignment_delete(*, who: User, assignment: Assignment, version: int) -> None:
    """Remove an assignment at ``version`` (the journal keeps it)."""
    require_perm(who=who, project=assignment.project, perm=Perm.EDIT)
    plan_lock(assignment.project)
    records.delete(
        who=who,
        instance=assignment,
        version=version,
        project=assignment.project,
        fields=ASSIGNMENT_JOURNAL,
        summary=f"Removed {assignment.person.display_name} from '{assignment.task.name}'",
    )


@transaction.atomic
def assign_recommended(*, who: User, project: Project) -> list[Assignment]:
    """Accept the recommender's pick for every unassigned leaf work task, in WBS order
    (each at the person's capacity; tasks nobody can do stay open)."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    created = []
    for suggestion in recommend_open_tasks(who=who, project=project):
        if suggestion.pick is None:
            continue
        created.append(
            assignment_create(
                who=who,
                project=project,
                task=suggestion.ranking.task,
                data={
                    "person": suggestion.pick.person,
                    "note": f"Recommended: score {suggestion.pick.score_percent} %",
                },
                source=AssignmentSource.RECOMMENDED,
            )
        )
    return created
