"""Time the KPIs of the demo's projects: evaluate, the Health page and its API, a check.

Run after ``keystage demo`` in the same data directory (or with DATABASE_URL):

    KEYSTAGE_DATA_DIR=/tmp/ks-kpi-bench uv run keystage demo
    KEYSTAGE_DATA_DIR=/tmp/ks-kpi-bench uv run python benchmarks/control/kpi_bench.py --n 30
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    """Print p50 / p95 ms and the query count per project and operation."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from keystage.control.kpis.alerts import check_project
    from keystage.control.kpis.selectors import evaluate_project
    from keystage.portfolio.models import Project

    def timed(fn):  # type: ignore[no-untyped-def]
        for _ in range(3):
            fn()
        samples = []
        for _ in range(args.n):
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            fn()
        samples.sort()
        return samples[len(samples) // 2], samples[int(len(samples) * 0.95) - 1], len(queries)

    print("| project | operation | p50 ms | p95 ms | queries |")
    print("|---|---|---:|---:|---:|")
    for project in Project.objects.order_by("code"):
        pm = project.memberships.filter(role="project_manager").first()
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(pm.user)
        health = f"/projects/{project.public_id}/health/"
        api = f"/api/v1/projects/{project.public_id}/kpis/"
        assert client.get(health).status_code == 200 and client.get(api).status_code == 200
        for name, fn in (
            ("evaluate", lambda p=project: evaluate_project(p)),
            ("check (no crossing)", lambda p=project: check_project(p)),
            ("Health page", lambda u=health, c=client: c.get(u)),
            ("KPIs API", lambda u=api, c=client: c.get(u)),
        ):
            p50, p95, count = timed(fn)
            print(f"| {project.code} | {name} | {p50:.1f} | {p95:.1f} | {count} |")


if __name__ == "__main__":
    main()
