"""Earned value reads, this tree against another git ref, timed alternately on one project.

Usage (after ``benchmarks/evm/run.py`` built its project in the same database):

    uv run python benchmarks/evm/reads_ab.py \\
        --database-url postgres://postgres@127.0.0.1:5432/ks_evm_bench [--ref main] [--n 7]

Loads ``control/selectors/evm_records.py`` as it is at ``--ref`` (``git show``) beside the
current one, asserts both give the same PV / EV / AC at every week end of the latest bench
project, then times the two ``load_records`` (and the computation after each) alternately,
so a busy machine slows both alike. Prints medians in seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

PATH = "src/keystage/control/selectors/evm_records.py"


def main() -> None:
    """Load both versions, check they agree, time them alternately."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--ref", default="main")
    parser.add_argument("--n", type=int, default=7)
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("KEYSTAGE_DATA_DIR", tempfile.mkdtemp(prefix="ks-evm-ab-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    import django

    django.setup()
    from keystage.control.selectors import evm
    from keystage.control.selectors.evm_records import load_records
    from keystage.portfolio.models import Project

    source = subprocess.run(
        ["git", "show", f"{args.ref}:{PATH}"], check=True, capture_output=True, text=True
    ).stdout
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(source)
    spec = importlib.util.spec_from_file_location("evm_records_ref", handle.name)
    assert spec is not None and spec.loader is not None
    ref = importlib.util.module_from_spec(spec)
    sys.modules["evm_records_ref"] = ref
    spec.loader.exec_module(ref)

    project = Project.objects.filter(code__startswith="EV").order_by("-pk").first()
    assert project is not None, "run benchmarks/evm/run.py first"

    def compute(rec: Any) -> list[tuple[Any, Any, Any]]:
        c = evm.curves(rec)
        points, _, _ = evm.history(rec, c, "week")
        evm.headline(rec, c)
        evm.summary_rows(rec, c)
        return [(p.pv, p.ev, p.ac) for p in points]

    def this() -> Any:
        return load_records([project])[project.pk]

    def other() -> Any:
        return ref.load_records([project])[project.pk]

    assert compute(this()) == compute(other()), "the two versions disagree"
    rec = this()
    measures: dict[str, Callable[[], Any]] = {
        "compute": lambda: compute(rec),
        "reads, this tree": this,
        f"reads, {args.ref}": other,
        "with reads, this tree": lambda: compute(this()),
        f"with reads, {args.ref}": lambda: compute(other()),
    }
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(args.n):
        for name, call in measures.items():
            began = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - began)
    for name, values in times.items():
        print(f"{name:<28}{statistics.median(values):>8.3f}")


if __name__ == "__main__":
    main()
