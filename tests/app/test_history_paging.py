"""The project's history over the API: every entry reachable, page by page, newest first."""

from __future__ import annotations

import pytest

from keystage.core.audit import audit_record
from keystage.core.limits import MAX_PAGE_SIZE
from keystage.core.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_history(world):
    """More than 500 journal entries on project A (plus its own creation entries)."""
    for i in range(620):
        audit_record(
            who=world.a["project_manager"],
            obj=world.project_a,
            action=AuditAction.UPDATE,
            project=world.project_a,
            summary=f"Edit {i}",
        )
    return AuditEntry.objects.filter(project=world.project_a).count()


def _url(world, query: str = "") -> str:
    return f"/api/v1/projects/{world.project_a.public_id}/history/{query}"


def test_every_entry_is_reachable_by_following_the_next_link(world, api, long_history):
    client = api(world.a["project_manager"])
    url, seen, pages = _url(world, "?limit=250"), [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        assert int(response["X-Total-Count"]) == long_history
        seen.extend(entry["id"] for entry in response.json())
        pages += 1
        link = response.get("Link", "")
        url = next(
            (part.split(";")[0].strip(" <>") for part in link.split(",") if 'rel="next"' in part),
            None,
        )
    assert long_history > 500 and pages == 3
    expected = [
        str(p)
        for p in AuditEntry.objects.filter(project=world.project_a)
        .order_by("-at", "-id")
        .values_list("public_id", flat=True)
    ]
    assert seen == expected  # all of them, newest first, none twice


def test_default_page_and_previous_link(world, api, long_history):
    client = api(world.a["project_manager"])
    first = client.get(_url(world))
    assert len(first.json()) == 100 and 'rel="next"' in first["Link"]
    assert 'rel="prev"' not in first["Link"]
    last = client.get(_url(world, f"?offset={long_history - 5}"))
    assert len(last.json()) == 5
    assert 'rel="prev"' in last["Link"] and 'rel="next"' not in last["Link"]
    beyond = client.get(_url(world, "?offset=100000"))
    assert beyond.status_code == 200 and beyond.json() == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"?limit={MAX_PAGE_SIZE + 1}", "limit"),
        ("?limit=0", "limit"),
        ("?limit=abc", "limit"),
        (f"?limit={2**63}", "limit"),
        ("?offset=-1", "offset"),
        (f"?offset={2**63}", "offset"),
        ("?offset=1e308", "offset"),
    ],
)
def test_out_of_range_paging_is_a_field_error(world, api, query, field):
    response = api(world.a["project_manager"]).get(_url(world, query))
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_outsiders_still_see_nothing(world, api):
    assert api(world.b["project_manager"]).get(_url(world)).status_code == 404


def test_the_default_paginator_of_generic_lists_is_bounded(rf):
    """Any generic list view pages with the same bounds (DRF's own clamps nothing)."""
    from django.conf import settings
    from rest_framework.request import Request

    from keystage.core.errors import InvalidInput
    from keystage.core.paging import BoundedLimitOffsetPagination

    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"].endswith(
        "BoundedLimitOffsetPagination"
    )
    paginator = BoundedLimitOffsetPagination()
    assert paginator.get_limit(Request(rf.get("/x/"))) == 100
    for query in (f"?limit={2**70}", f"?offset={2**70}", "?limit=501"):
        with pytest.raises(InvalidInput):
            paginator.get_offset(Request(rf.get("/x/" + query)))
            paginator.get_limit(Request(rf.get("/x/" + query)))
