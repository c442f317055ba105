"""Sample plans for the SVG tests and for looking at the charts."""

from __future__ import annotations

from datetime import date, timedelta

from keystage.reporting.svg.gantt import GanttLink, GanttRow

START = date(2026, 3, 2)


def cloud_migration() -> tuple[list[GanttRow], list[GanttLink]]:
    """A small cloud-migration plan with every kind of row and link."""

    def day(n: int) -> date:
        return START + timedelta(days=n)

    spec = [
        # id, wbs, name, start, finish, milestone, summary, critical, pct, baseline shift, level
        ("1", "1", "Cloud migration", 0, 60, False, True, True, 35, 0, 0),
        ("2", "1.1", "Assessment", 0, 11, False, True, True, 100, 0, 1),
        ("3", "1.1.1", "Inventory applications", 0, 4, False, False, True, 100, 0, 2),
        ("4", "1.1.2", "Map dependencies", 7, 11, False, False, True, 100, -2, 2),
        ("5", "1.1.3", "Licence review", 2, 8, False, False, False, 100, 0, 2),
        ("6", "1.2", "Landing zone", 14, 32, False, True, True, 60, 0, 1),
        ("7", "1.2.1", "Network & VPN design", 14, 18, False, False, True, 100, 0, 2),
        (
            "8",
            "1.2.2",
            "Identity federation <script>alert(1)</script>",
            21,
            29,
            False,
            False,
            True,
            50,
            -3,
            2,
        ),
        ("9", "1.2.3", "Monitoring & alerting", 21, 25, False, False, False, 40, 0, 2),
        ("10", "1.2.4", "Landing zone ready", 32, 32, True, False, True, 0, -4, 2),
        ("11", "1.3", "Migration waves", 35, 56, False, True, True, 0, 0, 1),
        ("12", "1.3.1", "Wave 1: internal tools", 35, 42, False, False, True, 0, -4, 2),
        ("13", "1.3.2", "Wave 2: customer portal", 42, 53, False, False, True, 0, -4, 2),
        ("14", "1.3.3", "Data sync & cut-over rehearsal", 45, 49, False, False, False, 0, 0, 2),
        ("15", "1.3.4", "Decommission data centre", 53, 56, False, False, False, 0, 0, 2),
        ("16", "1.4", "Go-live", 59, 59, True, False, True, 0, -5, 1),
    ]
    rows = [
        GanttRow(
            id=i,
            wbs=w,
            name=n,
            start=day(s),
            finish=day(f),
            is_milestone=m,
            is_summary=su,
            is_critical=c,
            percent_complete=p,
            baseline_start=day(s + b),
            baseline_finish=day(f + b),
            level=lv,
        )
        for i, w, n, s, f, m, su, c, p, b, lv in spec
    ]
    links = [
        GanttLink("3", "4"),
        GanttLink("3", "5", "SS"),
        GanttLink("4", "7"),
        GanttLink("7", "8"),
        GanttLink("7", "9"),
        GanttLink("8", "10"),
        GanttLink("10", "12"),
        GanttLink("12", "13"),
        GanttLink("13", "14", "SS"),
        GanttLink("14", "13", "FF"),
        GanttLink("13", "15"),
        GanttLink("15", "16", "SF"),
        GanttLink("13", "16"),
    ]
    return rows, links


def big_plan(n: int = 2000) -> tuple[list[GanttRow], list[GanttLink]]:
    """``n`` chained tasks in ten-task groups, for timing."""
    rows, links = [], []
    for i in range(n):
        start = START + timedelta(days=(i // 10) * 3 + i % 7)
        rows.append(
            GanttRow(
                id=f"t{i}",
                wbs=f"{i // 10 + 1}.{i % 10 + 1}",
                name=f"Task number {i}",
                start=start,
                finish=start + timedelta(days=2 + i % 5),
                is_milestone=i % 50 == 49,
                is_critical=i % 3 == 0,
                percent_complete=float(i % 101),
                baseline_start=start - timedelta(days=1),
                baseline_finish=start + timedelta(days=3),
                level=1,
            )
        )
        if i:
            links.append(GanttLink(f"t{i - 1}", f"t{i}", ("FS", "SS", "FF", "SF")[i % 4]))  # type: ignore[arg-type]
    return rows, links
