"""Matching a plan's resources to an organisation's users, beside a plain linear scan.

Run by hand (not part of the test suite):

    uv run python benchmarks/interop/match_bench.py [--users 20000] [--resources 2000]

An import matches every work resource of the file against the project's members, then
against the organisation's other active users (by e-mail, then full name, then user
name). ``keystage.interop.services.People`` indexes the users once; the peer is the
scan of every user per resource that matching members used before. Users are unsaved
model instances: no database, only the matching is timed. Half of the resources match
(by e-mail or by name), half match no one. Prints CPU seconds (user+sys) of each.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
os.environ.setdefault("KEYSTAGE_DATA_DIR", "/tmp/keystage-match-bench")

import django

django.setup()

from keystage.accounts.models import User  # noqa: E402
from keystage.interop.services import People  # noqa: E402


def scan(resource_name: str, email: str, users: list[User]) -> User | None:
    """The linear scan (the peer): every user per resource."""
    if email:
        for user in users:
            if user.email and user.email.lower() == email.lower():
                return user
    name = " ".join(resource_name.lower().split())
    for user in users:
        if name and name in (user.get_full_name().lower(), user.username.lower()):
            return user
    return None


def cpu() -> float:
    """CPU seconds (user+sys) of this process so far."""
    times = os.times()
    return times.user + times.system


def main() -> None:
    """Time both ways and check that they agree."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--resources", type=int, default=2_000)
    args = parser.parse_args()
    users = [
        User(pk=i, username=f"user{i}", first_name=f"First{i}", last_name="Last",
             email=f"user{i}@example.test")
        for i in range(args.users)
    ]  # fmt: skip
    step = max(1, args.users // args.resources)
    resources = []
    for r in range(args.resources):
        i = (r * step) % args.users
        if r % 4 == 0:
            resources.append((f"Someone {r}", f"USER{i}@example.test"))  # by e-mail
        elif r % 4 == 1:
            resources.append((f"first{i}  last", ""))  # by full name
        else:
            resources.append((f"Contractor {r}", f"c{r}@elsewhere.test"))  # no one
    began = cpu()
    index = People(users)
    ours = [index.match(name, email) for name, email in resources]
    indexed = cpu() - began
    began = cpu()
    theirs = [scan(name, email, users) for name, email in resources]
    scanned = cpu() - began
    assert [u.pk if u else None for u in ours] == [u.pk if u else None for u in theirs]
    matched = sum(1 for u in ours if u is not None)
    print(
        f"{args.resources} resources x {args.users} users ({matched} matched): "
        f"index {indexed:.3f} s CPU, linear scan {scanned:.2f} s CPU"
    )


if __name__ == "__main__":
    main()
