"""The referral slip (phiếu giới thiệu): a Word document in the official layout (`core.documents`), and its PDF
made by LibreOffice.

It names the client by the file code only — never a name — and carries what the provider needs: the need,
the note, the deadline, and how to answer (the one-time code and its link). The code exists in clear only
right after it was made (the session keeps it for the download); a slip printed later says so instead.
"""

import subprocess
import tempfile
from pathlib import Path
from shutil import which

from django.urls import reverse

from pcmd.core.documents import OfficialDocument

from . import referrals

PDF_TIMEOUT = 90  # seconds LibreOffice may take (its first start on a cold machine is slow)


class SlipError(Exception):
    """The PDF could not be made (LibreOffice missing or failing)."""


def _place(unit) -> str:
    province = unit.province or unit
    for prefix in ("Thành phố ", "Tỉnh "):
        if province.name.startswith(prefix):
            return province.name[len(prefix):]
    return province.name


def build(referral, *, code: str = "", base_url: str, issuer_agency: str = "", signer_name: str = "") -> bytes:
    """The slip as .docx bytes. `code`: the one-time code in clear, or "" when it can no longer be shown."""
    commune = referral.unit
    committee = f"ỦY BAN NHÂN DÂN {commune.name}"
    doc = OfficialDocument(issuer_parent=committee if issuer_agency else "", issuer=issuer_agency or committee,
                           symbol="PGT", place=_place(commune), date=referral.referred_on,
                           kind="PHIẾU GIỚI THIỆU", title="Sử dụng dịch vụ hỗ trợ")
    provider = referral.provider
    doc.paragraph(f"Kính gửi: {provider.name}" + (f" ({provider.address})" if provider.address else ""))
    doc.paragraph(f"{issuer_agency or committee.title()} trân trọng giới thiệu người có mã hồ sơ "
                  f"{referral.client.code} đến quý cơ quan để được hỗ trợ về: {referral.get_need_display().lower()}.")
    doc.table(["Nội dung", "Thông tin"], [
        ["Mã hồ sơ", referral.client.code],
        ["Nhu cầu", referral.get_need_display()],
        ["Nội dung giới thiệu", referral.note or "(không có)"],
        ["Ngày giới thiệu", f"{referral.referred_on:%d/%m/%Y}"],
        ["Đề nghị trả lời trước ngày", f"{referral.answer_due:%d/%m/%Y}"],
        ["Nơi giới thiệu", commune.label],
    ], widths=[55, 110])
    doc.part("Trả lời kết quả")
    answer_page = base_url.rstrip("/") + reverse("public_referral")
    if code:
        link = base_url.rstrip("/") + reverse("public_referral_link", args=[code])
        doc.paragraph("Sau khi tiếp nhận và cung cấp dịch vụ, đề nghị quý cơ quan báo lại kết quả (đã tiếp nhận; "
                      "đã cung cấp hay không cung cấp được dịch vụ) bằng một trong hai cách:")
        doc.bullet(f"Mở đường dẫn: {link}")
        doc.bullet(f"Hoặc vào {answer_page} và nhập mã trả lời: {referrals.grouped(code)}")
        expires = referral.token_expires_at
        doc.paragraph("Mã trả lời chỉ dùng cho giới thiệu này, chỉ dùng được một lần"
                      + (f" và hết hạn ngày {expires:%d/%m/%Y}." if expires else "."), italic=True)
    else:
        doc.paragraph("Mã trả lời đã được in trên phiếu cấp lần đầu (mã chỉ hiện một lần). Nếu phiếu bị mất, "
                      "cán bộ cấp lại phiếu để có mã mới; mã cũ khi đó hết hiệu lực.", italic=True)
    if provider.agency_id:
        doc.paragraph("Quý cơ quan có tài khoản trên PCMD: cán bộ hỗ trợ của cơ quan cũng có thể trả lời tại "
                      "mục “Giới thiệu đến đơn vị tôi”.")
    doc.paragraph("Phiếu chỉ ghi mã hồ sơ, không ghi họ tên người được giới thiệu. Đề nghị giữ kín thông tin, "
                  "không chụp, chia sẻ phiếu này.", italic=True)
    doc.closing(recipients=["Như trên;", "Người được giới thiệu;", "Lưu: hồ sơ hỗ trợ."],
                signer_lines=["CÁN BỘ QUẢN LÝ TRƯỜNG HỢP"], signer_name=signer_name)
    return doc.to_bytes()


def to_pdf(docx: bytes) -> bytes:
    """Convert with LibreOffice in a private profile and folder (removed afterwards)."""
    soffice = which("soffice") or which("libreoffice")
    if soffice is None:
        raise SlipError("Máy chủ chưa cài LibreOffice để tạo tệp PDF; hãy tải bản Word.")
    with tempfile.TemporaryDirectory(prefix="pcmd-slip-") as folder:
        source = Path(folder) / "phieu.docx"
        source.write_bytes(docx)
        try:
            subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless",
                            "--convert-to", "pdf", "--outdir", folder, str(source)],
                           check=True, capture_output=True, timeout=PDF_TIMEOUT)
            return (Path(folder) / "phieu.pdf").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise SlipError("Không tạo được tệp PDF lúc này; hãy tải bản Word hoặc thử lại sau.") from exc


def base_url(request) -> str:
    """The site address printed on the slip: the one the case worker is using (a host of ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/")
