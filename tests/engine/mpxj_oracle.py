"""Schedule MSPDI files with MPXJ's MicrosoftScheduler (JVM started once per process)."""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass
from datetime import datetime
from functools import cache


def available() -> bool:
    """True when Java, jpype and mpxj are all present."""
    return (
        shutil.which("java") is not None
        and importlib.util.find_spec("jpype") is not None
        and importlib.util.find_spec("mpxj") is not None
    )


@cache
def _jvm() -> None:
    import jpype
    import mpxj  # noqa: F401  (puts the jars on the class path)

    if not jpype.isJVMStarted():
        jpype.startJVM("-Xmx1g", convertStrings=True)


@dataclass(frozen=True)
class OracleTask:
    """Dates MPXJ computed for one task, as naive datetimes."""

    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    total_slack_minutes: float
    critical: bool


def _py(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def schedule_with_mpxj(xml: bytes, start: datetime) -> dict[str, OracleTask]:
    """Read MSPDI bytes, schedule with MicrosoftScheduler, return dates by task name."""
    _jvm()
    from java.io import ByteArrayInputStream  # type: ignore[import-not-found]
    from java.time import LocalDateTime  # type: ignore[import-not-found]
    from org.mpxj import TimeUnit  # type: ignore[import-not-found]
    from org.mpxj.cpm import MicrosoftScheduler  # type: ignore[import-not-found]
    from org.mpxj.mspdi import MSPDIReader  # type: ignore[import-not-found]

    project = MSPDIReader().read(ByteArrayInputStream(xml))
    when = LocalDateTime.of(start.year, start.month, start.day, start.hour, start.minute)
    MicrosoftScheduler().schedule(project, when)
    props = project.getProjectProperties()
    out: dict[str, OracleTask] = {}
    for task in project.getTasks():
        if int(task.getUniqueID()) == 0 or task.getSummary():
            continue
        slack = task.getTotalSlack()
        minutes = float(slack.convertUnits(TimeUnit.MINUTES, props).getDuration()) if slack else 0
        out[str(task.getName())] = OracleTask(
            _py(task.getEarlyStart()),
            _py(task.getEarlyFinish()),
            _py(task.getLateStart()),
            _py(task.getLateFinish()),
            minutes,
            bool(task.getCritical()),
        )
    return out


def convert_in_process(data: bytes, filename: str) -> bytes:
    """What ``mpxj_convert.to_mspdi_bytes`` does (UniversalProjectReader, then MSPDIWriter),
    in this process's JVM: the format tests read dozens of files without a JVM each."""
    import tempfile
    from pathlib import Path, PurePath

    from keystage.interop import mpxj_convert

    mpxj_convert.check_container(data)
    _jvm()
    from java.io import ByteArrayOutputStream  # type: ignore[import-not-found]
    from org.mpxj.mspdi import MSPDIWriter  # type: ignore[import-not-found]
    from org.mpxj.reader import UniversalProjectReader  # type: ignore[import-not-found]

    with tempfile.TemporaryDirectory(prefix="keystage-mpxj-") as work:
        source = Path(work) / f"plan{PurePath(filename.lower()).suffix}"
        source.write_bytes(data)
        project = UniversalProjectReader().read(str(source))
    out = ByteArrayOutputStream()
    MSPDIWriter().write(project, out)
    return bytes(out.toByteArray())
