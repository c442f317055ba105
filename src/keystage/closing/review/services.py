"""The post-project review and its lessons learned.

The project manager (*edit*) records the review meeting; anyone who contributes adds
lessons (a plain record-kit record: journaled, versioned, pages and API generated). A
lesson's tags are kept trimmed, lower case and without repeats.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.closing.models import Lesson, Review
from keystage.closing.singleton import save_singleton
from keystage.core.errors import InvalidInput
from keystage.portfolio.record_kit import RecordKit, RecordSpec

REVIEW_FIELDS = ("held_on", "facilitator", "attendees", "went_well", "went_badly", "notes")
MAX_TAGS = 12


def _review_rules(review: Review) -> dict[str, str]:
    if review.held_on is not None and review.held_on > timezone.localdate():
        return {"held_on": "Record the review once it has been held (today or earlier)."}
    return {}


@transaction.atomic
def review_save(*, who: Any, project: Any, version: int | None, data: dict[str, Any]) -> Review:
    """Record the review meeting, or edit it at ``version``."""
    return save_singleton(
        Review,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=REVIEW_FIELDS,
        label="post-project review",
        perm=Perm.EDIT,
        rules=_review_rules,
    )


def review_of(project: Any) -> Review | None:
    """The project's review, if recorded."""
    return Review.objects.filter(project=project).first()


def normalise_tags(raw: str) -> str:
    """Tags trimmed, lower case, without repeats, joined by ", "."""
    tags: list[str] = []
    for part in (raw or "").split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return ", ".join(tags)


def _check_lesson(lesson: Lesson) -> None:
    lesson.tags = normalise_tags(lesson.tags)
    if len(lesson.tag_list) > MAX_TAGS:
        raise InvalidInput({"tags": f"At most {MAX_TAGS} tags."})


class LessonKit(RecordKit):
    """The kit, plus: tags are stored normalised."""

    def create(self, *, who: Any, project: Any, data: dict[str, Any]) -> Any:
        """Add a lesson (tags normalised), journaled."""
        if isinstance(data.get("tags"), str):
            data = {**data, "tags": normalise_tags(data["tags"])}
        return super().create(who=who, project=project, data=data)

    def update(self, *, who: Any, record: Any, version: int, changes: dict[str, Any]) -> Any:
        """Edit a lesson at ``version`` (tags normalised), journaled."""
        if isinstance(changes.get("tags"), str):
            changes = {**changes, "tags": normalise_tags(changes["tags"])}
        return super().update(who=who, record=record, version=version, changes=changes)


LESSONS = LessonKit(
    RecordSpec(
        model=Lesson,
        fields=("title", "category", "stage", "what_happened", "recommendation", "tags"),
        noun="lesson",
        slug="lessons",
        namespace="closing",
        intro="What happened, in which stage, and what the next project should do about it.",
        widgets={
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
        },
        check=_check_lesson,
    )
)
