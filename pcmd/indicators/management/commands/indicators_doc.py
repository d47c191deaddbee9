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


AGGREGATES = """\
## Số liệu tổng hợp / Aggregates (pcmd/aggregates)

Các chỉ số nặng nhất đọc **ô tổng hợp** theo đơn vị và khối lịch (tháng, quý, 6 tháng, năm) thay vì quét lại
sổ ở mỗi lần xem; ô được tính lại ngay trong giao dịch của lần ghi nên lần tải trang sau đã thấy số mới.
The heaviest indicators read aggregate cells per unit and calendar block instead of rescanning the registries;
a write recomputes its cells in its own transaction, so the next page load shows it.

- **Cells.** `aggregates_cell` (kind, unit, province, start, months, n): one count per unit (the record's unit,
  commune or province's own) for every month, quarter, half-year and year (`start` = year × 12 + month − 1 of
  the block's first month, `months` 1/3/6/12), or one cell per unit for a state without a date (`months` 0).
  A period made of whole months is covered by the fewest blocks (a year: one cell per unit; `2026-2030`: five).
  Distinct counts (establishments visited) are not additive: they read one block, and a period of several blocks
  (a phase) is computed from the registry. A period not made of whole months is computed from the registry.
- **Kinds and the indicators that read them** (pcmd/aggregates/services.py `_kinds`, the one definition):

  | Kind | Counts | Read by |
  |---|---|---|
  | `visits` | visits, by the visit's unit and date | `VISITS_MADE` |
  | `inspected` | distinct operating establishments visited (establishment's unit) | `VENUES_INSPECTED` num. |
  | `operating` | operating establishments now (a state) | `VENUES_INSPECTED`, `VENUES_MANAGED` den. |
  | `managed` | at each month's end: operating, with an agency, reviewed in 365 days | `VENUES_MANAGED` num. |
  | `tips_received` | tips not duplicate nor spam, by local date of `received_at` | `TIPS_RECEIVED` |
  | `sessions`, `press` | activities not of / of the press kinds | `COMM_SESSIONS`, `PRESS_ITEMS` |
  | `reach_<group>` | people of the group reached by activities (sum) | `REACH_*` num. (bases: denominators) |
  | `sup_screened`, `sup_referred`, `sup_services` | the registry's answer per block | `SUPPORT_SCREENED`, … |
  | `sup_referrals_done`, `sup_referrals_made` | idem | `SUPPORT_REFERRALS_COMPLETED` |
  | `sup_access_num`, `sup_access_den`, `sup_clients` | at each month's end (below) | `SUPPORT_ACCESS` |
  | `commitments_valid` | at each month's end: operating, a commitment in force | `COMMITMENTS_SIGNED` num. |
  | `outreach_reach` | people reached by outreach contacts (a hamlet's in its commune) | `SUPPORT_OUTREACH_REACH` |

- **Figures counted as of a day** (`AsOfKind`: the `sup_*` kinds and `commitments_valid`). A support figure
  counts a file only with a reporting consent in force on min(period end, today) (`pcmd.support.consent.counted`),
  so a quarter is not the sum of its months and a running period changes when a consent starts or expires, without
  any write. Each cell is *the registry computation's own answer* for its block (or month end), computed by calling
  it — there is no second definition to drift. A period is read from one cell per unit when it is one calendar
  block (a month, quarter, half-year or year; for `SUPPORT_ACCESS` and `COMMITMENTS_SIGNED` any period ending on a
  month's last day up to this month), otherwise counted from the registry. The cells of blocks not yet ended are
  counted as of the day they were written; the day they are all true for is kept (`aggregates_asofday`), and
  before any read on a new day `bring_to_today()` recounts the units whose consents (or commitments) started or
  expired since (`support.consent.units_moved_between`, `computations.outreach.commitment_units_moved_between`).
  The scheduler does it at 00:05 (`pcmd aggregates-today`), so the first reader does not wait. A consent written
  or withdrawn recounts its commune's years from its start; a file (registered, merged, moved) all its years; a
  save of a file's other fields (status, case worker) nothing (`COUNTED_FIELDS`). tests/test_aggregates_support.py
  proves with hypothesis that after random support writes and days passing the cells equal the registry's and the
  six support figures equal their registry definitions for ended, running, multi-block and future periods.

  `COMMITMENTS_SIGNED` counts the establishments operating *now*, so an establishment's save recounts its
  commune's month ends from its first commitment on (12 small queries a year; an establishment without a
  commitment, as in a first import, recounts nothing).

  Read from the registries as before (light, or not expressible as cells of a month): `TIPS_ON_TIME` (the
  overdue part depends on "yesterday" for the running period), `COMM_COMMUNES` / `COMM_HAMLETS` (quarters up to
  "as of"), training, plans, integration, cases and hotspots.
- **Fresh on every write — never blind increments.** A write names the cells (kind, unit, year) its rows counted
  in before and after, and those cells are *recomputed from the registry* (`refresh_cells`), in the write's
  transaction: correct by construction; a commune's year is a few hundred rows.
  - Single saves and deletes (services, CRUD, admin) of `Visit`, `Establishment`, `Tip`, `Activity` and of the
    support registry (`Client`, `Consent`, `Screening`, `Referral`, `ServiceRecord`):
    `pcmd/aggregates/signals.py` (pre_save/pre_delete read the old cells, post_save/post_delete refresh).
  - **Bulk paths skip signals and must call ONE function:**
    `pcmd.aggregates.services.refresh_for(units, months=None)` — every kind for those unit ids over the
    years of `months` (None: all years) — after the bulk write, in the same transaction. When the records are
    known, `with track(Model, pks_before) as t: …bulk write…; t.add(created_pks)` does the same from the
    records. `core.imports.Importer.write` uses `track` (so every importer, including a rewritten fast
    establishment import that keeps calling `Importer.write` or calls `refresh_for` itself); the demo seed
    calls `rebuild()` at its end.
- **Rebuild.** `pcmd aggregates-rebuild [KIND …]` recomputes every cell from the registries (after a restore,
  a raw SQL repair, a change of a kind's definition, an activity kind's code changed, or an administrative
  reorganisation that moves records between units with bulk updates). tests/test_aggregates.py proves, with
  hypothesis on SQLite and PostgreSQL, that after random sequences of creates, edits (date, unit, establishment, status,
  outcome, kind) and deletes — single saves, `track`-ed bulk updates and bulk creates with `refresh_for` — the
  stored cells equal the rebuilt ones and every indicator above equals its registry definition.
- **Figures** (`bench/indicators.py --reuse`, national: 3,321 communes, 199,240 establishments, 1,039,620
  visits, 250,000 tips, 300,000 activities; 2-core machine shared with other jobs):

  PostgreSQL, 2026-12-05, load average 14–16 on 2 cores (the national seed of this run includes the support
  registry: ~100,000 clients, 1,000,000 services), year 2026:

  | Indicator (commune + province level) | registry before | aggregates | hand-written SQL |
  |---|---|---|---|
  | `VENUES_INSPECTED` | 0.2–0.3 s × 2 | 0.022 + 0.014 s | 0.280 + 0.289 s |
  | `VENUES_MANAGED` | 0.2–0.3 s × 2 | 0.021 + 0.010 s | 0.285 + 0.287 s |
  | `VISITS_MADE` | — | 0.020 + 0.006 s | 0.149 + 0.102 s |
  | `TIPS_RECEIVED` | — | 0.007 + 0.006 s | 0.114 + 0.126 s |
  | `COMM_SESSIONS`, `PRESS_ITEMS` | — | 0.004–0.015 s each | 0.050–0.064 s each |
  | `REACH_*` | — | 0.010–0.079 s each | 0.053–0.081 s each |

  Whole panel (33 indicators, both levels, best of 3) on that loaded machine: `panel_s=5.422 baseline_s=4.445
  ratio=1.22 scorecard_p95_ms=912`.

  **Quiet machine, PostgreSQL, 2026-12-06** (same data set; every indicator now has a hand-written baseline —
  `SUPPORT_ACCESS`'s takes the registry where a commune uses it, as the engine does, and the support counts and three
  reach indicators had none — and all 33 agree with it, `agree=yes`):

  | run | panel_s | baseline_s | ratio | scorecard p95 (median) |
  |---|---|---|---|---|
  | PostgreSQL JIT on | 4.513 | 5.613 | 0.80 | 576 ms (463 ms) |
  | PostgreSQL JIT off (PCMD's setting now) | 3.521 | 4.052 | 0.87 | 533 ms (415 ms) |

  **After the support figures and `COMMITMENTS_SIGNED` moved to cells** (2026-12-06, later; same data set
  regenerated, the machine ~1.5× slower that day: the same hand-written SQL took 5.4–6.8 s instead of 4.05 s on
  PostgreSQL), `agree=yes` on both databases every run:

  | run | panel_s | baseline_s | ratio | scorecard p95 (median), ms |
  |---|---|---|---|---|
  | PostgreSQL 1 | 1.520 | 5.429 | 0.28 | 674 (421) |
  | PostgreSQL 2, 3 (gc.freeze) | 1.704, 1.695 | 6.821, 6.842 | 0.25, 0.25 | 454 (369), 438 (353) |
  | SQLite 1, 2 | 1.626, 1.960 | 12.312, 13.289 | 0.13, 0.15 | 363 (166), 398 (188) |
  | SQLite 3 (gc.freeze) | 1.834 | 12.959 | 0.14 | 267 (217) |

  The runs marked gc.freeze time the page as a server process serves it: `pcmd/wsgi.py`
  freezes the start-up objects out of the full garbage collections (`gc.freeze`), and the bench no longer keeps its
  two national panels in memory while it times the page. Every third request had paid ~100 ms for a full
  collection (SQLite, 50 requests: p95 272 ms before, 181 ms after).
  The support figures now cost 0.004–0.03 s per level (hand-written SQL: 0.1–1.3 s); `SUPPORT_ACCESS`
  0.03 + 0.02 s against 1.2 + 1.3 s. What is left on the registries: `COMM_HAMLETS` 0.30 + 0.19 s, `TIPS_ON_TIME`
  0.19 + 0.07 s, `COMM_COMMUNES` 0.09 + 0.09 s (PostgreSQL), each as fast as its baseline.
  At that point the goals were short: panel ≤ 0.5 s (1.5–2.0 s; must ≤ 2 s met), scorecard p95 ≤ 150 ms (SQLite
  267 ms, must ≤ 300 ms met in the last run; PostgreSQL 438–454 ms, must not met). Hà Nội's scorecard made ~80
  queries; on PostgreSQL each cost ~2.4 ms on this machine (round trip, binding of 130-id lists).

  **A page's figures read together** (2026-12-06, a new machine of the same kind, again slower: the hand-written
  SQL took 6.1–10.4 s). Within `aggregates.reading()` (engine.panel, engine.breakdown) the first read of a set of
  units and blocks loads every kind's cells at once — for a province's scorecard by the province's index, so its
  communes' rows and its total share one query per set of blocks (the year, the state, the month at its end) —
  the as-of cells are brought to today once, and the six reach figures share their population bases. The grid
  builds the cells (status, link) only of the 20 rows shown. The regularity figures count one row per unit with a
  column per quarter (instead of grouping by unit and quarter, then by unit) over only the hamlets of the units
  asked. Hà Nội's scorecard: 80 → 38 queries, of them 3 for the cells (a year's blocks, the state, the month at
  its end); `tests/test_aggregates.py` checks that a province's page reads its cells in at most 4 queries (29 before
  on its fixture) and that the figures read together equal the registry's.

  | run (PostgreSQL, `agree=yes`) | panel_s | baseline_s | ratio | scorecard p95 (median), ms |
  |---|---|---|---|---|
  | before: old code, same machine and 50 requests, alternating runs | — | — | — | 462–801 (417–571) |
  | reading() only, 2 runs | 2.081, 1.981 | 7.309, 6.789 | 0.28, 0.29 | 310 (264), 313 (258) |
  | with the regularity rewrite, 2 runs | 1.442, 1.554 | 6.207, 6.057 | 0.23, 0.26 | 274 (222), 293 (238) |
  | + a row's cells built when shown, 2 runs later | 1.862, 2.342 | 7.561, 7.907 | 0.25, 0.30 | 300 (255), 335 (286) |
  | the same code, 2 runs an hour later | 1.539, 1.676 | 7.301, 5.656 | 0.21, 0.30 | 310 (260), 281 (224) |

  The last two runs came when the machine had slowed again (the same hand-written SQL 25% slower than in the runs
  above them). Run beside it, in turns (old code of the row before, then the new, three times, 50 requests each),
  building only the shown rows' cells took the median from 287–312 ms to 265–279 ms.

  Tried and left out: `random_page_cost=1.1` for PCMD's connections (an SSD's cost) made the province's hamlet
  regularity read by index (47 → 20 ms) but the national panel 15% slower (1.68–1.86 → 2.03–2.23 s).
  Still short of the goals: panel ≤ 0.5 s (1.44–2.34 s; must ≤ 2 s met in 5 of 6 runs), scorecard p95 ≤ 150 ms
  (274–335 ms, median 222–286 ms; must ≤ 300 ms met in 4 of 6 runs, this machine's speed moving by a quarter
  within the hour).
  What is left of the scorecard's time on PostgreSQL: ~85 ms in 38 queries (the province's hamlet regularity
  ~30 ms, scanning its activities' hamlet links; `TIPS_ON_TIME` ~7 ms) and ~120 ms of Python (building 30 grouped
  queries with 126-id lists, the grid's 700 cells and their links, the template).
  Not measured on SQLite in this round (its national data set was not regenerated on this machine).
  Rebuild of all cells: 310 s on PostgreSQL with a test run beside it (4.55 million cells, of which the support
  kinds 0.75 million), 300 s on SQLite. The national seed: 1,059 s on SQLite.
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
    lines.append(AGGREGATES.rstrip("\n"))
    return "\n".join(lines) + "\n"


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
