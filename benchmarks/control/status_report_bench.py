"""Time the status report of the demo's ERP-CLOUD: the content from live data, the PDF
(WeasyPrint, with the S-curve SVG) and a whole issue (content, body, PDF, insert, journal).

Run after ``keystage demo`` in the same data directory (or with DATABASE_URL):

    KEYSTAGE_DATA_DIR=/tmp/ks-sr-bench uv run keystage demo
    KEYSTAGE_DATA_DIR=/tmp/ks-sr-bench uv run python benchmarks/control/status_report_bench.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any


def _median_ms(fn: Callable[[], Any], n: int) -> tuple[float, float]:
    fn()  # warm up (templates, fonts)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    """Print the median and worst ms of each step."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=7)
    parser.add_argument("--project", default="ERP-CLOUD")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from keystage.control.reports import selectors, services
    from keystage.portfolio.models import Project

    project = Project.objects.get(code=args.project)
    pm = project.memberships.get(role="project_manager").user
    preview = selectors.status_report_preview(who=pm, project_id=project.public_id)
    steps: dict[str, Callable[[], Any]] = {
        "content (live data)": lambda: selectors.status_report_preview(
            who=pm, project_id=project.public_id
        ),
        "PDF from the content": lambda: services.render_report_pdf(
            preview.content, {"number": 1, "issued_at": None, "issued_by": "bench"}
        ),
        "issue (content + body + PDF + insert)": lambda: services.report_issue(
            who=pm, project_id=project.public_id
        ),
    }
    for name, fn in steps.items():
        median, worst = _median_ms(fn, args.n)
        print(f"{name:40s} median {median:8.1f} ms   worst {worst:8.1f} ms")
    size = len(services.render_report_pdf(preview.content, None))
    print(f"PDF size {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
