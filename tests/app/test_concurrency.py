"""QUALITY.md C1: many clients edit the same record with the same version at once.

Exactly one wins; every other gets 409 with the current state; one journal entry.
Runs on whichever database the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from keystage.core.models import AuditEntry
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 20


def test_concurrent_patches_one_winner(world, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    clients = [api(world.a["project_manager"]) for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def edit(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[i].patch(url, {"name": f"Edit {i}", "version": 1}, format="json")
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    codes = sorted(code for code, _ in results)
    assert len(results) == CLIENTS
    assert codes.count(200) == 1, codes
    assert codes.count(409) == CLIENTS - 1, codes
    winner = next(body for code, body in results if code == 200)
    project = Project.objects.get(pk=world.project_a.pk)
    assert project.version == 2
    assert project.name == winner["name"]
    for code, body in results:
        if code == 409:
            assert body["current"]["version"] == 2
            assert body["current"]["name"] == winner["name"]
    updates = AuditEntry.objects.filter(object_id=project.public_id, action="update")
    assert updates.count() == 1
    assert updates.get().changes["name"] == ["Project A", winner["name"]]
