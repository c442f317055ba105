"""Export a 10,000-task project to MSPDI, whole process, beside MPXJ's own read of the file.

Builds (once per data directory) project BENCH-EXPORT: 10,000 tasks in 500 summaries of
19 tasks, ~9,500 finish-to-start and 500 start-to-start links, 2,000 assignments of 10
people, 40 holidays: rows bulk-inserted, then renumbered and scheduled by planning's own
services. Then times, each a fresh process:

* ``keystage export BENCH-EXPORT -f mspdi -o FILE`` (Python start, Django, the reads,
  the schedule, the XML) — the figure the brief asks for (< 5 s);
* MPXJ's ``MSPDIReader`` reading the same file (JVM start included), through jpype;

and, in this process, the steps: plan document from the database, then ``to_mspdi``.

    KEYSTAGE_DATA_DIR=/tmp/ks-export-bench uv run keystage migrate
    KEYSTAGE_DATA_DIR=/tmp/ks-export-bench uv run python benchmarks/interop/export_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODE = "BENCH-EXPORT"
MPXJ_READ = """
import sys, jpype, mpxj
jpype.startJVM("-Xmx2g", convertStrings=True)
from java.io import File
from org.mpxj.mspdi import MSPDIReader
p = MSPDIReader().read(File(sys.argv[1]))
print(p.getTasks().size() - 1, p.getResourceAssignments().size())
"""


def build(tasks: int) -> None:
    """The benchmark project, unless it exists."""
    from keystage.accounts import services as accounts
    from keystage.planning.models import Assignment, Dependency, Holiday, Task
    from keystage.planning.services import wbs
    from keystage.portfolio import services
    from keystage.portfolio.models import Project

    if Project.objects.filter(code=CODE).exists():
        return
    org = accounts.organisation_get_or_create(name="Bench Corp")

    def user(name: str, role: str = "member"):  # type: ignore[no-untyped-def]
        return accounts.user_create(
            username=name, password="bench-password-123", email=f"{name}@bench.test",
            first_name=name.title(), last_name="Bench", organisation=org, org_role=role,
            check_password_strength=False,
        )  # fmt: skip

    pmo, pm, sponsor = user("bench_pmo", "portfolio_owner"), user("bench_pm"), user("bench_sp")
    project = services.project_create(
        who=pmo, name="Export benchmark", code=CODE, kind="software_development",
        start_date=dt.date(2027, 1, 4), target_date=dt.date(2029, 12, 31),
        project_manager=pm, sponsor=sponsor,
    )  # fmt: skip
    people = [user(f"bench_dev{i}") for i in range(10)]
    for person in people:
        services.member_add(who=pm, project=project, user=person, role="team_member")
    for i in range(40):
        day = dt.date(2027, 1, 4) + dt.timedelta(days=17 * i + 3)
        Holiday.objects.create(project=project, name=f"Holiday {i}", start_date=day, end_date=day)
    # Rows straight into the tables (the app's plan_append journals each row: minutes
    # for 10,000 on a shared machine); then the app's own renumber and schedule.
    group = 20
    phases = Task.objects.bulk_create(
        Task(project=project, name=f"Phase {p}", position=p, duration_minutes=0)
        for p in range(tasks // group)
    )
    leaves = Task.objects.bulk_create(
        Task(
            project=project, parent=phase, position=k, name=f"Task {p * group + k}",
            duration_minutes=480 * (1 + k % 5),
        )
        for p, phase in enumerate(phases)
        for k in range(1, group)
    )  # fmt: skip
    links = []
    for i, task in enumerate(leaves):
        if i % (group - 1):
            links.append(Dependency(project=project, predecessor=leaves[i - 1], successor=task))
        elif i:
            links.append(
                Dependency(
                    project=project, predecessor=leaves[i - group + 1], successor=task,
                    type="SS", lag_minutes=240,
                )
            )  # fmt: skip
    Dependency.objects.bulk_create(links)
    start = time.perf_counter()
    wbs.reschedule(project, wbs.renumber(project))
    took = time.perf_counter() - start
    print(f"built {tasks:,} tasks, {len(links):,} links; renumbered and scheduled in {took:.1f} s")
    Assignment.objects.bulk_create(
        Assignment(project=project, task=t, person=people[k % 10], units_percent=50 + k % 3 * 25)
        for k, t in enumerate(leaves[:2000])
    )


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(cmd: list[str]) -> tuple[float, str, float]:
    """Wall-clock seconds, standard output and CPU seconds (user + system) of a process.

    The machine is shared: the CPU seconds are the work the process costs, the
    wall-clock also counts the time it waited for a core.
    """
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout.strip(), _cpu() - cpu


def main() -> None:
    """Print the whole-process times (median of ``--n``) and the in-process steps."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from keystage.engine.mspdi import to_mspdi
    from keystage.interop.selectors import plan_document_of
    from keystage.portfolio.models import Project

    build(args.tasks)
    project = Project.objects.get(code=CODE)
    start = time.perf_counter()
    doc = plan_document_of(project)
    read = time.perf_counter() - start
    start = time.perf_counter()
    xml = to_mspdi(doc)
    write = time.perf_counter() - start
    print(
        f"tasks {len(doc.plan.activities):,}  links {len(doc.plan.links):,}  "
        f"assignments {len(doc.assignments):,}  file {len(xml) / 1e6:.1f} MB"
    )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"in process: plan document from the database {read:.2f} s, to_mspdi {write:.2f} s")
    out = Path(tempfile.mkdtemp()) / "bench.xml"
    keystage = str(Path(sys.executable).with_name("keystage"))
    command = [keystage, "export", CODE, "-f", "mspdi", "-o", str(out)]
    runs = [_timed(command) for _ in range(args.n)]
    ours, cpu = [r[0] for r in runs], [r[2] for r in runs]
    print(
        f"keystage export -f mspdi (whole process): median {statistics.median(ours):.2f} s, "
        f"worst {max(ours):.2f} s; CPU median {statistics.median(cpu):.2f} s"
    )
    try:
        theirs = [_timed([sys.executable, "-c", MPXJ_READ, str(out)]) for _ in range(args.n)]
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"MPXJ read skipped: {exc}")
        return
    times, cpu = [r[0] for r in theirs], [r[2] for r in theirs]
    print(
        "MPXJ MSPDIReader read (whole process, JVM start): "
        f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s; "
        f"CPU median {statistics.median(cpu):.2f} s; "
        f"tasks and assignments read back: {theirs[0][1]}"
    )


if __name__ == "__main__":
    main()
