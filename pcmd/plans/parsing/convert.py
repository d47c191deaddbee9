"""Old Word (.doc), OpenDocument (.odt) and RTF plans: converted to .docx by LibreOffice headless, then read as
a .docx. Each conversion has its own LibreOffice profile directory (parallel conversions do not clash) and a
timeout (`PLAN_CONVERT_TIMEOUT`, default 90 s). Deployment: Debian package libreoffice-writer-nogui."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

from . import PlanFileError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, suffix: str) -> bytes:
    program = soffice()
    if program is None:
        raise PlanFileError(f"Máy chủ chưa cài LibreOffice nên chưa đọc được tệp {suffix}. Hãy mở tệp bằng Word, "
                            "lưu lại thành .docx rồi tải lên lại.")
    timeout = getattr(settings, "PLAN_CONVERT_TIMEOUT", 90)
    with tempfile.TemporaryDirectory(prefix="pcmd-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"ke-hoach{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        try:
            subprocess.run([program, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                            "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)],
                           capture_output=True, timeout=timeout, check=True)
        except subprocess.TimeoutExpired as exc:
            raise PlanFileError(f"Chuyển đổi tệp {suffix} quá lâu (hơn {timeout} giây). Hãy lưu lại thành .docx "
                                "rồi tải lên lại.") from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise PlanFileError(f"Không chuyển đổi được tệp {suffix}: tệp bị hỏng hoặc không đúng định dạng. "
                                "Hãy mở tệp bằng Word, lưu lại thành .docx rồi tải lên lại.") from exc
        result = out / "ke-hoach.docx"
        if not result.exists() or result.stat().st_size == 0:
            raise PlanFileError(f"Không chuyển đổi được tệp {suffix}: tệp bị hỏng hoặc không đúng định dạng. "
                                "Hãy mở tệp bằng Word, lưu lại thành .docx rồi tải lên lại.")
        return result.read_bytes()
