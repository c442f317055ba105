"""Cost actuals: expenses and supplier invoices (services, API, pages, files), their rules,
who may record them, and the budget against actuals with the plain forecast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.models import AuditAction, AuditEntry
from keystage.costs import actuals as actuals_mod
from keystage.costs import services as budget_services
from keystage.costs.actuals import actual_costs, budget_actuals
from keystage.costs.models import CostEntry
from keystage.costs.records import COSTS
from keystage.planning.services import wbs
from keystage.portfolio.models import Project
from keystage.resources import supplies
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

D = Decimal
START = dt.date(2026, 9, 1)


def _in_execution(project: Project) -> Project:
    """Move the project's start into the past (costs are dated between its start and today)."""
    Project.objects.filter(pk=project.pk).update(
        start_date=START, target_date=START + dt.timedelta(days=300), stage="execution"
    )
    project.refresh_from_db()
    return project


@pytest.fixture
def a(world):
    return _in_execution(world.project_a)


@pytest.fixture
def b(world):
    return _in_execution(world.project_b)


def _invoice(**extra) -> dict:
    return {
        "kind": "invoice",
        "category": "services",
        "description": "Migration partner, sprint 1",
        "amount": D("12000.00"),
        "date": dt.date(2026, 10, 15),
        "supplier": "Contoso Consulting",
        "reference": "INV-1001",
        **extra,
    }


def _base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


# ------------------------------------------------------------------ services and rules


def test_record_a_cost_journaled_and_versioned(world, a):
    pm = world.a["project_manager"]
    entry = COSTS.create(who=pm, project=a, data=_invoice())
    assert (entry.amount, entry.version, entry.project_id) == (D("12000.00"), 1, a.pk)
    edited = COSTS.update(who=pm, record=entry, version=1, changes={"amount": D("12500")})
    assert edited.version == 2 and edited.amount == D("12500.00")
    COSTS.delete(who=pm, record=edited, version=2)
    actions = list(
        AuditEntry.objects.filter(object_type="costentry", project=a)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": D("0")}, "amount"),
        ({"amount": D("-5")}, "amount"),
        ({"date": dt.date(2026, 8, 31)}, "date"),  # before the project's start
        ({"date": dt.date(1850, 1, 1)}, "date"),  # absurd
        ({"date": dt.date(2190, 1, 1)}, "date"),  # absurd, and in the future
        ({"supplier": ""}, "supplier"),  # an invoice names its supplier
        ({"reference": ""}, "reference"),
        ({"category": "bribes"}, "category"),
        ({"kind": "gift"}, "kind"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(world, a, changes, field):
    with pytest.raises(InvalidInput) as caught:
        COSTS.create(who=world.a["project_manager"], project=a, data=_invoice(**changes))
    assert field in caught.value.errors
    assert not CostEntry.objects.exists()
    assert not AuditEntry.objects.filter(object_type="costentry").exists()


def test_a_future_date_is_refused(world, a):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as caught:
        COSTS.create(who=world.a["project_manager"], project=a, data=_invoice(date=tomorrow))
    assert caught.value.errors["date"] == ["An actual cost is dated today or earlier."]


def test_duplicate_invoice_number_per_supplier(world, a):
    pm = world.a["project_manager"]
    COSTS.create(who=pm, project=a, data=_invoice())
    with pytest.raises(InvalidInput) as caught:
        COSTS.create(
            who=pm, project=a, data=_invoice(supplier="contoso consulting", reference="inv-1001")
        )
    assert "already recorded" in caught.value.errors["reference"][0]
    # The same number from another supplier is another invoice; an expense needs none.
    COSTS.create(who=pm, project=a, data=_invoice(supplier="Fabrikam"))
    COSTS.create(who=pm, project=a, data=_invoice(kind="expense", supplier="", reference=""))
    assert CostEntry.objects.count() == 3
    # Editing an invoice keeps its own number.
    first = CostEntry.objects.get(supplier="Contoso Consulting")
    COSTS.update(who=pm, record=first, version=1, changes={"description": "Sprint 1"})


def test_task_and_purchase_of_another_project_are_refused(world, a, b):
    pm_a = world.a["project_manager"]
    theirs = wbs.task_create(who=world.b["project_manager"], project=b, data={"name": "B task"})
    their_item = supplies.procurement_create(
        who=world.b["project_manager"], project=b, data={"name": "B server", "cost": D("10")}
    )
    for field, value in (("task", theirs), ("procurement_item", their_item)):
        with pytest.raises(InvalidInput) as caught:
            COSTS.create(who=pm_a, project=a, data=_invoice(**{field: value}))
        assert list(caught.value.errors) == [field]
    ours = wbs.task_create(who=pm_a, project=a, data={"name": "A task"})
    entry = COSTS.create(who=pm_a, project=a, data=_invoice(task=ours))
    with pytest.raises(InvalidInput):
        COSTS.update(who=pm_a, record=entry, version=1, changes={"task": theirs})
    assert not CostEntry.objects.filter(project=b).exists()


@pytest.mark.parametrize(
    "state", [{"status": "cancelled"}, {"status": "completed"}, {"stage": "closed"}]
)
def test_no_costs_on_a_closed_or_cancelled_project(world, a, state):
    pm = world.a["project_manager"]
    entry = COSTS.create(who=pm, project=a, data=_invoice())
    Project.objects.filter(pk=a.pk).update(**state)
    a.refresh_from_db()
    # closed, completed or cancelled: read-only at the chokepoint (403 with the reason)
    refused = Forbidden
    with pytest.raises(refused) as caught:
        COSTS.create(who=pm, project=a, data=_invoice(reference="INV-2"))
    assert "can be read" in str(caught.value) or "non_field_errors" in caught.value.errors
    entry.project = a
    with pytest.raises(refused):
        COSTS.update(who=pm, record=entry, version=1, changes={"amount": D("1")})
    with pytest.raises(refused):
        COSTS.delete(who=pm, record=entry, version=1)
    assert CostEntry.objects.get().version == 1


def test_only_the_project_manager_records_costs(world, a):
    for role in ("team_member", "stakeholder", "sponsor"):
        with pytest.raises(Forbidden):
            COSTS.create(who=world.a[role], project=a, data=_invoice())
    assert not CostEntry.objects.exists()


# ------------------------------------------------------------------ API and access


def test_api_add_read_edit_remove_with_task(world, a, api):
    pm = api(world.a["project_manager"])
    task = wbs.task_create(who=world.a["project_manager"], project=a, data={"name": "Cutover"})
    url = _base(a) + "costs/"
    body = {
        "kind": "invoice",
        "category": "services",
        "description": "Cutover support",
        "amount": "4200.50",
        "date": "2026-11-02",
        "supplier": "Contoso",
        "reference": "C-7",
        "task": str(task.public_id),
    }
    created = pm.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    record = created.json()
    assert (record["amount"], record["task"], record["attachment_name"]) == (
        "4200.50",
        str(task.public_id),
        "",
    )
    detail = f"{url}{record['id']}/"
    assert pm.patch(detail, {"amount": "4300"}, format="json").status_code == 428
    assert pm.patch(detail, {"amount": "4300", "version": 1}, format="json").status_code == 200
    assert pm.patch(detail, {"amount": "1", "version": 1}, format="json").status_code == 409
    duplicate = pm.post(url, body, format="json")
    assert duplicate.status_code == 400 and "reference" in duplicate.json()["errors"]
    zero = pm.post(url, {**body, "reference": "C-8", "amount": "0"}, format="json")
    assert zero.status_code == 400 and "amount" in zero.json()["errors"]
    assert [row["amount"] for row in pm.get(url).json()] == ["4300.00"]
    assert pm.delete(detail + "?version=2").status_code == 204
    assert not CostEntry.objects.exists()


def test_api_refuses_another_projects_task_and_members_of_b(world, a, b, api):
    theirs = wbs.task_create(who=world.b["project_manager"], project=b, data={"name": "B task"})
    body = {**{k: str(v) for k, v in _invoice().items()}, "task": str(theirs.public_id)}
    response = api(world.a["project_manager"]).post(_base(a) + "costs/", body, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["task"]
    entry = COSTS.create(who=world.a["project_manager"], project=a, data=_invoice())
    detail = f"{_base(a)}costs/{entry.public_id}/"
    pm_b = api(world.b["project_manager"])
    assert pm_b.get(_base(a) + "costs/").status_code == 404
    assert pm_b.get(detail).status_code == 404
    assert pm_b.get(_base(a) + "budget/actuals/").status_code == 404
    assert pm_b.post(_base(a) + "costs/", body, format="json").status_code == 404
    # Not through B's URL either.
    assert pm_b.get(f"{_base(b)}costs/{entry.public_id}/").status_code == 404
    viewer = api(world.a["stakeholder"])
    assert viewer.get(detail).status_code == 200
    assert viewer.patch(detail, {"amount": "1", "version": 1}, format="json").status_code == 403
    dev = api(world.a["team_member"])
    assert dev.get(_base(a) + "costs/").status_code == 200
    good = {k: str(v) for k, v in _invoice(reference="X-1").items()}
    assert dev.post(_base(a) + "costs/", good, format="json").status_code == 403
    assert CostEntry.objects.count() == 1


def test_api_file_upload_download_remove(world, a, api, settings):
    pm = api(world.a["project_manager"])
    entry = COSTS.create(who=world.a["project_manager"], project=a, data=_invoice())
    url = f"{_base(a)}costs/{entry.public_id}/file/"
    assert pm.get(url).status_code == 404
    pdf = SimpleUploadedFile("../../INV-1001.pdf", b"%PDF-1.4 invoice", "text/html")
    up = pm.post(url, {"file": pdf, "version": 1}, format="multipart")
    assert up.status_code == 200, up.json()
    assert (up.json()["attachment_name"], up.json()["attachment_type"]) == (
        "INV-1001.pdf",
        "application/pdf",
    )
    download = pm.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 invoice"
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url).status_code == 200
    assert viewer.delete(url + "?version=2").status_code == 403
    assert api(world.b["project_manager"]).get(url).status_code == 404
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 20)
    too_big = pm.post(url, {"file": big, "version": 2}, format="multipart")
    assert too_big.status_code == 400 and "file" in too_big.json()["errors"]
    assert pm.delete(url + "?version=1").status_code == 409
    assert pm.delete(url + "?version=2").status_code == 200
    entry.refresh_from_db()
    assert (entry.attachment_name, entry.version) == ("", 3)
    assert AuditEntry.objects.filter(summary__startswith="Attached 'INV-1001.pdf'").exists()


# ------------------------------------------------------------------ actuals


def test_actuals_by_month_and_category_with_labour_input(world, a):
    pm = world.a["project_manager"]
    COSTS.create(who=pm, project=a, data=_invoice())
    COSTS.create(who=pm, project=a, data=_invoice(reference="INV-1002", date=dt.date(2026, 10, 31)))
    COSTS.create(
        who=pm,
        project=a,
        data=_invoice(
            kind="expense",
            category="travel",
            supplier="",
            reference="",
            amount=D("310.40"),
            date=dt.date(2026, 11, 3),
        ),
    )
    result = actual_costs(a, labour={dt.date(2026, 11, 17): D("800")})
    assert result.by_month == {
        dt.date(2026, 10, 1): {"services": D("24000.00")},
        dt.date(2026, 11, 1): {"travel": D("310.40"), "labour": D("800")},
    }
    assert result.by_category == {
        "services": D("24000.00"),
        "travel": D("310.40"),
        "labour": D("800"),
    }
    assert result.total == D("25110.40")
    # By default labour comes from the timesheets (wired by the lead): nothing yet.
    assert actuals_mod._labour_by_month(a.pk) == {}
    assert actual_costs(a).total == D("24310.40")


def test_budget_against_actuals_and_the_plain_forecast(world, a, api):
    pm = world.a["project_manager"]
    budget_services.budget_save(
        who=pm, project=a, version=None, data={"contingency_percent": D("10")}
    )
    # 10,000 planned in Sep 2026, 20,000 in Jan 2027 (one-day lines fall on their date).
    for name, amount, day in (
        ("Design", "10000", dt.date(2026, 9, 15)),
        ("Rollout", "20000", dt.date(2027, 1, 15)),
    ):
        budget_services.line_create(
            who=pm,
            project=a,
            data={"name": name, "category": "services", "amount": D(amount), "start_date": day},
        )
    COSTS.create(who=pm, project=a, data=_invoice(amount=D("14000")))
    today = dt.date(2026, 11, 20)
    plan, data = budget_actuals(who=pm, project=a, today=today)
    assert plan.cost_baseline == D("33000.00")
    assert data.months[0] == dt.date(2026, 9, 1) and data.months[-1] == dt.date(2027, 1, 1)
    assert data.planned_to_date == D("11000.00")  # September with its contingency
    assert data.actual_total == D("14000.00")
    assert data.remaining_budget == D("19000.00")
    assert data.remaining_planned == D("22000.00")
    assert data.forecast == D("36000.00")
    assert data.variance_at_completion == D("-3000.00")
    services = next(c for c in data.categories if c.key == "services")
    assert (services.planned, services.actual, services.overspent) == (
        D("30000"),
        D("14000.00"),
        False,
    )
    body = api(world.a["stakeholder"]).get(_base(a) + "budget/actuals/").json()
    assert body["currency"] == "EUR"
    assert (body["actual_cost"], body["cost_baseline"]) == ("14000.00", "33000.00")
    october = next(m for m in body["months"] if m["month"] == "2026-10")
    assert (october["actual"], october["actual_cumulative"]) == ("14000.00", "14000.00")
    assert next(m for m in body["months"] if m["month"] == "2027-01")["actual_cumulative"] is None


def test_overspent_category_is_flagged(world, a):
    pm = world.a["project_manager"]
    budget_services.line_create(
        who=pm,
        project=a,
        data={"name": "Trips", "category": "travel", "amount": D("100"), "start_date": START},
    )
    COSTS.create(
        who=pm,
        project=a,
        data=_invoice(category="travel", kind="expense", supplier="", reference=""),
    )
    _, data = budget_actuals(who=pm, project=a)
    travel = next(c for c in data.categories if c.key == "travel")
    assert travel.overspent and travel.variance == D("-11900.00")


# ------------------------------------------------------------------ pages


def test_pages_record_a_cost_and_see_it_on_the_budget(world, a):
    client = Client()
    client.login(username="pm_a", password=PASSWORD)
    new = f"/projects/{a.public_id}/costs/new/"
    assert client.get(new).status_code == 200
    form = {k: str(v) for k, v in _invoice().items()}
    bad = client.post(new, {**form, "amount": "0"})
    assert bad.status_code == 400 and "Enter an amount above zero." in bad.content.decode()
    assert client.post(new, form).status_code == 302
    listing = client.get(f"/projects/{a.public_id}/costs/").content.decode()
    assert "Migration partner, sprint 1" in listing and "€\xa012,000.00" in listing
    budget = client.get(f"/projects/{a.public_id}/budget/").content.decode()
    assert 'id="fig-actual"' in budget and "€\xa012,000.00" in budget
    assert "Actual cost" in budget
    dev = Client()
    dev.login(username="dev_a", password=PASSWORD)
    assert dev.get(new).status_code == 403
    assert dev.get(f"/projects/{a.public_id}/costs/").status_code == 200
    outsider = Client()
    outsider.login(username="pm_b", password=PASSWORD)
    assert outsider.get(f"/projects/{a.public_id}/costs/").status_code == 404


def test_page_file_upload_error_is_shown(world, a):
    entry = COSTS.create(who=world.a["project_manager"], project=a, data=_invoice())
    client = Client()
    client.login(username="pm_a", password=PASSWORD)
    url = f"/projects/{a.public_id}/costs/{entry.public_id}/file/"
    empty = client.post(url, {"version": 1, "file": SimpleUploadedFile("e.pdf", b"")})
    assert empty.status_code == 400 and "The file is empty." in empty.content.decode()
    ok = client.post(url, {"version": 1, "file": SimpleUploadedFile("r.txt", b"receipt")})
    assert ok.status_code == 302
    assert client.get(url).status_code == 200


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_budget_page_queries_do_not_grow_with_costs(world, a, api):
    pm = world.a["project_manager"]
    page = Client()
    page.force_login(pm)
    urls = (f"/projects/{a.public_id}/budget/", f"/projects/{a.public_id}/costs/")
    task = wbs.task_create(who=pm, project=a, data={"name": "Build"})

    def grow(n: int, offset: int) -> None:
        for i in range(n):
            COSTS.create(
                who=pm,
                project=a,
                data=_invoice(
                    reference=f"R-{offset + i}",
                    date=START + dt.timedelta(days=(offset + i) * 9 % 80),
                    category=("services", "travel", "licences")[i % 3],
                    task=task,
                ),
            )

    grow(2, 0)
    small = [_count(page, u) for u in urls] + [_count(api(pm), _base(a) + "budget/actuals/")]
    grow(25, 100)
    large = [_count(page, u) for u in urls] + [_count(api(pm), _base(a) + "budget/actuals/")]
    assert large == small


# ------------------------------------------------------------------ procurement tracking


def test_procurement_ordered_received_invoiced(world, a, api):
    pm = api(world.a["project_manager"])
    url = _base(a) + "procurement/"
    created = pm.post(
        url,
        {"name": "Firewall", "cost": "9000", "status": "ordered", "order_date": "2026-10-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    detail = f"{url}{created.json()['id']}/"
    early = pm.patch(
        detail,
        {"received_date": "2026-09-20", "received_amount": "9000", "version": 1},
        format="json",
    )
    assert early.status_code == 400 and "received_date" in early.json()["errors"]
    half = pm.patch(detail, {"invoiced_amount": "9500", "version": 1}, format="json")
    assert half.status_code == 400 and "invoiced_date" in half.json()["errors"]
    done = pm.patch(
        detail,
        {
            "status": "delivered",
            "delivery_date": "2026-10-20",
            "ordered_amount": "9200",
            "received_date": "2026-10-20",
            "received_amount": "9200",
            "invoiced_date": "2026-10-25",
            "invoiced_amount": "9500",
            "version": 1,
        },
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert (done.json()["received_amount"], done.json()["invoiced_amount"]) == (
        "9200.00",
        "9500.00",
    )
    planned = pm.post(
        url, {"name": "Switch", "cost": "100", "ordered_amount": "100"}, format="json"
    )
    assert planned.status_code == 400 and "ordered_amount" in planned.json()["errors"]
    negative = pm.patch(detail, {"received_amount": "-1", "version": 2}, format="json")
    assert negative.status_code == 400
    page = Client()
    page.force_login(world.a["project_manager"])
    team = page.get(f"/projects/{a.public_id}/team/").content.decode()
    assert "invoiced €\xa09,500.00" in team and "€\xa0500.00 over plan" in team
