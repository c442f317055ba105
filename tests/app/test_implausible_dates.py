"""Dates at the calendar's ends in query parameters: a field error, never date arithmetic
run off the calendar (a 500)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/projects/{p}/status-report/?period_end=0001-01-02", "period_end"),
        ("/projects/{p}/status-report/?period_start=9999-12-25&period_end=9999-12-31", ""),
        ("/api/v1/projects/{p}/status-reports/?period_end=0001-01-02", ""),
        ("/api/v1/portfolio/resource-load/?from=9999-12-31", "from"),
        ("/api/v1/portfolio/resource-load/?from=0001-01-01&weeks=26", "from"),
        ("/api/v1/portfolio/resource-load/?weeks=" + "9" * 5000, "weeks"),
    ],
)
def test_dates_off_the_calendar_are_refused_as_field_errors(world, api, path, field):
    url = path.format(p=world.project_a.public_id)
    manager = world.a["project_manager"]
    if url.startswith("/api/"):
        response = api(manager).get(url)
    else:
        client = Client()
        client.force_login(manager)
        response = client.get(url)
    assert response.status_code < 500, response.status_code
    if field and url.startswith("/api/"):
        assert response.status_code == 400 and field in response.json()["errors"]
    elif field:
        assert response.status_code == 400 and b"1 Jan 1990" in response.content
