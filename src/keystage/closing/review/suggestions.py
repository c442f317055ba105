"""The provider that offers lessons of similar past projects to a new project's planning."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from keystage.closing.review.search import similar_lessons
from keystage.planning.suggestions import PlanSuggestion


def lesson_suggestions(who: Any, project: Any) -> list[PlanSuggestion]:
    """Up to five lessons of similar projects the reader may see."""
    url = reverse("closing:lesson-search")
    return [
        PlanSuggestion(
            title=lesson.title,
            text=lesson.recommendation,
            source=f"{lesson.project.code} · {lesson.get_category_display()}",
            reason=why,
            url=f"{url}?{urlencode({'q': lesson.title})}",
        )
        for lesson, why in similar_lessons(who=who, project=project)
    ]
