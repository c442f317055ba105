"""Lessons search across every project the reader may see, and suggestions for a new project.

Both start from ``portfolio.access.projects_visible_to``: a lesson of a project the
reader cannot see is never a candidate, whatever the query.

- **PostgreSQL**: full-text search. The query is read as a web search
  (``websearch_to_tsquery``: words are ANDed, "quoted phrases", ``or``, ``-word``; it never
  fails on odd characters) against a stored, weighted English vector of the title and tags
  (weight A) and what happened and the recommendation (B): a generated column with a GIN
  index (migration 0005). Hits are ranked on that stored vector (``ts_rank``, the title and
  tags weighing more) and only the best ``limit`` are fetched.
- **SQLite** (the fallback): the query's words (letters and digits) must all occur in
  those fields (AND, ignoring case); the newest 1,000 such lessons are ranked by how often
  the words occur, the title and tags counting double. Fine for the hundreds of lessons of a
  small installation; large registers belong on PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from keystage.closing.models import Lesson
from keystage.core.errors import InvalidInput
from keystage.portfolio.access import projects_visible_to

MAX_QUERY = 500
MAX_WORDS = 20
LIMIT = 50
SEARCHED = ("title", "tags", "what_happened", "recommendation")
WORD = re.compile(r"\w+")
STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "without",
    ]
)


def lessons_visible_to(who: Any) -> QuerySet[Lesson]:
    """Every lesson of every project the reader may see (the one scope for lessons)."""
    return Lesson.objects.filter(project__in=projects_visible_to(who)).select_related("project")


def clean_query(q: Any) -> str:
    """The query trimmed; a field error when it is too long or holds control characters."""
    text = " ".join(str(q or "").split())
    if len(text) > MAX_QUERY:
        raise InvalidInput({"q": f"Search with at most {MAX_QUERY} characters."})
    if any(ord(c) < 32 or c == "\x7f" for c in text):
        raise InvalidInput({"q": "The search holds control characters."})
    return text


def lesson_search(*, who: Any, q: Any, limit: int = LIMIT) -> list[Lesson]:
    """The lessons the reader may see that match ``q``, best first (the newest without
    ``q``); each carries ``rank``."""
    return _search(lessons_visible_to(who), q, limit)


def lesson_search_as_system(*, q: Any, limit: int = LIMIT) -> list[Lesson]:
    """``lesson_search`` over every project, for the command line's operator (no user)."""
    return _search(Lesson.objects.select_related("project"), q, limit)


def _search(scope: QuerySet[Lesson], q: Any, limit: int) -> list[Lesson]:
    text = clean_query(q)
    if not text:
        found = list(scope.order_by("-created_at", "-pk")[:limit])
        for lesson in found:
            lesson.rank = 0.0  # type: ignore[attr-defined]
        return found
    words = [w for w in WORD.findall(text.lower())][:MAX_WORDS]
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _full_text(scope, text, limit)
    return _word_match(scope, words, limit)


def _full_text(scope: QuerySet[Lesson], text: str, limit: int) -> list[Lesson]:
    # Match and rank on the stored, weighted vector of migration 0005 (GIN-indexed): the rank
    # reads the stored vector instead of rebuilding it for every matching lesson, and only
    # the top ``limit`` rows leave the database.
    query = "websearch_to_tsquery('english'::regconfig, %s)"
    found = (
        scope.filter(
            RawSQL(  # noqa: S611 — constant SQL; the query text is a bound parameter
                f'"closing_lesson"."search_vector" @@ {query}', (text,), output_field=BooleanField()
            )
        )
        .annotate(
            rank=RawSQL(  # noqa: S611 — constant SQL; the query text is a bound parameter
                f'ts_rank("closing_lesson"."search_vector", {query})',
                (text,),
                output_field=FloatField(),
            )
        )
        .order_by("-rank", "-created_at", "-pk")
    )
    return list(found[:limit])


def _word_match(scope: QuerySet[Lesson], words: list[str], limit: int) -> list[Lesson]:
    match = Q()
    for word in words:
        any_field = Q()
        for field in SEARCHED:
            any_field |= Q(**{f"{field}__icontains": word})
        match &= any_field
    candidates = list(scope.filter(match).order_by("-created_at", "-pk")[:1000])
    for lesson in candidates:
        strong = f"{lesson.title} {lesson.tags}".lower()
        weak = f"{lesson.what_happened} {lesson.recommendation}".lower()
        lesson.rank = float(  # type: ignore[attr-defined]
            sum(2 * strong.count(w) + weak.count(w) for w in words)
        )
    candidates.sort(key=lambda lesson: -lesson.rank)  # type: ignore[attr-defined]
    return candidates[:limit]


# -- suggestions for a new project -----------------------------------------------------------


def similar_lessons(*, who: Any, project: Any, limit: int = 5) -> list[tuple[Lesson, str]]:
    """Lessons of other projects the reader may see that suit ``project``: the same kind of
    project, or tags that its name and description mention; with why each is suggested."""
    words = set(WORD.findall(f"{project.name} {project.description}".lower())) - STOP
    candidates = (
        lessons_visible_to(who)
        .exclude(project=project)
        .filter(project__organisation_id=project.organisation_id)
        .order_by("-created_at", "-pk")[:500]
    )
    scored: list[tuple[int, Lesson, str]] = []
    for lesson in candidates:
        reasons = []
        score = 0
        if lesson.project.kind == project.kind:
            score += 3
            reasons.append(f"also {lesson.project.get_kind_display().lower()}")
        tags = [t for t in lesson.tag_list if set(WORD.findall(t)) <= words]
        if tags:
            score += 2 * len(tags)
            reasons.append("tags " + ", ".join(tags))
        if score:
            scored.append((score, lesson, "; ".join(reasons)))
    scored.sort(key=lambda row: -row[0])
    return [(lesson, why) for _, lesson, why in scored[:limit]]
