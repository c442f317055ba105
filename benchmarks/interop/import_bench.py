"""Plan import benchmark: read a 10,000-task MSPDI file, beside MPXJ's own read of it.

Run by hand (not part of the test suite):

    uv run python benchmarks/interop/import_bench.py [--tasks 10000]

Measures, on one generated file (random network, all link types, elapsed and percent
lags, a crew calendar, holidays):

* ``read_mspdi`` in process (parse with defusedxml, build the plan document);
* ``keystage import FILE`` as a whole process (start-up, read, check; nothing written);
* our engine scheduling the document read;
* MPXJ's ``MSPDIReader`` on the same bytes, in a warm JVM (jpype), and MPXJ's
  ``MpxjConvert`` (read + write MSPDI) as a whole ``java`` process.

Prints the figures recorded in docs/performance.md ("Plan import").
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[2]))

from tests.engine.netgen import random_project

from keystage.engine.cpm import schedule
from keystage.engine.mspdi import to_mspdi
from keystage.engine.mspdi_read import read_mspdi
from keystage.interop import mpxj_convert


def _children_cpu() -> float:
    """User + system seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def best(runs: int, work) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of ``runs`` calls."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    """Generate the file, time each reader, print one line per figure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    project = random_project(np.random.default_rng(10), args.tasks, mixed=True)
    data = to_mspdi(project, name="Bench")
    work = Path(tempfile.mkdtemp(prefix="ks-import-bench-"))
    path = work / "bench.xml"
    path.write_bytes(data)
    print(f"file: {args.tasks} tasks, {len(project.links)} links, {len(data) / 2**20:.1f} MB")
    read = best(args.runs, lambda: read_mspdi(data))
    print(f"read_mspdi (in process): {read:.2f} s")
    document = read_mspdi(data)
    print(f"schedule the document: {best(args.runs, lambda: schedule(document.plan)):.2f} s")
    keystage = str(Path(sys.executable).parent / "keystage")
    env = {**os.environ, "KEYSTAGE_DATA_DIR": str(work / "data")}
    cpu_before = _children_cpu()
    whole = best(
        args.runs,
        lambda: subprocess.run(
            [keystage, "import", str(path)], check=True, capture_output=True, env=env
        ),
    )
    cpu = (_children_cpu() - cpu_before) / args.runs
    print(
        f"keystage import FILE (whole process, read + check): {whole:.2f} s wall, "
        f"{cpu:.2f} CPU s (user + system, mean); load average {os.getloadavg()[0]:.1f}"
    )
    if not mpxj_convert.available():
        print("MPXJ: not installed")
        return
    from tests.engine import mpxj_oracle

    mpxj_oracle._jvm()
    from java.io import ByteArrayInputStream  # type: ignore[import-not-found]
    from org.mpxj.mspdi import MSPDIReader  # type: ignore[import-not-found]

    MSPDIReader().read(ByteArrayInputStream(data))  # warm-up
    warm = best(args.runs, lambda: MSPDIReader().read(ByteArrayInputStream(data)))
    print(f"MPXJ MSPDIReader (warm JVM, in process): {warm:.2f} s")
    jars = mpxj_convert._jar_dir()
    out = work / "out.xml"
    java = best(
        1,
        lambda: subprocess.run(
            ["java", "-cp", f"{jars}/*", "org.mpxj.sample.MpxjConvert", str(path), str(out)],
            check=True, capture_output=True,
        ),
    )  # fmt: skip
    print(f"MPXJ MpxjConvert MSPDI -> MSPDI (whole java process): {java:.2f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
