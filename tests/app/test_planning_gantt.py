"""The Gantt page and API over HTTP: bars for every task, critical marks, baseline shadows,
JSON and SVG, a constant number of queries, who may drag, and who sees nothing."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keystage.planning.models import Baseline, BaselineTask, Dependency, Task
from keystage.planning.services import wbs

pytestmark = pytest.mark.django_db

NS = "{http://www.w3.org/2000/svg}"


def plan(world, phases: int, per_phase: int = 4) -> list[Task]:
    """Project A: ``phases`` summaries, each with ``per_phase`` chained tasks and a milestone."""
    rows, links = [], []
    for p in range(phases):
        rows.append({"name": f"Phase {p + 1}", "outline_level": 1})
        first = len(rows)
        for t in range(per_phase):
            rows.append(
                {"name": f"Task {p + 1}.{t + 1}", "outline_level": 2, "duration_minutes": 960}
            )
        rows.append({"name": f"Gate {p + 1}", "outline_level": 2, "kind": "milestone"})
        # a chain, with the second task of each phase off the critical path
        chain = [first, first + 2, *range(first + 3, len(rows))]
        links += [(a, b, "FS", 0) for a, b in itertools.pairwise(chain)]
        links.append((first, first + 1, "FS", 0))
        if p:
            links.append((first - 2, first, "FS", 0))  # previous gate → this phase
    return wbs.plan_append(
        who=world.a["project_manager"], project=world.project_a, rows=rows, links=links
    )


def page_url(world, query: str = "") -> str:
    return f"/projects/{world.project_a.public_id}/gantt/{query}"


def api_url(world, query: str = "") -> str:
    return f"/api/v1/projects/{world.project_a.public_id}/gantt/{query}"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def svg_of(html: str) -> ET.Element:
    match = re.search(r"<svg xmlns=.*?</svg>", html, re.S)  # the chart, not an icon
    assert match, "no inline SVG"
    return ET.fromstring(match.group(0))  # noqa: S314 - our own output, parsed to check it


def shapes(root: ET.Element) -> dict[str, ET.Element]:
    return {el.get("data-task-id"): el for el in root.iter() if el.get("data-task-id")}


def baseline_for(world, tasks: list[Task], *, shift_days: int = -3, number: int = 1) -> Baseline:
    """A captured baseline, written directly: every task as it stood ``shift_days`` away."""
    baseline = Baseline.objects.create(
        project=world.project_a, number=number, name=f"Approved plan {number}"
    )
    shift = dt.timedelta(days=shift_days)
    BaselineTask.objects.bulk_create(
        BaselineTask(
            baseline=baseline,
            task=task,
            task_public_id=task.public_id,
            row=task.row,
            wbs_code=task.wbs_code,
            name=task.name,
            kind=task.kind,
            is_summary=task.is_summary,
            start_at=task.start_at + shift,
            finish_at=task.finish_at + shift,
            duration_minutes=task.duration_minutes,
        )
        for task in tasks
    )
    return baseline


def test_page_draws_a_bar_for_every_task_and_marks_the_critical_ones(world):
    plan(world, 3)
    response = signed_in(world.a["project_manager"]).get(page_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    tasks = {str(t.public_id): t for t in Task.objects.filter(project=world.project_a)}
    drawn = shapes(svg_of(html))
    assert set(drawn) == set(tasks)
    for task_id, shape in drawn.items():
        task = tasks[task_id]
        expected = {"task": f"{NS}rect", "milestone": f"{NS}polygon"}[task.kind]
        assert shape.tag == (f"{NS}path" if task.is_summary else expected)
        marked = "ks-critical" in shape.get("class", "")
        assert marked == (task.is_critical and not task.is_summary), task.name
    assert any(t.is_critical for t in tasks.values())
    assert not all(t.is_critical for t in tasks.values() if not t.is_summary)
    # The tab is there and current; the table and time scale are pinnable groups.
    assert re.search(r'href="[^"]*/gantt/" aria-current="page">Gantt<', html)
    root = svg_of(html)
    assert [g.get("class") for g in root if g.tag == f"{NS}g"][-3:] == [
        "ks-table",
        "ks-header",
        "ks-corner",
    ]
    assert "Data date" in html and "Today" in html


def test_the_page_knows_where_today_and_the_plan_start_are_drawn(world):
    """The "Today" and "Plan start" buttons scroll to the x where the chart draws them."""
    plan(world, 2)
    for zoom in ("day", "week", "month"):
        html = signed_in(world.a["project_manager"]).get(page_url(world) + f"?zoom={zoom}")
        html = html.content.decode()
        today_line = re.search(r'<line x1="([-\d.]+)"[^>]*/><text [^>]*>Today ', html)
        assert today_line, zoom
        today_x = re.search(r'data-today-x="([-\d.]+)"', html)
        start_x = re.search(r'data-start-x="([-\d.]+)"', html)
        assert today_x and start_x, zoom
        assert float(today_x.group(1)) == pytest.approx(float(today_line.group(1))), zoom
        first = min(shapes(svg_of(html)).values(), key=lambda e: float(e.get("x", "1e9")))
        # The plan start is the first task's day: its bar begins within that day.
        day_px = float(re.search(r'data-px-per-day="([\d.]+)"', html).group(1))
        assert 0 <= float(first.get("x")) - float(start_x.group(1)) < day_px, zoom
        assert 'id="gantt-goto"' in html and 'data-goto="today"' in html


def test_a_plan_under_way_opens_on_today_and_one_to_come_on_its_start(world):
    pm = world.a["project_manager"]
    plan(world, 2)  # starts 2027-01-04, after today
    html = signed_in(pm).get(page_url(world)).content.decode()
    assert 'data-opens-at="start"' in html
    Task.objects.filter(project=world.project_a).delete()
    today = timezone.localdate()
    world.project_a.start_date = today - dt.timedelta(days=10)
    world.project_a.save(update_fields=["start_date"])
    tasks = plan(world, 3)  # three phases of about two weeks from ten days ago: under way
    html = signed_in(pm).get(page_url(world)).content.decode()
    assert 'data-opens-at="today"' in html
    # "Today" also brings the first unfinished task (not its phase's summary) into view.
    ordered = sorted(Task.objects.filter(project=world.project_a), key=lambda t: t.row)
    first_open = next(
        i
        for i, t in enumerate(ordered)
        if not t.is_summary and timezone.localtime(t.finish_at).date() >= today
    )
    assert 0 < first_open < len(tasks) - 1
    assert f'data-today-row="{first_open}"' in html


def test_zoom_changes_the_scale_and_a_bad_zoom_is_refused(world):
    plan(world, 1)
    client = signed_in(world.a["project_manager"])
    widths = {}
    for zoom in ("day", "week", "month"):
        response = client.get(page_url(world, f"?zoom={zoom}"))
        assert response.status_code == 200
        assert f'data-zoom="{zoom}"' in response.content.decode()
        bar = next(
            el for el in shapes(svg_of(response.content.decode())).values() if el.tag == f"{NS}rect"
        )
        widths[zoom] = float(bar.get("width", 0))
    assert widths["day"] > widths["week"] > widths["month"]
    assert client.get(page_url(world, "?zoom=year")).status_code == 400


def test_baseline_shadow_bars_appear_when_a_baseline_exists(world):
    tasks = plan(world, 2)
    client = signed_in(world.a["project_manager"])
    html = client.get(page_url(world)).content.decode()
    assert 'class="ks-baseline"' not in html and "baseline-select" not in html
    old = baseline_for(world, tasks, number=1)
    latest = baseline_for(world, tasks, shift_days=5, number=2)

    html = client.get(page_url(world)).content.decode()
    root = svg_of(html)
    shadows = [el for el in root.iter(f"{NS}rect") if el.get("class") == "ks-baseline"]
    assert len(shadows) == sum(t.kind != "milestone" for t in tasks)
    assert f'<option value="{latest.public_id}" selected>' in html  # the latest by default
    assert "Baseline 2" in html

    # Another baseline draws its own dates; "none" hides the shadows.
    first_old = client.get(page_url(world, f"?baseline={old.public_id}")).content.decode()
    x_latest = min(float(el.get("x", 0)) for el in shadows)
    old_shadows = [
        el for el in svg_of(first_old).iter(f"{NS}rect") if el.get("class") == "ks-baseline"
    ]
    assert min(float(el.get("x", 0)) for el in old_shadows) < x_latest
    hidden = client.get(page_url(world, "?baseline=none")).content.decode()
    assert 'class="ks-baseline"' not in hidden
    assert client.get(page_url(world, "?baseline=not-a-baseline")).status_code == 400


def test_editors_get_drag_handles_and_viewers_a_static_chart(world):
    plan(world, 1)
    editor = signed_in(world.a["project_manager"]).get(page_url(world)).content.decode()
    assert 'data-editable="true"' in editor
    assert 'id="gantt-tasks"' in editor and 'id="gantt-calendar"' in editor
    assert "Drag a bar" in editor
    viewer = signed_in(world.a["stakeholder"]).get(page_url(world))
    assert viewer.status_code == 200
    html = viewer.content.decode()
    assert len(shapes(svg_of(html))) == Task.objects.filter(project=world.project_a).count()
    assert "data-editable" not in html and 'id="gantt-tasks"' not in html
    assert "Drag a bar" not in html


def test_drag_data_carries_versions_kinds_and_dates(world):
    plan(world, 1)
    html = signed_in(world.a["project_manager"]).get(page_url(world)).content.decode()
    match = re.search(r'<script id="gantt-tasks" type="application/json">(.*?)</script>', html)
    assert match
    meta = json.loads(match.group(1))
    for task in Task.objects.filter(project=world.project_a):
        version, kind, start, finish, minutes = meta[str(task.public_id)]
        assert version == task.version and minutes == task.duration_minutes
        assert kind == ("s" if task.is_summary else task.kind[0])
        assert start == task.start_at.date().isoformat()
        assert finish == task.finish_at.date().isoformat()


def test_partial_answers_the_chart_alone(world):
    plan(world, 1)
    response = signed_in(world.a["project_manager"]).get(page_url(world, "?partial=chart"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<p class="gantt-facts"') and "<nav" not in html
    assert '<div class="gantt-scroll"' in html
    critical = Task.objects.filter(project=world.project_a, is_critical=True).count()
    assert f"6 rows · finishes 11 Jan 2027 · {critical} critical" in html
    assert len(shapes(svg_of(html))) == 6


def test_an_empty_plan_says_so(world):
    response = signed_in(world.a["project_manager"]).get(page_url(world))
    assert response.status_code == 200
    assert "No tasks yet" in response.content.decode()
    assert "<svg xmlns" not in response.content.decode()  # no chart (icons aside)


def test_non_members_get_404(world, api):
    plan(world, 1)
    for user in (world.outsider, world.b["project_manager"]):
        assert signed_in(user).get(page_url(world)).status_code == 404
        assert api(user).get(api_url(world)).status_code == 404
        assert api(user).get(api_url(world, "?format=svg")).status_code == 404
    assert Client().get(page_url(world)).status_code == 302
    assert api().get(api_url(world)).status_code in (401, 403)


def test_api_json_rows_and_links(world, api):
    tasks = plan(world, 2)
    baseline_for(world, tasks)
    response = api(world.a["stakeholder"]).get(api_url(world))
    assert response.status_code == 200
    body = response.json()
    assert body["project"] == str(world.project_a.public_id)
    assert body["baseline"]["number"] == 1 and len(body["baselines"]) == 1
    rows = body["rows"]
    stored = list(Task.objects.filter(project=world.project_a).order_by("row"))
    assert [r["id"] for r in rows] == [str(t.public_id) for t in stored]
    first, leaf, gate = rows[0], rows[1], rows[5]
    assert (first["wbs"], first["level"], first["kind"]) == ("1", 1, "summary")
    assert (leaf["wbs"], leaf["level"], leaf["kind"]) == ("1.1", 2, "task")
    assert gate["kind"] == "milestone"
    assert dt.datetime.fromisoformat(leaf["start"]) == stored[1].start_at
    assert dt.datetime.fromisoformat(leaf["baseline_start"]) == stored[1].start_at - dt.timedelta(
        days=3
    )
    assert [r["critical"] for r in rows] == [t.is_critical for t in stored]
    assert [r["version"] for r in rows] == [t.version for t in stored]
    links = {(link["predecessor"], link["successor"], link["type"]) for link in body["links"]}
    assert (rows[1]["id"], rows[3]["id"], "FS") in links
    assert len(body["links"]) == 9  # four per phase and one between them
    assert (
        api(world.a["stakeholder"]).get(api_url(world, "?baseline=none")).json()["baseline"] is None
    )
    bad = api(world.a["stakeholder"]).get(api_url(world, "?baseline=0000"))
    assert bad.status_code == 400 and "baseline" in bad.json()["errors"]


def test_api_svg(world, api):
    plan(world, 2)
    client = api(world.a["stakeholder"])
    response = client.get(api_url(world, "?format=svg&zoom=day"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert 'filename="PRJ-A-gantt.svg"' in response["Content-Disposition"]
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    assert len(shapes(root)) == 12
    assert "day scale" in (root.findtext(f"{NS}desc") or "")
    accepted = client.get(api_url(world), HTTP_ACCEPT="image/svg+xml")
    assert accepted.status_code == 200 and accepted.content.startswith(b"<svg")
    bad = client.get(api_url(world, "?format=svg&zoom=year"))
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"
    assert "zoom" in bad.json()["errors"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_plan(world, api):
    pm = world.a["project_manager"]
    page, rest = signed_in(pm), api(pm)
    urls = [page_url(world), api_url(world), api_url(world, "?format=svg")]
    tasks = plan(world, 2)  # 12 rows
    baseline_for(world, tasks)
    small = [_queries(page if i == 0 else rest, url) for i, url in enumerate(urls)]
    tasks += plan(world, 7)  # 54 rows
    Baseline.objects.all().delete()
    baseline_for(world, list(Task.objects.filter(project=world.project_a)))
    assert Task.objects.filter(project=world.project_a).count() == 54
    large = [_queries(page if i == 0 else rest, url) for i, url in enumerate(urls)]
    assert small == large, (small, large)
    assert max(large) <= 13  # 12 + the header bell's unread count


def test_dragging_is_a_snet_patch_that_moves_the_successors(world, api):
    """The request the page sends after a drag, and the answers it handles."""
    tasks = plan(world, 1)
    first, successor = tasks[1], tasks[3]
    client = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/tasks/{first.public_id}/"
    day = (first.start_at + dt.timedelta(days=7)).date()
    moved = client.patch(
        url,
        {"constraint_type": "SNET", "constraint_date": day.isoformat()},
        format="json",
        HTTP_IF_MATCH=str(first.version),
    )
    assert moved.status_code == 200
    assert moved.json()["constraint_type"] == "SNET"
    assert moved.json()["start_at"].startswith(day.isoformat())
    rows = {r["id"]: r for r in client.get(api_url(world)).json()["rows"]}
    assert rows[str(successor.public_id)]["start"] > successor.start_at.isoformat()
    stale = client.patch(
        url, {"duration_minutes": 480}, format="json", HTTP_IF_MATCH=str(first.version)
    )
    assert stale.status_code == 409
    bad = client.patch(
        url,
        {"constraint_type": "SNET", "constraint_date": "someday"},
        format="json",
        HTTP_IF_MATCH=str(first.version + 1),
    )
    assert bad.status_code == 400 and "constraint_date" in bad.json()["errors"]


def test_a_remembered_chart_follows_the_plan_and_the_time_zone(world):
    """Charts are remembered per process; an edit, a rename or another zone draws anew."""
    from keystage.planning.selectors import gantt

    tasks = plan(world, 1)
    client = signed_in(world.a["project_manager"])
    before = svg_of(client.get(page_url(world)).content.decode())
    again = client.get(page_url(world)).content.decode()
    assert gantt._drawn.cache_info().hits >= 1
    task = Task.objects.get(pk=tasks[1].pk)
    wbs.task_update(
        who=world.a["project_manager"],
        project=world.project_a,
        task=task,
        version=task.version,
        data={"name": "Renamed task", "duration_minutes": 2400},
    )
    after = svg_of(client.get(page_url(world)).content.decode())
    bar = shapes(after)[str(task.public_id)]
    assert bar.find(f"{NS}title").text.startswith("Renamed task")
    assert float(bar.get("width")) > float(shapes(before)[str(task.public_id)].get("width"))
    assert "Renamed task" not in again
    # 00:00 UTC is still the day before in Honolulu: the bars move left by ten hours.
    with timezone.override("Pacific/Honolulu"):
        far = svg_of(client.get(page_url(world)).content.decode())
    x = float(shapes(after)[str(tasks[2].public_id)].get("x"))
    assert float(shapes(far)[str(tasks[2].public_id)].get("x")) != x


def _max_lag_plan(world) -> dict[str, Task]:
    """Design (Mon–Tue) → Build FS +1 d, at most 3 d; Build → Test with no maximum."""
    rows = [
        {"name": "Design", "duration_minutes": 960},
        {"name": "Build", "duration_minutes": 960},
        {"name": "Test", "duration_minutes": 480},
    ]
    links = [(0, 1, "FS", 480, 1440), (1, 2, "FS", 0)]
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)
    return {t.name: t for t in Task.objects.filter(project=world.project_a)}


def test_a_link_with_a_maximum_lag_draws_its_window_and_says_it(world, api):
    """The bracket runs from the earliest allowed start (Design's finish + 1 working day)
    to the latest (+ 3 working days, over the weekend); a link without one has none."""
    tasks = _max_lag_plan(world)
    design, build, test = tasks["Design"], tasks["Build"], tasks["Test"]
    # Design ends Tuesday 5 January; a day's lag leaves Wednesday free: Build starts Thursday.
    assert build.start_at.date() == dt.date(2027, 1, 7)
    response = api(world.a["stakeholder"]).get(api_url(world, "?format=svg&zoom=day"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    marks = [g for g in root.iter(f"{NS}g") if "ks-maxlag" in g.get("class", "").split()]
    assert len(marks) == 1
    mark = marks[0]
    assert (mark.get("data-pred"), mark.get("data-succ")) == (
        str(design.public_id),
        str(build.public_id),
    )
    span = next(el for el in mark if el.get("class") == "ks-maxlag-span")
    x0, x1 = float(span.get("x1")), float(span.get("x2"))
    bar = shapes(root)[str(build.public_id)]
    assert x0 == pytest.approx(float(bar.get("x")))  # Build starts as early as allowed
    # Latest start: Friday's end + the weekend = Monday 11 January at the first shift:
    # four calendar days of 26 px after Thursday's start.
    assert x1 - x0 == pytest.approx(4 * 26)
    title = "Design → Build: FS +1 d, at most 3 d"
    assert mark.findtext(f"{NS}title").startswith(title)
    assert "may start from 7 Jan" in mark.findtext(f"{NS}title")
    links = {
        (p.get("data-pred"), p.get("data-succ")): p
        for p in root.iter(f"{NS}path")
        if p.get("data-pred")
    }
    bounded = links[str(design.public_id), str(build.public_id)]
    assert "ks-link-max" in bounded.get("class") and bounded.get("stroke-dasharray")
    assert bounded.findtext(f"{NS}title") == title
    plain = links[str(build.public_id), str(test.public_id)]
    assert plain.get("class") == "ks-link" and plain.find(f"{NS}title") is None
    assert not any(g.get("data-succ") == str(test.public_id) for g in marks)
    assert "1 link with a maximum lag" in (root.findtext(f"{NS}desc") or "")
    # The page shows the legend entry; the JSON keeps the minutes.
    html = signed_in(world.a["stakeholder"]).get(page_url(world)).content.decode()
    assert "Maximum lag</li>" in html and title in html
    body = api(world.a["stakeholder"]).get(api_url(world)).json()
    assert sorted(link["max_lag_minutes"] or 0 for link in body["links"]) == [0, 1440]
    # The JSON dates the window too: Thursday's first shift to Monday's.
    by_succ = {link["successor"]: link for link in body["links"]}
    window = by_succ[str(build.public_id)]
    first = dt.datetime.fromisoformat(window["allowed_from"])
    last = dt.datetime.fromisoformat(window["allowed_until"])
    assert first == build.start_at and last.date() == dt.date(2027, 1, 11)
    assert last.time() == first.time()
    assert by_succ[str(test.public_id)]["allowed_from"] is None


def test_a_gantt_without_maximum_lags_has_no_window_nor_legend_entry(world):
    plan(world, 1)
    html = signed_in(world.a["stakeholder"]).get(page_url(world)).content.decode()
    assert "ks-maxlag" not in html and "ks-link-max" not in html
    assert "Maximum lag</li>" not in html


def test_maximum_lag_windows_cost_a_constant_number_of_queries(world, api):
    """The calendar is read once for every window, however many links have a maximum."""
    tasks = _max_lag_plan(world)
    pm = world.a["project_manager"]
    url = api_url(world, "?format=svg")
    one = _queries(api(pm), url)
    Dependency.objects.filter(successor=tasks["Test"]).update(max_lag_minutes=960)
    assert _queries(api(pm), url) == one


def test_a_maximum_beyond_the_calendar_draws_the_link_without_a_window(world, api):
    """A Monday-only, eight-hour calendar and the longest maximum the field takes: the
    latest start lies past the calendar's horizon, so the link is drawn dashed with its
    words and no bracket; a lead reaching back decades likewise. No 500 either way."""
    from keystage.planning.services import calendar as calendar_services

    tasks = _max_lag_plan(world)
    pm = world.a["project_manager"]
    calendar_services.calendar_save(
        who=pm, project=world.project_a, version=None,
        data={"working_weekdays": "1", "shifts": "09:00-13:00,14:00-18:00"},
    )  # fmt: skip
    Dependency.objects.filter(successor=tasks["Build"]).update(max_lag_minutes=60 * 24 * 3650)
    Dependency.objects.filter(successor=tasks["Test"]).update(
        lag_minutes=-60 * 24 * 3000, max_lag_minutes=-60 * 24 * 2900
    )
    for url in (api_url(world, "?format=svg"), api_url(world)):
        assert api(world.a["stakeholder"]).get(url).status_code == 200
    links = api(world.a["stakeholder"]).get(api_url(world)).json()["links"]
    assert {(k["allowed_from"], k["allowed_until"]) for k in links} == {(None, None)}
    response = signed_in(world.a["stakeholder"]).get(page_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ks-maxlag-span" not in html  # neither window can be dated
    assert html.count("ks-link-max") == 2 and "Design → Build: FS +1 d, at most" in html
