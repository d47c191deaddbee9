"""Read the genre of a Vietnamese plan (kế hoạch) into a dict: header, legal basis, targets, tasks, reporting.

The parser works on the text `extract.extract_text` returns and never on a particular file:

1. Lines become logical paragraphs: a line continues the paragraph above when it is not the start
   of a block (Roman part, numbered section, lettered item, bullet) and reads as a continuation
   (starts in lower case, with a dash-joined word, with a number that is not a section number, or
   directly follows an unfinished body line). Blank lines between wrapped lines do not matter.
   Each paragraph keeps its first and last line (1-based).
2. Blocks form a tree by numbering: Roman parts > 1. > 1.1. > 1.1.1. > a); bullets are leaves.
   The innermost heading that names a kind of content (CHỈ TIÊU, NHIỆM VỤ / GIẢI PHÁP, TỔ CHỨC
   THỰC HIỆN / PHÂN CÔNG, MỤC ĐÍCH / MỤC TIÊU / YÊU CẦU, KINH PHÍ) gives the section kind.
3. Targets come from target sections (every figure; qualitative sentences kept as such) and, anywhere
   else except objectives and budget, from sentences that commit to a figure with a comparator.
4. Tasks come from task and organisation sections: agencies from "Cơ quan chủ trì / phối hợp" lines
   under a group of items, or from the agency heading of an organisation block.
5. Reporting duties come from sentences that pair "báo cáo" with a period (tháng, quý, 6 tháng, năm,
   đột xuất).

See docs/plan-import.md for the conventions (comparators, years, references) and known limits.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from unidecode import unidecode

from pcmd.indicators import catalogue

from . import PlanFileError
from .extract import normalise
from .timing import due_date, timing_in


def fold(text: str) -> str:
    # Same folding as pcmd.core.models.fold, without importing Django models (the parser is pure).
    return " ".join(unidecode(text or "").lower().split())


# ------------------------------------------------------------------------------------------- blocks

ROMAN = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
RE_ROMAN = re.compile(rf"^(?P<label>{ROMAN})\s*[.:/)-]\s*(?P<body>\S.*)$")
RE_NUMBER = re.compile(r"^(?P<label>\d{1,2}(?:\s*\.\s*\d{1,2}){0,3})\s*(?:\.|\)|-(?=\s+[^\W\d]))\s*(?P<body>\D.*)$"
                       r"|^(?P<label2>\d{1,2}(?:\.\d{1,2}){1,3})\s+(?P<body2>[^\W\d].*)$")
RE_LETTER = re.compile(r"^(?P<label>[a-zđ])\s*(?:\)|\.(?=\s+[^\W\d]))\s*(?P<body>\S.*)$")
RE_BULLET = re.compile(r"^(?P<label>[-+•*●▪◦–—])\s*(?P<body>\S.*)$")
TERMINAL = (".", ";", ":", "!", "?", "./.")


@dataclass
class Para:
    start: int
    end: int
    kind: str  # roman | number | letter | bullet | plain | row (a table row, cells joined by " | ")
    label: str
    body: str
    level: int = 9
    category: str = ""
    heading_path: list = field(default_factory=list)
    is_heading: bool = False


def _classify(line: str) -> tuple[str, str, str]:
    if line.count("|") >= 2 and " | " in line:
        return "row", "", line
    m = RE_ROMAN.match(line)
    if m and m.group("label"):
        return "roman", m.group("label"), m.group("body")
    m = RE_NUMBER.match(line)
    if m:
        label, body = (m["label"], m["body"]) if m["label"] else (m["label2"], m["body2"])
        return "number", re.sub(r"\s+", "", label), body
    m = RE_LETTER.match(line)
    if m:
        return "letter", m.group("label"), m.group("body")
    m = RE_BULLET.match(line)
    if m and not (m.group("label") in "–—" and m.group("body")[:1].islower()):
        return "bullet", m.group("label"), m.group("body")
    return "plain", "", line


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 3 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


SENTENCE_START = re.compile(r"^(?:Căn\s+cứ|Thực\s+hiện|Trên\s+đây|N[ơo]i\s+nhận|Để\s|Nhằm\s|\(\s*Ban\s+hành)")


def _continues(current: Para, line: str, adjacent: bool, last_length: int = 0) -> bool:
    kind, _, _ = _classify(line)
    first = line[:1]
    if current.kind == "row":
        return False
    if kind not in ("plain",) and not (kind == "bullet" and first in "–—" and not current.body.endswith(TERMINAL)):
        return False
    if current.body.endswith(("./.",)):
        return False
    if first.islower() or first in "–—,;)":
        return True
    if first.isdigit() and not current.body.endswith(TERMINAL):
        return True
    if (adjacent and current.kind in ("plain", "bullet") and not current.body.endswith(TERMINAL)
            and len(current.body) > 50 and not _is_caps(current.body) and not _is_caps(line)
            and not SENTENCE_START.match(line)):
        return True
    if (adjacent and current.kind in ("number", "letter") and last_length >= 60
            and not current.body.endswith(TERMINAL) and not _is_caps(current.body) and not _is_caps(line)
            and not SENTENCE_START.match(line)):
        return True  # a numbered item wrapped by a PDF or an OCR line break ("… Phòng" / "Văn hóa - Xã hội …")
    return False


def paragraphs(lines: list[str]) -> list[Para]:
    paras: list[Para] = []
    current: Para | None = None
    last_line = last_length = 0
    for number, raw in enumerate(lines, start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        if current is not None and _continues(current, line, adjacent=number == last_line + 1,
                                              last_length=last_length):
            joiner = "" if current.body.endswith("-") and line[:1].islower() else " "
            current.body = f"{current.body}{joiner}{line}"
            current.end = number
        else:
            kind, label, body = _classify(line)
            current = Para(number, number, kind, label, body)
            paras.append(current)
        last_line = number
        last_length = len(line)
    return paras


# ---------------------------------------------------------------------------------------- sections

CATEGORY_RULES = (
    ("org", ("to chuc thuc hien", "phan cong nhiem vu", "trach nhiem thuc hien", "phan cong thuc hien")),
    ("mixed", ()),
    ("targets", ("chi tieu",)),
    ("objectives", ("muc tieu", "muc dich", "yeu cau")),
    ("budget", ("kinh phi",)),
    ("tasks", ("nhiem vu", "giai phap", "phan cong")),
)


def _category(heading: str, specific_goals: bool = False) -> str:
    """The kind of content a heading announces. With `specific_goals` (a text without any "chỉ tiêu" heading,
    such as a program decision or a commune plan) "Mục tiêu cụ thể" announces the targets."""
    folded = fold(heading)
    if len(folded) > 140:
        return ""
    if specific_goals and "muc tieu cu the" in folded:
        return "targets"
    has_targets = "chi tieu" in folded
    has_tasks = "nhiem vu" in folded or "giai phap" in folded
    for category, keys in CATEGORY_RULES:
        if category == "mixed":
            if has_targets and has_tasks:
                return "mixed"
            continue
        if any(key in folded for key in keys):
            return category
    return ""


def _level(para: Para) -> int:
    if para.kind == "roman":
        return 0
    if para.kind == "number":
        return para.label.count(".") + 1
    if para.kind == "letter":
        return 5
    return 9


def structure(paras: list[Para], specific_goals: bool = False) -> None:
    """Set level, heading path and section category of every paragraph."""
    stack: list[Para] = []
    for para in paras:
        para.level = _level(para)
        if para.level < 9:
            while stack and stack[-1].level >= para.level:
                stack.pop()
            para.heading_path = list(stack)
            stack.append(para)
        else:
            para.heading_path = list(stack)
        para.category = ""
        for heading in reversed(para.heading_path + ([para] if para.level < 9 else [])):
            category = _category(heading.body, specific_goals)
            if category:
                para.category = category
                break
    for index, para in enumerate(paras):
        nxt = paras[index + 1] if index + 1 < len(paras) else None
        # "- Cơ quan chủ trì: …" under an item belongs to the item; it does not make the item a heading
        para.is_heading = (para.level < 9 and nxt is not None and para in nxt.heading_path
                           and not RE_ASSIGN.match(nxt.body))


def ref_of(para: Para) -> str:
    """ "II.3.1.a": the Roman part, the deepest section number (already a full path like 3.1) and the letter."""
    chain = [p for p in para.heading_path if p.level < 9] + ([para] if para.level < 9 else [])
    labels: list[str] = []
    for p in chain:
        if p.kind == "number" and labels and chain[chain.index(p) - 1].kind == "number":
            previous = labels[-1]
            labels[-1] = p.label if p.label.startswith(previous + ".") else f"{previous}.{p.label}"
        else:
            labels.append(p.label)
    return ".".join(labels)


# ------------------------------------------------------------------------------------------ header

RE_NUMBER_LINE = re.compile(r"(?:^|\s)S[ốo]\s*[:.]\s*(?P<num>[^\s,;]*)", re.IGNORECASE)
RE_PLACE_DATE = re.compile(r"^(?P<place>[^\d,:;]{2,40}?)\s*,\s*ngày\b(?P<rest>.*)$", re.IGNORECASE)
RE_DATE_NUM = re.compile(r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})")
RE_DATE_WORDS = re.compile(r"(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE)
RE_GENRE = re.compile(r"^\s*K[ẾE]\s*HO[ẠA]CH\b", re.IGNORECASE)
NATIONAL = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc", "doc lap-tu do-hanh phuc")
DOC_TYPES = ("Pháp lệnh", "Luật", "Nghị định", "Quyết định", "Kế hoạch", "Công văn", "Nghị quyết", "Chỉ thị",
             "Thông tư", "Hướng dẫn", "Chương trình", "Thông báo", "Văn bản", "Công điện", "Kết luận")
RE_DOC_NUMBER = r"\d+[A-Za-z]?/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ0-9&\-]*"
RE_CITATION = re.compile(rf"\b(?P<type>{'|'.join(DOC_TYPES)})\s+(?:số\s*:?\s*)?(?P<number>{RE_DOC_NUMBER})?")
RE_CITED_DATE = re.compile(r"^[^;]{0,100}?ngày\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|"
                           r"\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})")


def parse_date(text: str) -> str | None:
    for pattern in (RE_DATE_NUM, RE_DATE_WORDS):
        m = pattern.search(text or "")
        if m:
            try:
                return date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
            except ValueError:
                return None
    return None


def _genre_line(paras: list[Para]) -> int | None:
    for index, para in enumerate(paras[:150]):
        folded = fold(para.body)
        if para.kind != "plain" or not RE_GENRE.match(para.body):
            continue
        if folded in ("ke hoach", "ke hoach:") or len(folded) < 14 or _is_caps(para.body[:8]):
            return index
    return None


DOC_NAMES = {
    "plan": RE_GENRE,
    "decision": re.compile(r"^\s*QUY[ẾE]T\s+Đ[ỊI]NH\b\s*:?", re.IGNORECASE),
    "program": re.compile(r"^\s*CH[ƯU][ƠO]NG\s+TR[ÌI]NH\b", re.IGNORECASE),
    "guidance": re.compile(r"^\s*H[ƯU][ỚO]NG\s+D[ẪA]N\b", re.IGNORECASE),
    "notice": re.compile(r"^\s*TH[ÔO]NG\s+B[ÁA]O\b", re.IGNORECASE),
    "report": re.compile(r"^\s*B[ÁA]O\s+C[ÁA]O\b", re.IGNORECASE),
}
DOC_KIND_NAMES = {"plan": "kế hoạch", "decision": "quyết định", "program": "chương trình", "guidance": "hướng dẫn",
                  "notice": "thông báo, tin bài", "dispatch": "công văn", "report": "báo cáo"}
RE_AUTHORITY = re.compile(r"^(?:THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG|CHỦ\s+TỊCH|GIÁM\s+ĐỐC|ỦY\s+BAN\s+NHÂN\s+DÂN)\b")
RE_SIGNOFF = re.compile(r"^(?:Căn\s+cứ|Xét\s+đề\s+nghị|Điều\s+\d+\.\s+(?:Quyết\s+định|Các|Chánh)|Nơi\s+nhận)",
                        re.IGNORECASE)


def _other_genre(paras: list[Para]) -> tuple[int, str]:
    """A text that is not a plan: (index of the paragraph its title starts at, its kind). The kind is named by
    a line in capitals (QUYẾT ĐỊNH, CHƯƠNG TRÌNH, HƯỚNG DẪN, THÔNG BÁO, BÁO CÁO); a dispatch (công văn) has a
    "V/v …" subject line instead; anything else (an article on a portal or in a newspaper) is a notice whose
    headline is its first paragraph. A decision that approves a program keeps the name "decision"."""
    for index, para in enumerate(paras[:80]):
        if para.kind != "plain":
            continue
        body = para.body.strip()
        if re.match(r"^V/v\b", body):
            return index, "dispatch"
        for kind, pattern in DOC_NAMES.items():
            if kind != "plan" and pattern.match(body) and _is_caps(body[:12]) and len(fold(body)) < 200:
                return index, kind
        if re.match(r"^Kính\s+gửi\b", body):
            return index, "dispatch"
    first = next((i for i, p in enumerate(paras) if len(p.body) > 20), 0)
    return first, "notice"


RE_RULE = re.compile(r"^[-_=–—.*~\s]{3,}$")


def _title(paras: list[Para], genre: int, name: re.Pattern = RE_GENRE) -> tuple[str, int, int, int]:
    """The title lines after KẾ HOẠCH (or the name of another kind of document): (title, first line, last line,
    index of the next paragraph)."""
    head = paras[genre]
    if head.kind != "plain" or not name.match(head.body):  # a dispatch's "V/v …" line, a news headline
        title = re.sub(r"^V/v\s*:?\s*", "", head.body).strip(" :")
        return title, head.start, head.end, genre + 1
    rest = name.sub("", head.body, count=1).strip(" :")
    parts, start, end = ([rest], head.start, head.end) if rest else ([], None, None)
    index = genre + 1
    while index < len(paras):
        para = paras[index]
        body = para.body
        folded = fold(body)
        if RE_RULE.match(body):  # the typed rule under the title ("-----", "_____")
            index += 1
            if parts:
                break
            continue
        legal = re.match(r"^(thuc hien|trien khai|can cu)\s+(" + "|".join(fold(t) for t in DOC_TYPES) + r")\b.{0,80}"
                         r"(\bso\b|\d+/)", folded) is not None
        preamble = (folded.startswith(("can cu", "(")) or body.endswith(":") or legal
                    or para.kind in ("roman", "number", "letter", "bullet") or (parts and len(body) > 230))
        if preamble:
            break
        if parts and _is_caps(" ".join(parts)) and not _is_caps(body) and not body[:1].islower():
            break  # a title in capitals ends where the sentence-case text begins
        if parts and not body[:1].islower() and head.end < para.start - 1 and end is not None \
                and para.start - end > 1 and not _is_caps(body):
            # a blank line ends the title, unless the next line obviously continues it
            break
        parts.append(body)
        start = start or para.start
        end = para.end
        index += 1
        if len(" ".join(parts)) > 400:
            break
    if len(parts) > 1 and RE_AUTHORITY.match(parts[-1]):
        parts.pop()  # "THỦ TƯỚNG CHÍNH PHỦ" above a decision's legal basis is its authority, not its title
    title = " ".join(parts).strip(" :")
    return title, start or head.start, end or head.end, index


RE_MOTTO = re.compile(r"C[ỘO]NG\s+H[ÒOÕ]A\s+X[ÃA]\s+H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM|"
                      r"Đ[ỘO]C\s+L[ẬA]P\s*[-–]\s*T[ỰU]\s+DO\s*[-–]\s*H[ẠA]NH\s+PH[ÚU]C|S[ỐO]\s*:.*$", re.IGNORECASE)


def _issuer_from_header(lines: list[str], genre_line: int) -> str | None:
    caps = []
    for raw in lines[: max(genre_line - 1, 0)]:
        line = " ".join(RE_MOTTO.sub(" ", raw).split())
        folded = fold(line)
        if folded in ("quyet dinh", "ke hoach", "bao cao", "to trinh", "chi thi", "thong bao", "cong van"):
            break  # the issuing body stands above the name of the document
        if not line or any(folded.startswith(n) for n in NATIONAL) or folded.startswith("so"):
            continue
        if RE_PLACE_DATE.match(line) or set(line) <= set("-_–—=* "):
            continue
        if _is_caps(line):
            caps.append(line.strip("-_ "))
    return " ".join(caps) or None


RE_ISSUER_SENTENCE = re.compile(
    r"(?P<issuer>(?:Ủy|Uỷ|UỶ|ỦY)\s+ban\s+nhân\s+dân|UBND)\s+(?P<rest>[^,;:]{0,60}?)\s+"
    r"(?:ban\s+hành|xây\s+dựng|triển\s+khai|thực\s+hiện)\s+(?:Kế|kế)\s+hoạch", re.IGNORECASE)
LEVELS = ("thành phố", "tỉnh", "phường", "xã", "quận", "huyện", "thị xã", "thị trấn", "đặc khu")


def _issuer_from_text(preamble: str, title: str) -> str | None:
    m = RE_ISSUER_SENTENCE.search(preamble)
    if not m:
        return None
    rest = m["rest"].strip()
    issuer = f"Ủy ban nhân dân {rest}".strip()
    if rest.lower() in LEVELS:
        # "Ủy ban nhân dân tỉnh" -> complete the name from the title ("... tỉnh Ninh Bình")
        name = re.search(rf"(?i:\b{rest})\s+([A-ZĐÂĂÊÔƠƯÁÀẢÃẠỦ][^\s,;.]*(?:\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠỦ][^\s,;.]*)*)",
                         title)
        if name:
            proper = name.group(1)
            proper = proper.title() if proper.isupper() else proper
            issuer = f"Ủy ban nhân dân {rest.lower()} {proper}"
    return issuer


def _period(title: str) -> str | None:
    m = re.search(r"giai\s+đoạn\s+(20\d\d)\s*[-–—]\s*(20\d\d)", title, flags=re.IGNORECASE)
    if m:
        return f"{m[1]}-{m[2]}"
    m = re.search(r"(20\d\d)\s*[-–—]\s*(20\d\d)", title)
    if m and re.search(r"giai\s+đoạn|đến\s+năm", title, re.IGNORECASE):
        return f"{m[1]}-{m[2]}"
    m = re.search(r"năm\s+(20\d\d)", title, flags=re.IGNORECASE)
    if m:
        return m[1]
    years = re.findall(r"\b(20\d\d)\b", title)
    return years[0] if years else None


def _legal_basis(paras: list[Para]) -> list[dict]:
    """Every document the preamble cites with a number or a date, once: "Quyết định số 732/QĐ-TTg ngày 24/4/2026 …"."""
    found: dict[str, dict] = {}
    for para in paras:
        body = para.body
        if fold(body).startswith("(ban hanh kem theo"):
            continue  # the decision that issues the plan, not a document the plan implements
        citations = []
        for m in RE_CITATION.finditer(body):
            dated = RE_CITED_DATE.match(body[m.end():])
            if m["number"] or dated:  # "Chương trình phòng, chống mại dâm" inside a title is not a citation
                citations.append((m, dated))
        for position, (m, dated) in enumerate(citations):
            stop = citations[position + 1][0].start() if position + 1 < len(citations) else len(body)
            segment = body[m.start():stop]
            segment = re.split(r";|\s+(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân\s+\S+\s+\S*\s*(?:ban hành|xây dựng)", segment)[0]
            segment = segment.rstrip(" ,;:.").removesuffix(" và").removesuffix(",")
            number = m["number"]
            key = number or fold(segment[:60])
            if key in found:
                continue
            after = segment[m.end() - m.start() + (dated.end() if dated else 0):]
            issuer = re.match(r"\s*của\s+(.+?)(?=\s+(?:về|phê duyệt|quy định|ban hành|hướng dẫn)\b|,|$)", after)
            subject = re.search(r"\b(?:về việc|về|phê duyệt|quy định)\s+(.+)$", after)
            found[key] = {
                "text": segment.strip(),
                "kind": m["type"],
                "number": number,
                "date": parse_date(dated["date"]) if dated else None,
                "issuer": issuer[1].strip() if issuer else None,
                "title": subject.group(0).strip() if subject else None,
                "lines": [para.start, para.end],
            }
    return list(found.values())


# ----------------------------------------------------------------------------------------- targets

COUNT_UNITS = ("người", "buổi", "vụ án", "vụ", "lớp", "cuộc", "tin, bài", "tin bài", "tin", "bài", "lượt",
               "cơ sở", "đợt", "hội nghị", "mô hình", "đối tượng", "tụ điểm", "điểm", "chuyên mục", "phóng sự",
               "pano", "tờ rơi", "câu lạc bộ", "nhóm", "xã", "phường", "trường", "doanh nghiệp", "học sinh",
               "sinh viên", "cán bộ", "hộ", "phụ nữ", "lao động", "trường hợp", "đơn vị", "bản", "chương trình",
               "số", "ấn phẩm", "tài liệu", "video", "cơ quan", "đường dây", "ổ nhóm", "lần", "vụ việc", "hội thi",
               "cuộc thi", "bản tin", "clip", "khẩu hiệu", "băng rôn", "áp phích")
_UNITS = "|".join(sorted((re.escape(u) for u in COUNT_UNITS), key=len, reverse=True))
_NUM = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"
_PCT = r"\d{1,3}(?:[,.]\d{1,2})?(?!\d)"  # 95,5 and 1.5 are decimals in a percentage
RE_RANGE = re.compile(rf"(?:từ\s+)?(?P<a>{_NUM})\s*(?P<u1>%)?\s*(?:đến|tới|-|–|—)\s*(?P<b>{_NUM})\s*"
                      rf"(?P<unit>%|{_UNITS})(?!\w)", re.IGNORECASE)
RE_PERCENT = re.compile(rf"(?<![\d/.,])(?P<a>{_PCT})\s*%")
RE_COUNT = re.compile(rf"(?<![\d/.,])(?P<a>{_NUM})\s+(?P<unit>{_UNITS})(?!\w)", re.IGNORECASE)
RE_TRAJECTORY = re.compile(r"năm\s+(?P<y>20\d\d)\s*[:=]\s*(?P<a>\d+(?:,\d+)?)\s*%", re.IGNORECASE)
RE_ZERO = re.compile(r"\bkhông\s+(?:để\s+)?(?:phát\s+sinh|hình\s+thành|tái\s+(?:phát\s+sinh|hoạt\s+động|hình\s+thành)"
                     r"|xảy\s+ra|có)\b", re.IGNORECASE)
NOT_BEFORE = re.compile(r"(?:\b(?:năm|ngày|tháng|số|điều|khoản|điểm|mục|chương|nghị định|quyết định|chỉ thị|"
                        r"thông tư|luật|đội|ban chỉ đạo|kế hoạch|giai đoạn|lần thứ|khóa|phụ lục)\s*)$", re.IGNORECASE)
COMPARATORS = (
    ("gte", re.compile(r"(?:ít\s+nhất|tối\s+thiểu|không\s+dưới|không\s+ít\s+hơn|từ)\s*(?:là\s*)?(?:đạt\s*)?$",
                       re.IGNORECASE)),
    ("lte", re.compile(r"(?:không\s+quá|tối\s+đa|không\s+vượt\s+quá|không\s+vượt)\s*$", re.IGNORECASE)),
    ("gt", re.compile(r"(?:\btrên|\bhơn|\bvượt|cao\s+hơn)\s*(?:mức\s*)?$", re.IGNORECASE)),
    ("lt", re.compile(r"(?:\bdưới|ít\s+hơn|thấp\s+hơn)\s*(?:mức\s*)?$", re.IGNORECASE)),
)
STRIVE = re.compile(r"\b(?:phấn\s+đấu|phần\s+đầu|phấn\s+đầu|phân\s+đấu)\b", re.IGNORECASE)
COMMIT = re.compile(r"\b(?:phấn\s+đấu|ít\s+nhất|tối\s+thiểu|không\s+dưới|đạt|bảo\s+đảm|đảm\s+bảo|100\s*%)",
                    re.IGNORECASE)
HISTORY = re.compile(r"\b(?:đã\s+(?:đạt|tổ\s+chức|kiểm\s+tra|phát\s+hiện|xử\s+lý|triệt)|kết\s+quả\s+(?:năm|đạt)|"
                     r"so\s+với\s+cùng\s+kỳ|tăng\s+\d|giảm\s+\d)", re.IGNORECASE)
RE_YEAR = re.compile(r"(?:đến|tới|trong)\s+năm\s+(20\d\d)", re.IGNORECASE)
RE_SCOPE = re.compile(r"(?:\bở\s+|\btại\s+|\bcủa\s+)?(?P<scope>cấp\s+(?:Thành\s+phố|thành\s+phố|tỉnh|Tỉnh|trung\s+ương|"
                      r"xã(?:,\s*phường)?|phường|huyện|quận|cơ\s+sở)|(?:các\s+)?xã,\s*phường(?:,\s*thị\s+trấn)?)",
                      re.IGNORECASE)
POPULATION_STOP = re.compile(
    r"\s+(?:đều\s+)?được\s|\s+(?:xây\s+dựng|tổ\s+chức|thực\s+hiện|ban\s+hành|triển\s+khai|có\s+nhu\s+cầu\s+và|"
    r"tham\s+gia\s+các|lồng\s+ghép|duy\s+trì|liên\s+quan\s+đến\s+hành\s+vi)\b|[;:]", re.IGNORECASE)


def _number(text: str) -> float:
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return float(text.replace(".", ""))
    return float(text.replace(",", "."))


def _clean_value(value: float):
    return int(value) if float(value).is_integer() else value


@dataclass
class Figure:
    start: int
    end: int
    metric: str
    value: float
    value_max: float | None = None
    comparator: str | None = None
    explicit: bool = False
    unit: str = ""


def _figures(body: str) -> list[Figure]:
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in RE_RANGE.finditer(body):
        if NOT_BEFORE.search(body[: m.start()]) or "/" in body[max(m.start() - 1, 0):m.start()]:
            continue
        low, high = _number(m["a"]), _number(m["b"])
        if m["u1"] and m["unit"] != "%":
            continue
        if m["unit"] != "%" and (low >= 1900 or high >= 1900) or high <= low:
            continue
        metric = "percent" if m["unit"] == "%" else "count"
        figures.append(Figure(m.start(), m.end(), metric, low, high, "range", True, m["unit"]))
        taken.append((m.start(), m.end()))
    for m in RE_PERCENT.finditer(body):
        if free(m.start(), m.end()):
            figures.append(Figure(m.start(), m.end(), "percent", _number(m["a"])))
            taken.append((m.start(), m.end()))
    for m in RE_COUNT.finditer(body):
        if not free(m.start(), m.end()) or NOT_BEFORE.search(body[: m.start()]):
            continue
        value = _number(m["a"])
        if 1900 <= value <= 2100 and "." not in m["a"]:
            continue
        figures.append(Figure(m.start(), m.end(), "count", value, unit=m["unit"]))
        taken.append((m.start(), m.end()))
    figures.sort(key=lambda f: f.start)
    # decide the comparators
    lead = None
    for figure in figures:
        if figure.comparator == "range":
            lead = None
            continue
        window = body[: figure.start]
        clause_start = max(window.rfind(";"), window.rfind(":"))
        for name, pattern in COMPARATORS:
            if pattern.search(window[-30:]):
                figure.comparator, figure.explicit = name, True
                break
        after = body[figure.end:figure.end + 12].lower()
        if figure.comparator is None and re.match(r"\s*trở\s+lên", after):
            figure.comparator, figure.explicit = "gte", True
        elif figure.comparator is None and re.match(r"\s*trở\s+xuống", after):
            figure.comparator, figure.explicit = "lte", True
        if figure.comparator is None:
            if figure.value == 100 and figure.metric == "percent":
                figure.comparator = "eq"
            elif lead is not None:
                figure.comparator = lead
            elif STRIVE.search(window[clause_start + 1:] if clause_start >= 0 else window) or STRIVE.search(window):
                figure.comparator, figure.explicit = "gte", True
            else:
                figure.comparator = "eq"
        if figure.value == 100 and figure.metric == "percent" and figure.comparator in ("gte", "gt"):
            figure.comparator = "eq"
        if figure.explicit and figure.comparator in ("gte", "gt", "lte", "lt") and lead is None:
            lead = figure.comparator
    return figures


def _population(segment: str, figure: Figure) -> str:
    text = segment
    if figure.metric == "count" and figure.unit:
        text = f"{figure.unit} {text.strip()}" if not text.strip().lower().startswith(figure.unit.lower()) else text
    text = re.sub(r"^các\s+", "", text.strip())  # "100% các xã" counts xã
    stop = POPULATION_STOP.search(text)
    if stop and stop.start() > 3:
        text = text[: stop.start()]
    return text.strip(" ,;.:-–()")[:300]


def _scope(segment: str) -> str | None:
    m = RE_SCOPE.search(segment)
    if not m:
        return None
    scope = " ".join(m["scope"].split())
    return scope if scope.lower().startswith("cấp") else "cấp " + scope.removeprefix("các ").strip()


def _targets_from(para: Para, body: str, section: str, in_targets: bool, heading_year: int | None) -> list[dict]:
    figures = _figures(body)
    if not figures:
        return []
    if not in_targets:
        # outside a targets section: only commitments (comparator or target verb), never history
        if HISTORY.search(body) or not COMMIT.search(body):
            return []
        figures = [f for f in figures if f.explicit or f.metric == "percent" or f.comparator == "range"]
        if not figures:
            return []
    items = []
    several = len(figures) > 1
    for position, figure in enumerate(figures):
        stop = figures[position + 1].start if position + 1 < len(figures) else len(body)
        segment = body[figure.end:stop]
        if position + 1 < len(figures):
            segment = re.sub(r"(?:,|;|\bvà\b|\bvới\b)?\s*(?:ít nhất|tối thiểu|trên|từ|đạt|không dưới)?\s*$", "",
                         segment.strip())
        population = _population(segment, figure)
        before = body[:figure.start]
        year_match = list(RE_YEAR.finditer(before[-60:]))
        year = int(year_match[-1][1]) if year_match else heading_year
        scope_segment = segment if several else ""
        clause_start = max(before.rfind(";"), before.rfind(":")) + 1
        same_clause = [f for f in figures if f.start >= clause_start and ";" not in body[figure.end:f.start]]
        prefix = body[clause_start:same_clause[0].start] if same_clause else ""
        tail = body[same_clause[-1].end:].split(";")[0]
        tail = tail[POPULATION_STOP.search(tail).start():] if POPULATION_STOP.search(tail) else ""
        indicator = catalogue.match(fold(f"{prefix} {population}"), figure.metric) or catalogue.match(
            fold(f"{prefix} {population} {tail}"), figure.metric)
        items.append({
            "text": body,
            "metric": figure.metric,
            "comparator": figure.comparator,
            "value": _clean_value(figure.value),
            "value_max": _clean_value(figure.value_max) if figure.value_max is not None else None,
            "year": year,
            "population": population,
            "scope": _scope(scope_segment) if several else None,
            "indicator": indicator,
            "lines": [para.start, para.end],
            "section": section,
        })
    return items


def _zero_target(para: Para, body: str, section: str, heading_year: int | None) -> dict | None:
    m = RE_ZERO.search(body)
    if not m:
        return None
    population = POPULATION_STOP.split(body[m.end():].strip(), maxsplit=1)[0].strip(" ,;.")
    return {
        "text": body, "metric": "count", "comparator": "eq", "value": 0, "value_max": None,
        "year": heading_year, "population": population[:300], "scope": None,
        "indicator": catalogue.match(fold(body), "count"), "lines": [para.start, para.end], "section": section,
    }


def _heading_year(para: Para) -> int | None:
    for heading in reversed(para.heading_path):
        m = re.search(r"(?:năm|đến)\s+(20\d\d)", heading.body, re.IGNORECASE)
        if m and len(heading.body) < 120:
            return int(m[1])
    return None


def extract_targets(paras: list[Para]) -> list[dict]:
    targets: list[dict] = []
    previous: list[dict] = []
    for para in paras:
        if para.category in ("budget", "") or para.is_heading or para.body.endswith(":"):
            previous = []
            continue
        in_targets = para.category == "targets"
        body = para.body
        section = ref_of(para)
        heading_year = _heading_year(para) if in_targets else None
        trajectory = list(RE_TRAJECTORY.finditer(body))
        if len(trajectory) >= 2:
            base = previous[-1] if previous and not RE_TRAJECTORY.search(previous[-1]["text"]) else None
            if base is not None and len(previous) == 1:
                targets.remove(base)
            if base is None:  # "Tỷ lệ xã, phường không có tụ điểm: Năm 2026: 60%; …" names its population first
                lead_in = re.sub(r"^(?:tỷ\s+lệ|phấn\s+đấu)\s+", "", body[:trajectory[0].start()].strip(" -:;,("),
                                 flags=re.IGNORECASE)
                base = {"text": "", "comparator": None, "population": lead_in[:300], "scope": None,
                        "indicator": catalogue.match(fold(lead_in), "percent") if lead_in else None,
                        "lines": [para.start, para.end], "section": section, "metric": "percent"}
            for m in trajectory:
                value = _clean_value(_number(m["a"]))
                targets.append({
                    **base,
                    "text": f"{base['text']} {body}".strip(),
                    "metric": "percent",
                    "comparator": "eq" if value == 100 else (base["comparator"] or "eq"),
                    "value": value, "value_max": None, "year": int(m["y"]),
                    "lines": [base["lines"][0], para.end],
                })
            previous = []
            continue
        items = _targets_from(para, body, section, in_targets, heading_year)
        if not items and in_targets:
            zero = _zero_target(para, body, section, heading_year)
            if zero:
                items = [zero]
            elif para.level == 9 or not para.is_heading:
                items = [{
                    "text": body, "metric": "qualitative", "comparator": None, "value": None, "value_max": None,
                    "year": heading_year, "population": "", "scope": None, "indicator": catalogue.match(fold(body)),
                    "lines": [para.start, para.end], "section": section,
                }]
        targets.extend(items)
        previous = items
    return targets


# ------------------------------------------------------------------------------------------ agencies

AGENCY_HEADS = (
    "sở", "công an", "ủy ban", "uỷ ban", "ubnd", "ubmttq", "phòng", "viện", "tòa", "toà", "hội", "đoàn", "liên đoàn",
    "ban", "trạm", "trung tâm", "chi cục", "chi nhánh", "văn phòng", "cơ quan", "bộ", "đài", "báo", "các",
    "mặt trận", "cục", "thường trực", "hđnd", "đảng ủy", "đảng uỷ", "cán bộ", "công chức", "lực lượng",
    "ngân hàng", "bảo hiểm", "trường", "kho bạc", "thanh tra", "quân sự", "bộ chỉ huy", "tổ dân phố", "tổ công tác",
    "đội",
    "chủ tịch", "liên minh", "tỉnh đoàn", "thành đoàn", "hội đồng", "tổng", "cơ sở", "viện kiểm sát",
)
AGENCY_TAIL = re.compile(
    r"\s*(?:(?:và\s+)?(?:các\s+)?(?:cơ\s+quan|đơn\s+vị)(?:,\s*đơn\s+vị)?\s+(?:có\s+)?liên\s+quan|"
    r"(?:thực\s+hiện\s+)?theo\s+chức\s+năng.*|(?-i:chủ\s+trì.*|thực\s+hiện.*|phối\s+hợp.*))\s*$", re.IGNORECASE)
RE_ASSIGN = re.compile(r"^(?P<role>(?:Cơ\s+quan|Đơn\s+vị)\s+(?:chủ\s+trì|phối\s+hợp|thực\s+hiện)(?:\s+thực\s+hiện)?|"
                       r"Phân\s+công(?:\s+thực\s+hiện)?|Chủ\s+trì|Phối\s+hợp|"
                       r"Thời\s+(?:gian|hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành))?|Tiến\s+độ)\s*:\s*(?P<value>.*)$",
                       re.IGNORECASE)


def _starts_agency(text: str) -> bool:
    low = text.lower()
    return any(low == head or low.startswith(head + " ") or low.startswith(head + ",") for head in AGENCY_HEADS)


BOILERPLATE = re.compile(r"\s*(?:thực\s+hiện\s+|tổ\s+chức\s+chỉ\s+đạo\s+)?theo\s+chức\s+năng,?\s*nhiệm\s+vụ"
                         r"(?:,?\s*(?:và\s+)?quyền\s+hạn)?(?:\s+được\s+giao)?|\s+tổ\s+chức\s+chỉ\s+đạo\b",
                         re.IGNORECASE)


def split_agencies(text: str) -> list[str]:
    """ "Sở Y tế, Sở Giáo dục và Đào tạo, đề nghị Ủy ban MTTQ ... và các cơ quan liên quan." -> names."""
    text = " ".join(text.split()).strip(" .;:")
    text = BOILERPLATE.sub("", re.sub(r"\([^)]*\)", "", text))
    pieces: list[str] = []
    for raw in re.split(r"\s*[,;]\s*", text):
        piece = re.sub(r"^(?:đề\s+nghị|giao|yêu\s+cầu)\s+", "", raw.strip(), flags=re.IGNORECASE)
        piece = AGENCY_TAIL.sub("", piece).strip(" .")
        if not piece:
            continue
        if pieces and (len(piece.split()) == 1 and piece[:1].islower() or not _starts_agency(piece)
                       or (pieces[-1].lower().startswith("các") and piece[:1].islower())):
            pieces[-1] = f"{pieces[-1]}, {piece}"
            continue
        pieces.append(piece)
    names: list[str] = []
    for piece in pieces:
        parts = re.split(r"\s+và\s+", piece)
        current = parts[0]
        for part in parts[1:]:
            if _starts_agency(part) and _starts_agency(current) and not current.lower().startswith("văn phòng"):
                names.append(current)
                current = part
            else:
                current = f"{current} và {part}"
        names.append(current)
    cleaned = []
    for name in names:
        name = AGENCY_TAIL.sub("", name).strip(" .,;")
        if name and fold(name) not in ("cac co quan lien quan", "co quan lien quan") and len(name) < 160:
            cleaned.append(name[:1].upper() + name[1:] if name[:1].islower() and not name.startswith("các") else name)
    return cleaned


RE_PARTNERS = re.compile(
    r"\b[Pp]hối\s+hợp(?:\s+chặt\s+chẽ)?(?:\s+với)?\s+(?P<who>.+?)(?=\s+(?:tổ\s+chức|triển\s+khai|thực\s+hiện|xây\s+dựng|"
    r"quản\s+lý|tham\s+mưu|kiểm\s+tra|nghiên\s+cứu|hướng\s+dẫn|tuyên\s+truyền|rà\s+soát|hỗ\s+trợ|cung\s+cấp|trong|để|"
    r"nhằm|duy\s+trì|nâng\s+cao|tập\s+huấn|chỉ\s+đạo|ngăn\s+chặn|thông\s+tin|theo|khi|kiện\s+toàn|tăng\s+cường|"
    r"đấu\s+tranh|thống\s+kê|định\s+kỳ|báo\s+cáo|cùng\s+cấp|đẩy\s+mạnh|giải\s+quyết|xử\s+lý|phát\s+hiện|vận\s+động|về|thường\s+xuyên)\b|"
    r"[;.:]|$)")
GENERIC_AGENCIES = {"cac", "co quan", "luc luong", "don vi", "doan the", "cac co quan", "cac don vi", "cac nganh",
                    "nganh"}


def partners_in(text: str, lead: list[str]) -> list[str]:
    names: list[str] = []
    for m in RE_PARTNERS.finditer(text):
        if text[m.start()] == "P" and m.start() > 0 and text[:m.start()].rstrip()[-1:] not in ".;:,":
            continue  # "Hội đồng Phối hợp phổ biến…": a capital inside a sentence is part of a name
        who = m["who"].strip()
        if not _starts_agency(who) or len(who) > 200:
            continue
        for name in split_agencies(who):
            if fold(name) in GENERIC_AGENCIES:
                continue
            if name not in names and name not in lead:
                names.append(name)
    return names


def _agency_heading(para: Para) -> list[str] | None:
    body = para.body.strip(" .:")
    if len(body) > 160 or body.endswith(";"):
        return None
    stripped = re.sub(r"^(?:đề\s+nghị|giao)\s+", "", body, flags=re.IGNORECASE)
    if not _starts_agency(stripped) or fold(stripped).startswith(("cong tac", "to chuc ")):
        return None
    # an agency heading is a name, not a sentence: no verb of duty in it
    if re.search(r"\b(?:tăng\s+cường|đẩy\s+mạnh|nâng\s+cao|xây\s+dựng|thực\s+hiện|triển\s+khai|đưa|quan\s+tâm)\b",
                 stripped, re.IGNORECASE):
        return None
    names = split_agencies(stripped)
    return names or None


# -------------------------------------------------------------------------------------------- tasks

def _title_of(body: str) -> str:
    first = re.split(r"(?<=[.;:])\s", body, maxsplit=1)[0].rstrip(" .;:")
    if len(first) > 160:
        cut = first[:160].rsplit(" ", 1)[0]
        first = cut + "…"
    return first


CLOSING = re.compile(r"^(?:Trên\s+đây\s+là|(?:Trong\s+)?quá\s+trình\s+(?:triển\s+khai\s+|tổ\s+chức\s+)?thực\s+hiện,?\s+"
                     r"nếu)", re.IGNORECASE)


TABLE_COLUMNS = (("lead", ("chu tri",)), ("partners", ("phoi hop",)),
                 ("timing", ("thoi gian", "thoi han", "tien do")), ("ref", ("stt", "tt", "so tt")),
                 ("text", ("noi dung", "nhiem vu", "hoat dong", "giai phap", "cong viec")))


def _table_row(para: Para, columns: dict[str, int] | None, tasks: list[dict]) -> dict[str, int] | None:
    """One row of an assignment table: the header row sets the columns, the others are tasks."""
    cells = [cell.strip() for cell in para.body.split("|")]
    folded = [fold(cell) for cell in cells]
    if any("chu tri" in cell for cell in folded) or (columns is None and any("noi dung" in c for c in folded)):
        found: dict[str, int] = {}
        for index, cell in enumerate(folded):
            for name, keys in TABLE_COLUMNS:
                if name not in found and (cell in keys or any(key in cell for key in keys if len(key) > 3)):
                    found[name] = index
                    break
        return found if "text" in found else None
    if columns is None:
        return None

    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    text, lead = cell("text"), cell("lead")
    if not text or (not lead and not cell("partners") and not cell("timing")):
        return columns  # a group row ("I | Công tác tuyên truyền | | |")
    tasks.append({
        "ref": f"PL-{cell('ref') or len(tasks) + 1}", "title": _title_of(text), "text": text, "heading": None,
        "lead": split_agencies(lead), "partners": split_agencies(cell("partners")),
        "timing": cell("timing") or None, "lines": [para.start, para.end], "section": "PL", "_level": 9,
    })
    return columns


RE_SENTENCE_LEAD = re.compile(
    r"(?:^|(?<=[.;:]\s))(?:(?:Giao|Đề\s+nghị|Yêu\s+cầu)\s+)?(?P<who>[^.;:]{3,120}?)\s+(?:(?:là\s+cơ\s+quan\s+)?chủ\s+trì|"
    r"là\s+cơ\s+quan\s+thường\s+trực|thường\s+trực|(?:tổ\s+chức\s+)?thực\s+hiện|triển\s+khai\s+thực\s+hiện)\b")
DUTY_VERB = re.compile(r"\b(?:tăng\s+cường|đẩy\s+mạnh|nâng\s+cao|xây\s+dựng|triển\s+khai|tổ\s+chức|kiểm\s+tra|"
                       r"rà\s+soát|tuyên\s+truyền|phối\s+hợp|tham\s+mưu|hướng\s+dẫn|quản\s+lý|theo\s+dõi|hỗ\s+trợ|đăng\s+tải|"
                       r"phát|lập|quan\s+tâm|đưa)\b", re.IGNORECASE)


def lead_in(text: str) -> list[str]:
    """The lead agency a task's own sentence names: "Công an phường chủ trì, phối hợp với …", "Giao Văn phòng …
    thực hiện", "Phòng Kinh tế thực hiện thường xuyên"."""
    for m in RE_SENTENCE_LEAD.finditer(text):
        who = m["who"].strip(" ,")
        who = re.sub(r"^(?:Giao|Đề\s+nghị|Yêu\s+cầu)\s+", "", who, flags=re.IGNORECASE)
        if not _starts_agency(who) or len(who.split()) > 14 or fold(who).startswith(("cac co quan", "to chuc ")):
            continue
        if DUTY_VERB.search(who):
            continue
        names = [n for n in split_agencies(who) if fold(n) not in GENERIC_AGENCIES]
        if names:
            return names
    return []


def extract_tasks(paras: list[Para]) -> list[dict]:
    tasks: list[dict] = []
    pending: list[dict] = []  # items written since the last "Cơ quan chủ trì / phối hợp" lines
    assigned = False
    bullet_counts: dict[str, int] = {}
    agency_block: tuple[Para, list[str]] | None = None
    columns: dict[str, int] | None = None
    for para in paras:
        if para.kind == "row":
            columns = _table_row(para, columns, tasks)
            continue
        category = para.category
        if category not in ("tasks", "org", "mixed"):
            pending, agency_block = [], None
            continue
        assign = RE_ASSIGN.match(para.body) if para.kind in ("bullet", "plain") else None
        if assign:
            role = fold(assign["role"])
            names = split_agencies(assign["value"])
            targets = pending or (tasks[-1:] if tasks else [])
            for task in targets:
                if "phoi hop" in role:
                    task["partners"] = [n for n in names if n not in task["lead"]]
                elif "thoi gian" in role or "thoi han" in role or "tien do" in role:
                    task["timing"] = assign["value"].strip(" .")
                else:
                    task["lead"] = names
                task["lines"][1] = max(task["lines"][1], para.end)
            assigned = True  # the next item starts a new group
            continue
        if para.level < 9:
            if para.kind != "letter":
                pending = []
            if agency_block and para.level <= agency_block[0].level:
                agency_block = None
            if category == "org" or (category in ("tasks", "mixed") and para.kind == "number"):
                names = _agency_heading(para)
                if names and para.is_heading:
                    agency_block = (para, names, None)
                    continue
            if para.is_heading and len(para.body) < 200:
                continue
        numbered = any(p.kind in ("letter", "number") for p in para.heading_path)
        if category == "mixed" and para.level == 9 and not numbered:
            continue
        if CLOSING.match(para.body) or (para.level == 9 and para.body.endswith(":")):
            agency_block = None
            continue
        if agency_block is not None and para.level == 9:
            if agency_block[2] is None:
                agency_block = (agency_block[0], agency_block[1], para.kind)
            elif agency_block[2] == "bullet" and para.kind == "plain":
                agency_block = None  # a closing paragraph after the agency's bulleted duties
        path = ref_of(para)
        if para.level == 9:
            count = bullet_counts.get(path, 0) + 1
            bullet_counts[path] = count
            ref = f"{path}-{count}" if path else str(count)
        else:
            ref = path
        heading = next((p for p in reversed(para.heading_path) if p.level < 9), None)
        lead = list(agency_block[1]) if agency_block else []
        if not lead:
            lead = lead_in(para.body)
        task = {
            "ref": ref,
            "title": _title_of(para.body),
            "text": para.body,
            "heading": heading.body if heading else None,
            "lead": lead,
            "partners": partners_in(para.body, lead) if agency_block or lead else [],
            "timing": timing_in(para.body),
            "lines": [para.start, para.end],
            "section": path,
            "_level": para.level,
        }
        if assigned:
            pending, assigned = [], False
        tasks.append(task)
        pending.append(task)
    for task in tasks:
        task.pop("_level", None)
        if not task["timing"]:
            task["timing"] = None
    return tasks


def add_due_dates(tasks: list[dict], period: str | None) -> None:
    """Each task's due date from its timing; a day and month without a year take the plan's year (an annual
    plan only: in a plan for 2026-2030 "trước ngày 30/6" names no year)."""
    year = int(period) if period and period.isdigit() else None
    for task in tasks:
        due = due_date(task.get("timing"), year)
        task["due_date"] = due.isoformat() if due else None


# ---------------------------------------------------------------------------------------- reporting

RE_PERIODIC = re.compile(r"định\s+kỳ|hằng\s+(?:tháng|quý|năm)|hàng\s+(?:tháng|quý|năm)|\b0?6\s+tháng|sáu\s+tháng|"
                         r"đột\s+xuất|báo\s+cáo\s+nhanh|tháng,\s*quý", re.IGNORECASE)
RE_FREQ = re.compile(
    r"(?P<S>\b(?:0?6|sáu)\s+tháng(?:\s+đầu\s+năm)?)|(?P<Q>\bquý\b)|(?P<M>\btháng\b(?!\s*\d))|"
    r"(?P<Y>\b(?:01\s+|một\s+|hằng\s+|hàng\s+|cả\s+)?năm\b(?!\s*\d))|(?P<adhoc>đột\s+xuất|báo\s+cáo\s+nhanh)",
    re.IGNORECASE)
RE_DEADLINE = re.compile(r"^[^.;]{0,40}?(?:trước|chậm\s+nhất(?:\s+là)?|không\s+quá)\s+ngày\s+(?P<d>\d{1,2})\s*"
                         r"(?:/|\s+tháng\s+)\s*(?P<m>\d{1,2})", re.IGNORECASE)
RE_RECIPIENT = re.compile(
    r"(?:gửi(?:\s+về)?|về|báo\s+cáo|lên)\s+(?P<to>(?:Sở|Phòng|phòng|Ủy\s+ban|Uỷ\s+ban|UBND|Bộ|Chi\s+cục|Văn\s+phòng|"
    r"Ban|Thường\s+trực|Chủ\s+tịch|Cục|Công\s+an|Ủy\s+ban\s+nhân\s+dân|Hội\s+đồng)\b[^();.:]*?)"
    r"(?=\s*\(|\s+để\b|\s+theo\b|\s+trước\b|\s+định\s+kỳ\b|;|\.|$)")
RE_VIA = re.compile(r"\(\s*qua\s+(?P<via>[^)]+?)\s*\)|"
                    r"\bqua\s+(?P<via2>(?:Sở|Phòng|phòng|Chi\s+cục|Văn\s+phòng)[^,;.()]*)", re.IGNORECASE)


def extract_reporting(paras: list[Para], tasks: list[dict]) -> list[dict]:
    duties: list[dict] = []
    block_lead: dict[int, list[str]] = {}
    for task in tasks:
        if task["lead"]:
            block_lead[task["lines"][0]] = task["lead"]
    for para in paras:
        if para.category in ("objectives", "budget", "targets"):
            continue
        for clause in re.split(r"(?<=[.;])\s+", para.body):
            if not re.search(r"báo\s+cáo", clause, re.IGNORECASE) or not RE_PERIODIC.search(clause):
                continue
            found: list[tuple[str, re.Match]] = []
            for m in RE_FREQ.finditer(clause):
                kind = m.lastgroup
                if kind == "Y" and re.search(r"\btrong\s*$", clause[: m.start()]):
                    continue
                found.append((kind, m))
            if not found:
                continue
            recipient = RE_RECIPIENT.search(clause, found[0][1].start()) or RE_RECIPIENT.search(clause)
            if recipient is None and not re.search(r"trước\s+ngày\s+\d", clause):
                continue  # "giám sát định kỳ, đột xuất và thực hiện chế độ báo cáo": no duty to anyone stated
            via = RE_VIA.search(clause)
            seen = set()
            for kind, m in found:
                if kind in seen:
                    continue
                seen.add(kind)
                deadline = RE_DEADLINE.match(clause[m.end():])
                duties.append({
                    "frequency": kind,
                    "deadline": f"{int(deadline['d']):02d}/{int(deadline['m']):02d}" if deadline else None,
                    "to": " ".join(recipient["to"].split()).strip(" ,") if recipient else None,
                    "via": " ".join((via["via"] or via["via2"]).split()) if via else None,
                    "reporter": ", ".join(block_lead.get(para.start, [])) or None,
                    "text": clause.strip(),
                    "lines": [para.start, para.end],
                })
    return duties


# ---------------------------------------------------------------------------------------- signature

RE_SIGN_LINE = re.compile(r"^(?:TM\.|KT\.|Q\.|TL\.|TUQ\.|CHỦ\s+TỊCH|PHÓ\s+CHỦ\s+TỊCH|GIÁM\s+ĐỐC|PHÓ\s+GIÁM\s+ĐỐC|"
                          r"TRƯỞNG|PHÓ\s+TRƯỞNG|BÍ\s+THƯ)", re.IGNORECASE)


RE_APPENDIX = re.compile(r"^\s*PH[ỤU]\s+L[ỤU]C\b")


def _recipients_and_signature(lines: list[str]) -> tuple[list[str], str | None, str | None, int | None]:
    start = None
    for index in range(len(lines) - 1, -1, -1):
        if re.match(r"^\s*N[ơo]i\s+nh[ậa]n\s*:?", lines[index], re.IGNORECASE):
            start = index
            break
    recipients: list[str] = []
    title_lines: list[str] = []
    name = None
    scan_from = start + 1 if start is not None else max(len(lines) - 25, 0)
    for raw in lines[scan_from:]:
        line = " ".join(raw.split())
        if not line:
            continue
        if RE_SIGN_LINE.match(line):
            title_lines.append(line)
            continue
        if title_lines:
            if re.fullmatch(r"[A-ZĐÀ-Ỹ][^\d#@/]{3,40}", line) and not _is_caps(line) and len(line.split()) <= 6:
                name = line
            continue
        if start is None:
            continue
        if re.match(r"^[-+•]", line):
            recipients.append(line.lstrip("-+• ").rstrip(";,. "))
        elif recipients:
            recipients[-1] = f"{recipients[-1]} {line.rstrip(';,. ')}"
    signer_title = " / ".join(t for t in title_lines if not t.upper().startswith("TM.")) or None
    return recipients, signer_title, name, start


# -------------------------------------------------------------------------------------------- main

def parse_plan(text: str) -> dict:
    """The plan as a dict (shape in issue 3 / docs/plan-import.md); PlanFileError when the text is not a plan."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [normalise(line) for line in lines]
    appendix = next((i for i, line in enumerate(lines) if RE_APPENDIX.match(line)), None)
    closing = lines[:appendix] if appendix is not None else lines
    recipients, signer_title, signer_name, tail = _recipients_and_signature(closing)
    body_lines = lines[:tail] if tail is not None else list(closing)
    if appendix is not None:
        # keep the line numbers: blank out recipients and signature, then read the appendix (task tables)
        body_lines += [""] * (appendix - len(body_lines)) + lines[appendix:]
    paras = paragraphs(body_lines)
    if not paras:
        raise PlanFileError("Văn bản trống, không có nội dung kế hoạch.")
    genre = _genre_line(paras)
    structured = sum(1 for p in paras if p.kind in ("roman", "number"))
    doc_kind, genre_named = "plan", True
    if genre is None:
        genre, doc_kind = _other_genre(paras)
        genre_named = paras[genre].kind != "plain" or any(p.match(paras[genre].body) for p in DOC_NAMES.values()) \
            or paras[genre].body.startswith(("V/v", "Kính gửi"))
        if doc_kind == "report":
            raise PlanFileError("Văn bản này là một báo cáo, không phải là một kế hoạch hay văn bản đặt chỉ tiêu. "
                                "Hãy kiểm tra lại tệp đã chọn.")
    elif structured < 3:
        raise PlanFileError("Văn bản này không phải là một kế hoạch: không thấy tiêu đề “KẾ HOẠCH” ở đầu văn bản "
                            "cùng các phần, mục đánh số (I., II., 1., 2.…). Hãy kiểm tra lại tệp đã chọn.")
    title, title_start, title_end, body_index = _title(paras, genre, DOC_NAMES.get(doc_kind, RE_GENRE))
    header_paras = paras[:genre]
    number = place = date_iso = None
    for para in header_paras:
        line = para.body
        m = RE_NUMBER_LINE.search(line)
        if m and "/" in m["num"] and number is None:
            number = m["num"] if not m["num"].startswith("/") else None
            line = line[m.end():].strip()
        line = RE_MOTTO.sub(" ", line).strip()
        m = RE_PLACE_DATE.match(line)
        if m and place is None:
            place = m["place"].strip()
            date_iso = parse_date(m["rest"])
    first_part = next((i for i, p in enumerate(paras) if p.kind == "roman" and i >= body_index), len(paras))
    preamble = paras[body_index:first_part]
    structure(paras[body_index:])
    body = paras[body_index:]
    if not any(p.category in ("targets", "mixed") for p in body):
        structure(body, specific_goals=True)  # no "CHỈ TIÊU" part: the specific goals are the targets
    if doc_kind != "plan":
        # a reference text: every sentence that commits to a figure is a target, wherever it stands
        for para in body:
            if not para.category and not RE_SIGNOFF.match(para.body):
                para.category = "other"
    if appendix is not None:
        for para in body:  # "PHỤ LỤC", its title and "(Kèm theo …)" are neither targets nor tasks
            if para.start > appendix and para.kind != "row":
                para.category = ""
    issuer = _issuer_from_header(lines, paras[genre].start) or _issuer_from_text(
        " ".join(p.body for p in preamble), title)
    period = _period(title) or _period(" ".join(p.body for p in preamble)[:300])
    tasks = extract_tasks(body)
    add_due_dates(tasks, period)
    result = {
        "number": number,
        "title": title,
        "issuer": issuer,
        "place": place,
        "date": date_iso,
        "period": period,
        "kind": "phase" if period and "-" in period else "annual",
        "title_lines": [title_start, title_end],
        "legal_basis": _legal_basis(preamble),
        "targets": extract_targets(body),
        "tasks": tasks,
        "reporting": extract_reporting(body, tasks),
        "doc_kind": doc_kind,
        "signer_name": signer_name,
        "signer_title": signer_title,
        "recipients": "\n".join(recipients),
        "recipients_list": recipients,
    }
    if not result["targets"] and not result["tasks"]:
        if doc_kind != "plan":
            named = f" ({DOC_KIND_NAMES[doc_kind]})" if genre_named else ""
            raise PlanFileError(f"Văn bản này{named} không phải là một kế hoạch và không nêu chỉ tiêu hay nhiệm vụ "
                                "nào có thể nhập (câu có con số cam kết như “phấn đấu 100%…”, hoặc nhiệm vụ có cơ "
                                "quan chủ trì). Hãy kiểm tra lại tệp đã chọn.")
        raise PlanFileError("Không tìm thấy chỉ tiêu hay nhiệm vụ nào trong văn bản; có lẽ đây không phải là "
                            "một kế hoạch. Hãy kiểm tra lại tệp đã chọn.")
    return result
