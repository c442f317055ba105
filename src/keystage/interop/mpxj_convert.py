"""Convert any file MPXJ reads (.mpp .mpx .xer .pmxml .pod .gan .planner …) to MSPDI bytes.

MPXJ (optional extra ``mpxj``: the ``mpxj`` wheel carries the jars; Java 17 must be on
the path) runs in a separate ``java`` process — ``UniversalProjectReader`` reads the
file, ``MSPDIWriter`` writes MS Project XML — so a hostile or huge file cannot take
the web process's memory with it: the JVM gets a heap limit and a time limit, and its
output a size limit. Before MPXJ sees the file:

* a ZIP container (MPXJ opens zips and reads the plan inside) is refused when it
  unpacks to more than :data:`MAX_UNPACKED` bytes, has more than :data:`MAX_MEMBERS`
  entries or a member compressed more than :data:`MAX_RATIO` to one (zip bombs);
* XML formats (PMXML, Planner, GanttProject, …) are refused when they declare a DTD
  or entities, exactly as our own MSPDI reader refuses them.

The MSPDI that comes back is then read by :func:`keystage.engine.mspdi_read.read_mspdi`.
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePath

from keystage.engine.mspdi_read import PlanReadError, parse_xml

SUFFIXES = {
    ".mpp": "mpp", ".mpx": "mpx", ".mpt": "mpp", ".xer": "xer", ".pmxml": "pmxml",
    ".pod": "pod", ".gan": "gan", ".planner": "planner", ".pp": "asta", ".pep": "pep",
    ".ppx": "phoenix", ".fts": "fasttrack", ".sdef": "sdef", ".cdpx": "conceptdraw",
    ".gnt": "ganttdesigner", ".prx": "p3", ".stx": "suretrak", ".zip": "zip", ".mpd": "mpd",
}  # fmt: skip
FORMATS = frozenset(SUFFIXES.values())
MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_RATIO = 100
MAX_OUTPUT = 400 * 1024 * 1024
TIMEOUT_SECONDS = 120
HEAP = "-Xmx1g"


class MpxjUnavailable(PlanReadError):
    """The optional MPXJ extra or Java is missing on this server."""


def _jar_dir() -> Path | None:
    spec = importlib.util.find_spec("mpxj")
    if spec is None or spec.origin is None:
        return None
    lib = Path(spec.origin).parent / "lib"
    return lib if (lib / "mpxj.jar").is_file() else None


def available() -> bool:
    """True when Java and the ``mpxj`` package (its jars) are both present."""
    return shutil.which("java") is not None and _jar_dir() is not None


def check_container(data: bytes) -> None:
    """Refuse zip bombs and XML with a DTD before MPXJ opens the file."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()
        except zipfile.BadZipFile:
            raise PlanReadError("The file looks like a ZIP archive but cannot be opened.") from None
        if len(members) > MAX_MEMBERS:
            raise PlanReadError(f"The archive holds more than {MAX_MEMBERS} files; refused.")
        total = sum(m.file_size for m in members)
        if total > MAX_UNPACKED:
            raise PlanReadError(
                f"The archive unpacks to {total // 2**20} MB, more than the "
                f"{MAX_UNPACKED // 2**20} MB allowed; refused."
            )
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > MAX_RATIO and member.file_size > 2**20:
                raise PlanReadError(
                    f"A file in the archive is compressed more than {MAX_RATIO} to 1 "
                    "(a zip bomb?); refused."
                )
        return
    head = data[:64].lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        parse_xml(data, "XML")


def to_mspdi_bytes(data: bytes, filename: str) -> bytes:
    """Convert ``data`` (named ``filename``) to MSPDI with MPXJ in a separate JVM."""
    jars = _jar_dir()
    if jars is None or shutil.which("java") is None:
        raise MpxjUnavailable(
            "This file type needs MPXJ: install the optional extra (pip install "
            "'keystage[mpxj]') and Java 17, or upload MS Project XML instead."
        )
    check_container(data)
    suffix = PurePath(filename.lower()).suffix
    suffix = suffix if suffix in SUFFIXES else ".bin"
    with tempfile.TemporaryDirectory(prefix="keystage-mpxj-") as work:
        source = Path(work) / f"plan{suffix}"
        target = Path(work) / "plan.xml"
        source.write_bytes(data)
        command = [
            "java", HEAP, "-Djava.awt.headless=true", "-cp", f"{jars}/*",
            "org.mpxj.sample.MpxjConvert", str(source), str(target),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, cwd=work
            )
        except subprocess.TimeoutExpired:
            raise PlanReadError(
                f"MPXJ did not finish reading the file within {TIMEOUT_SECONDS} s; refused."
            ) from None
        if done.returncode != 0 or not target.is_file():
            raise PlanReadError(_reason(done.stderr))
        if target.stat().st_size > MAX_OUTPUT:
            raise PlanReadError("The converted plan is too large; refused.")
        return target.read_bytes()


def _reason(stderr: bytes) -> str:
    """A one-line reason from MPXJ's error output, without any of the file's content."""
    text = stderr.decode("utf-8", "replace")
    if "OutOfMemoryError" in text:
        return "MPXJ ran out of memory reading the file; refused."
    if "Unsupported file type" in text or ("UniversalProjectReader" in text and "null" in text):
        return "MPXJ does not recognise this file as a plan."
    return "MPXJ could not read the file: it is damaged or not a plan in a format MPXJ reads."


__all__ = [
    "FORMATS", "SUFFIXES", "MpxjUnavailable", "available", "check_container", "to_mspdi_bytes",
]  # fmt: skip
