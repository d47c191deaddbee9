"""`pcmd indicators-doc [--check]`: write docs/indicators.md from the catalogue (like permissions-doc)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from pcmd.indicators.catalogue import CATALOGUE, ROLLUPS, SOURCES

METRICS = {"percent": "Tỷ lệ (%)", "count": "Số lượng"}

INTRO = """\
# Danh mục chỉ số / Indicator catalogue

Sinh tự động từ `pcmd/indicators/catalogue.py` bằng `pcmd indicators-doc` — không sửa tay.
Generated from `pcmd/indicators/catalogue.py` by `pcmd indicators-doc`; do not edit by hand.

## Cách tính / How values are computed

- **Cấp (levels).** Mỗi chỉ số được tính cho một tập đơn vị và một kỳ, ở ba cấp: xã, phường (theo đơn vị
  của bản ghi), tỉnh, thành phố (theo tỉnh của bản ghi, gồm cả bản ghi của chính cấp tỉnh) và toàn quốc
  (cộng các tỉnh). Mỗi chỉ số là một truy vấn gom nhóm theo đơn vị cho mỗi cấp (pcmd/indicators/engine.py).
  Values are computed in the database, one grouped query per indicator and level.
- **Cộng dồn (roll-up).** Cấp trên cộng tử số và mẫu số của cấp dưới rồi mới chia, không bao giờ lấy
  trung bình các tỷ lệ. Chỉ số "xã, phường có …" (cộng dồn *communes*) được đếm từ kết quả của từng xã:
  tỉnh = số xã đạt / tổng số xã. A higher level sums numerators and denominators, never averages percentages.
- **Kỳ (periods).** Mã kỳ theo DHIS2: `2026` (năm), `2026S1` (6 tháng), `2026Q2` (quý), `202605` (tháng),
  `2026-2030` (giai đoạn); ngày đầu và ngày cuối đều được tính. Thời điểm (tin báo) so theo giờ Việt Nam:
  tin tiếp nhận lúc 23:30 ngày 31/12 thuộc năm đó.
- **Lũy kế (accumulates).** "Có": giá trị tăng dần trong kỳ (số lượng, tỷ lệ đạt được đến nay), nên chỉ tiêu
  được so với phần kỳ đã trôi qua. "Không": tỷ lệ đầy đủ ở mọi thời điểm.
- **Dự báo (forecast).** Các chỉ số đếm từ sổ có ngày có chuỗi số liệu theo tháng để dự báo cuối năm.
- **Số liệu nhập (entered).** Chỉ số chưa có sổ nghiệp vụ lấy số liệu do cơ quan nhập (như giá trị dữ liệu
  của DHIS2) cho đến khi có sổ.
- **Hỗ trợ người bán dâm (SUPPORT_*).** Tính từ sổ hỗ trợ, chỉ đếm hồ sơ còn hiệu lực (không bị gộp, không
  bị xóa dữ liệu) có đồng ý được tính trong số liệu báo cáo còn hiệu lực vào cuối kỳ. `SUPPORT_ACCESS`: xã,
  phường đã có hồ sơ đăng ký đến cuối kỳ lấy số từ sổ, xã, phường khác lấy số liệu nhập; cấp trên cộng mỗi
  đơn vị đúng một nguồn. Computed from the support registry (consented, active files only); SUPPORT_ACCESS
  takes, per commune, the registry when the commune uses it and the entered figure otherwise, never both.
- **Ẩn số nhỏ (suppression).** Chỉ số có "Ẩn số dưới 5: Có": giá trị 1–4 (tỷ lệ có tử số hoặc mẫu số 1–4)
  hiện "<5" ở mọi bảng, trang, tệp Excel, tệp DHIS2 ra khỏi xã, phường (cấp tỉnh, toàn quốc, bảng nhiều đơn vị,
  người xem không thuộc xã đó); bảng có dòng cộng mà chỉ một ô bị ẩn thì ẩn thêm ô khác nhỏ nhất (ghi "ẩn"),
  để không suy ra được từ dòng cộng; tệp DHIS2 bỏ hẳn các giá trị này (pcmd/indicators/suppression.py).
- **Tỷ lệ được truyền thông (REACH_*).** Chỉ tính số người được tiếp cận ở đơn vị đã nhập mẫu số (số đối
  tượng) của năm; đơn vị chưa có mẫu số là "chưa có số liệu", không phải 0%. Tỉnh đã nhập mẫu số của
  chính mình thì dùng mẫu số đó cho cả tỉnh (và mọi người được tiếp cận trong tỉnh), nếu không thì cộng
  mẫu số của các xã. Reach counts only where a base was entered, so no share mixes known and unknown
  populations; a province's own base, when entered, stands for the whole province.

## Tóm tắt / Summary

| Mã | Tên chỉ số | Loại | Cộng dồn | Nguồn | Cơ quan báo cáo | Dự báo |
|---|---|---|---|---|---|---|
"""


def _yes(flag: bool) -> str:
    return "Có" if flag else "Không"


def as_markdown() -> str:
    lines = [INTRO.rstrip("\n")]
    for i in CATALOGUE:
        lines.append(f"| `{i.code}` | {i.name} | {METRICS[i.metric]} | {i.rollup} | {i.source} | {i.agency} "
                     f"| {_yes(i.forecast)} |")
    lines += ["", "## Chỉ số / Indicators", ""]
    for i in CATALOGUE:
        lines += [
            f"### `{i.code}` — {i.name}",
            "",
            f"- **Định nghĩa:** {i.definition}",
            f"- **Tử số:** {i.numerator}",
            f"- **Mẫu số:** {i.denominator or '— (chỉ số đếm)'}",
            f"- **Loại:** {METRICS[i.metric]}",
            f"- **Cộng dồn:** {ROLLUPS[i.rollup]} (`{i.rollup}`)",
            f"- **Nguồn số liệu:** {SOURCES[i.source]} (`{i.source}`)",
            f"- **Cơ quan báo cáo:** {i.agency}",
            f"- **Tần suất:** {i.frequency}",
            f"- **Lũy kế trong kỳ:** {_yes(i.accumulates)}",
            f"- **Dự báo cuối năm:** {_yes(i.forecast)}",
            *([f"- **Ẩn số dưới 5:** {_yes(i.sensitive)}"] if i.sensitive else []),
            "",
        ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Ghi docs/indicators.md từ danh mục chỉ số (pcmd/indicators/catalogue.py)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra tệp có khớp không.")

    def handle(self, *args, check=False, **options):
        target = Path(settings.BASE_DIR) / "docs" / "indicators.md"
        text = as_markdown()
        if check:
            if not target.exists() or target.read_text() != text:
                self.stderr.write("docs/indicators.md đã cũ: chạy `pcmd indicators-doc`.")
                raise SystemExit(1)
            return
        target.write_text(text)
        self.stdout.write(f"Đã ghi {target}.")
