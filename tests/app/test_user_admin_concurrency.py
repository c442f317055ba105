"""Two admins demoting each other at the same moment: the organisation keeps one admin."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from keystage.accounts.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("change", [{"org_role": "member"}, {"is_active": False}])
def test_two_admins_removing_each_other_leave_one_admin(world, api, change):
    second = make_user("admin2", world.org, "admin")
    pairs = [(world.admin, second), (second, world.admin)]
    clients = [api(who) for who, _ in pairs]
    barrier = threading.Barrier(2)
    codes: list[int] = []
    lock = threading.Lock()

    def remove(i: int) -> None:
        try:
            target = pairs[i][1]
            barrier.wait(timeout=30)
            response = clients[i].patch(
                f"/api/v1/org/users/{target.public_id}/", {**change, "version": 1}, format="json"
            )
            with lock:
                codes.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=remove, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes)[0] == 200
    assert sorted(codes)[1] in (401, 403), codes  # the loser is no admin any more
    admins = User.objects.filter(organisation=world.org, org_role="admin", is_active=True)
    assert admins.count() == 1
