"""What the final report says, as a JSON-safe snapshot built from live data: the project's
heading and every registered section (see ``sections``). Issuing freezes this dict."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from keystage.closing.final_report.sections import build_sections


def final_report_content(*, project: Any) -> dict[str, Any]:
    """The final report of ``project`` (already read through the chokepoint, or the system's:
    the command line) from the data as they are now."""
    return {
        "project": {"code": project.code, "name": project.name, "id": str(project.public_id)},
        "generated_on": timezone.localdate().isoformat(),
        "sections": build_sections(project),
    }
