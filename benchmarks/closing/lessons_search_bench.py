"""Lessons search on PostgreSQL: the GIN expression index against a sequential scan.

Run against a scratch PostgreSQL database (it adds an organisation, a project and
``--lessons`` lessons, then removes them):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ks_scratch \\
        uv run python benchmarks/closing/lessons_search_bench.py --lessons 20000

Prints the median time of ``lesson_search`` (the full query: match, rank, top 50) with the
index, and with the planner told not to use it (``enable_bitmapscan = off``, ``enable_indexscan
= off``), for a rare and a common word pair.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402

from keystage.accounts.models import Organisation, User  # noqa: E402
from keystage.closing.models import Lesson  # noqa: E402
from keystage.closing.review.search import lesson_search  # noqa: E402
from keystage.portfolio.models import Project  # noqa: E402

WORDS = [
    "vendor",
    "delay",
    "budget",
    "scope",
    "schedule",
    "testing",
    "data",
    "migration",
    "network",
    "cloud",
    "licence",
    "training",
    "support",
    "contract",
    "supplier",
    "approval",
    "risk",
    "quality",
    "stakeholder",
    "requirement",
    "release",
    "deployment",
    "outage",
    "capacity",
    "backlog",
    "estimate",
    "sprint",
    "review",
]


def _median(fn: object, runs: int = 9) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lessons", type=int, default=20_000)
    args = parser.parse_args()
    assert connection.vendor == "postgresql", "run with DATABASE_URL=postgres://…"
    rng = random.Random(1)
    org = Organisation.objects.create(name="Bench org")
    user = User.objects.create(username="bench_admin", organisation=org, is_superuser=True)
    project = Project.objects.create(
        organisation=org,
        name="Bench",
        code="BENCH",
        kind="other",
        start_date=dt.date(2026, 1, 5),
        target_date=dt.date(2026, 12, 31),
    )
    try:
        Lesson.objects.bulk_create(
            Lesson(
                project=project,
                title=" ".join(rng.choices(WORDS, k=4)),
                category="other",
                stage="execution",
                what_happened=" ".join(rng.choices(WORDS, k=40)),
                recommendation=" ".join(rng.choices(WORDS, k=20)),
                tags=", ".join(rng.sample(WORDS, 3)),
            )
            for _ in range(args.lessons)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE closing_lesson")
        for label, q in (("rare", "zebra vendor"), ("common", "vendor delay")):
            rows = len(lesson_search(who=user, q=q))
            indexed = _median(lambda q=q: lesson_search(who=user, q=q))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_bitmapscan = off")
                cursor.execute("SET LOCAL enable_indexscan = off")
                scanned = _median(lambda q=q: lesson_search(who=user, q=q))
            print(
                f"{args.lessons:,} lessons, {label} query '{q}' ({rows} shown): "
                f"index {indexed * 1000:.1f} ms, sequential scan {scanned * 1000:.1f} ms "
                f"(× {scanned / indexed:.1f})"
            )
    finally:
        Lesson.objects.filter(project=project).delete()
        project.delete()
        user.delete()
        org.delete()


if __name__ == "__main__":
    main()
