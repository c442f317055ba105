"""Investment risk over HTTP: the business case flags ambiguous IRRs, shows MIRR and the
NPV tornado, and simulates with the case's runs, correlation and discount-rate range."""

from __future__ import annotations

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.initiation.models import BusinessCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_url(world, api):
    """The issue's flow: −1,600 now, +10,000 in period 1, −10,000 in period 2, at 10 %."""
    pm = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/initiation/business-case/"
    response = pm.put(url, {"discount_rate": "10.00", "horizon": 2}, format="json")
    assert response.status_code == 200, response.json()
    for name, kind, period, amount in (
        ("Build", "cost", 0, "1600"),
        ("Licence income", "benefit", 1, "10000"),
        ("Decommissioning", "cost", 2, "10000"),
    ):
        body = {
            "name": name,
            "kind": kind,
            "period_start": period,
            "amount_low": str(int(amount) * 9 // 10),
            "amount_likely": amount,
            "amount_high": str(int(amount) * 13 // 10),
        }
        assert pm.post(url + "lines/", body, format="json").status_code == 201
    return url


def test_two_irrs_are_flagged_with_mirr_and_a_tornado(world, api, case_url):
    body = api(world.a["stakeholder"]).get(case_url).json()
    results = body["results"]
    assert results["npv"] == "-773.55"
    assert results["irr_kind"] == "mixed"
    assert results["irr_rates"] == pytest.approx([0.25, 4.0])
    assert "IRR is ambiguous" in results["irr_warning"]
    assert results["mirr"] == pytest.approx(0.0559896, abs=1e-6)
    assert results["finance_rate"] == results["reinvest_rate"] == pytest.approx(0.10)
    # Swings: income 4,000 / 1.1 = 3,636; decommissioning 4,000 / 1.21 = 3,306; build 640.
    names = [bar["name"] for bar in results["tornado"]]
    assert names == ["Licence income", "Decommissioning", "Build"]
    assert body["simulation"]["runs"] == 5000


def test_settings_drive_mirr_and_the_simulation(world, api, case_url):
    pm = api(world.a["project_manager"])
    case = BusinessCase.objects.get(project=world.project_a)
    body = {
        "discount_rate": "10.00",
        "horizon": 2,
        "finance_rate": "6.00",
        "reinvest_rate": "12.00",
        "rate_low": "5.00",
        "rate_high": "20.00",
        "correlation": "0.50",
        "simulation_runs": 400,
        "version": case.version,
    }
    response = pm.put(case_url, body, format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["simulation"]["runs"] == 400 and data["simulation"]["correlation"] == 0.5
    assert data["simulation"]["rate_low"] == pytest.approx(0.05)
    # (10000 × 1.12) / (1600 + 10000 / 1.06²) = 11200 / 10499.82 → √ − 1 = 3.28 %
    assert data["results"]["mirr"] == pytest.approx((11200 / (1600 + 10000 / 1.06**2)) ** 0.5 - 1)
    assert "Discount rate" in [bar["name"] for bar in data["results"]["tornado"]]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"simulation_runs": 99}, "simulation_runs"),
        ({"simulation_runs": 100_001}, "simulation_runs"),
        ({"correlation": "0.96"}, "correlation"),
        ({"finance_rate": "-1"}, "finance_rate"),
        ({"rate_low": "12.00", "rate_high": "20.00"}, "rate_low"),
        ({"rate_low": "5.00"}, "rate_high"),
    ],
)
def test_bad_settings_write_nothing(world, api, case_url, change, field):
    pm = api(world.a["project_manager"])
    case = BusinessCase.objects.get(project=world.project_a)
    journal = AuditEntry.objects.count()
    body = {"discount_rate": "10.00", "horizon": 2, "version": case.version, **change}
    response = pm.put(case_url, body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert AuditEntry.objects.count() == journal
    assert BusinessCase.objects.get(pk=case.pk).version == case.version


def test_the_page_warns_and_draws_the_tornado(world, case_url):
    client = Client()
    client.force_login(world.a["sponsor"])
    page = client.get(f"/projects/{world.project_a.public_id}/initiation/").content.decode()
    assert 'id="irr-warning"' in page and "25.0%, 400.0%" in page
    assert 'id="mirr"' in page and "5.6%" in page
    assert 'id="npv-tornado"' in page and "What drives NPV" in page
