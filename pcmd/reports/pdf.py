"""A report as a PDF for signing: the Word export converted by LibreOffice on the server.

LibreOffice runs as a bounded subprocess: its own profile directory (two conversions at once do not share a
profile, which LibreOffice would refuse), a timeout after which its whole process group is killed, and a cap on
the conversions running at once (each takes a core). Every failure is a `PdfUnavailable` with a Vietnamese
message for the page — never a 500.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

TIMEOUT = 120  # seconds for one conversion
MAX_RUNNING = 2  # conversions at once in one server process
_slots = threading.BoundedSemaphore(MAX_RUNNING)

MISSING = ("Máy chủ chưa cài LibreOffice nên chưa xuất được bản PDF. Hãy tải bản Word rồi in ra PDF trên máy "
           "của mình, hoặc báo quản trị hệ thống cài LibreOffice.")
BUSY = "Máy chủ đang chuyển nhiều báo cáo sang PDF; hãy thử lại sau ít phút."
TOO_LONG = "Chuyển sang PDF quá lâu nên đã dừng lại. Hãy thử lại sau, hoặc tải bản Word rồi in ra PDF."
FAILED = "LibreOffice không chuyển được báo cáo sang PDF. Hãy tải bản Word rồi in ra PDF, hoặc báo quản trị hệ thống."


class PdfUnavailable(Exception):
    """The PDF could not be made; the message says why, in Vietnamese."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def fingerprint(docx: bytes) -> str:
    """The document's content: its parts' bytes, without the zip's times and the creation/modification dates of
    docProps/core.xml (the same report exported twice differs only there)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for member in sorted(archive.namelist()):
            if member != "docProps/core.xml":
                digest.update(member.encode() + b"\0" + archive.read(member) + b"\0")
    return digest.hexdigest()


def cached_pdf(docx: bytes) -> bytes:
    """The PDF of this exact Word document: converted once, then kept in the media storage under the document's
    fingerprint (the same report version with the same figures is not converted again)."""
    name = f"reports/pdf/{fingerprint(docx)}.pdf"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    data = docx_to_pdf(docx)
    default_storage.save(name, ContentFile(data))
    return data


def docx_to_pdf(docx: bytes, *, timeout: int = TIMEOUT) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(MISSING)
    if not _slots.acquire(timeout=5):
        raise PdfUnavailable(BUSY)
    try:
        with tempfile.TemporaryDirectory(prefix="pcmd-pdf-") as tmp:
            source = Path(tmp) / "bao-cao.docx"
            source.write_bytes(docx)
            command = [program, "--headless", "--norestore", "--nolockcheck",
                       f"-env:UserInstallation=file://{tmp}/lo", "--convert-to", "pdf", "--outdir", tmp, str(source)]
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(process)
                raise PdfUnavailable(TOO_LONG) from None
            result = source.with_suffix(".pdf")
            if process.returncode != 0 or not result.exists() or result.stat().st_size == 0:
                raise PdfUnavailable(FAILED)
            return result.read_bytes()
    finally:
        _slots.release()


def _kill(process: subprocess.Popen) -> None:
    """Kill LibreOffice and the processes it started (soffice starts soffice.bin in the same new session)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
