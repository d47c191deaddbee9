"""Derive a lower-level plan from the plan of the level above, and see which communes have one.

A commune writes its yearly plan from its province/city plan: the targets that apply to communes
(with the year's value when the parent gives a trajectory), the tasks addressed to "Ủy ban nhân dân
các xã, phường", and a legal basis citing the parent. `derive_preview` shows exactly what
`plan_derive` will copy. `plan_coverage` is the province's view of it (indicator COMMUNES_WITH_PLAN).

Plans always belong to a unit (there is no national unit), so the parent is a province's plan and
the derived plan a commune's.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Substr

from pcmd.core.collation import vi_order
from pcmd.core.models import fold
from pcmd.core.scoping import unit_choices, within
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Agency
from pcmd.org.permissions import allowed

from .agencies import AgencyMatcher
from .export import issuer_sentence_name, place_name, title_in_sentence
from .models import Comparator, DocKind, LegalBasis, Metric, Plan, PlanKind, PlanStatus, Target, Task
from .services import TARGET_FIELDS, target_check

# Scope wording ("Phạm vi cấp") after fold(): communes / the province or city level.
COMMUNE_SCOPE = re.compile(r"\b(cap xa|xa(?! hoi)|phuong|dac khu|co so|thi tran)\b")
PROVINCE_SCOPE = re.compile(r"\b(cap tinh|tinh|thanh pho|cap thanh pho|trung uong|toan quoc)\b")
# Tasks addressed to every commune ("Ủy ban nhân dân các xã, phường", "UBND cấp xã", "các phường, xã" …).
COMMUNES_ADDRESSEE = re.compile(
    r"\b(ubnd|uy ban nhan dan)\s+(cac\s+|cap\s+)?(xa|phuong|dac khu)\b"
    r"|\bcac\s+(xa|phuong)\b"
    r"|\bcap\s+xa\b"
)
# The commune bodies that lead a copied task.
COMMUNE_LEADS = ("ubnd-xa", "phong-vhxh")
COMPARATOR_WORDS = {
    Comparator.EQ: "", Comparator.GTE: "ít nhất ", Comparator.GT: "trên ", Comparator.LTE: "không quá ",
    Comparator.LT: "dưới ",
}


def addressed_to_communes(names: list[str]) -> bool:
    return any(COMMUNES_ADDRESSEE.search(fold(name)) for name in names or ())


def applies_to_communes(target: Target) -> bool:
    """No scope: the whole plan, communes included. A scope naming communes: yes. Only the province: no."""
    scope = fold(target.scope)
    if not scope:
        return True
    if COMMUNE_SCOPE.search(scope):
        return True
    return not PROVINCE_SCOPE.search(scope)


# A target whose population is a body of the province or city ("100% Sở, ban, ngành…"), not a commune's.
PROVINCE_BODY = re.compile(
    r"^(?:[Cc]ác\s+)?(?:Sở\b|[Bb]an,\s*ngành|[Bb]an\s+ngành|[Cc]ông\s+an\s+(?:tỉnh|[Tt]hành\s+phố)|Tòa\s+án|"
    r"Viện\s+[Kk]iểm\s+sát|Bộ\s+[Cc]hỉ\s+huy|[Cc]ấp\s+(?:tỉnh|[Tt]hành\s+phố)|Đội\s+[Kk]iểm\s+tra\s+liên\s+ngành|"
    r"Tổ\s+công\s+tác\s+liên\s+ngành)")  # on the text as written: "Sở" is a department, "số" a number
# A count for each commune ("mỗi xã", "/xã", "mỗi phường") is a commune's; any other count is the province's total.
PER_COMMUNE = re.compile(r"\b(?:moi|tung)\s+(?:xa|phuong|don vi|dac khu)\b|/\s*(?:xa|phuong)\b")
# "60% đội ngũ này": the share refers back to the province's sentence, a figure over the whole province
REFERS_BACK = re.compile(r"\b(?:doi ngu|so|luc luong|nhom|doi tuong) nay\b")


# Tasks a national program gives to every province ("Ủy ban nhân dân các tỉnh, thành phố", "các địa phương").
PROVINCES_ADDRESSEE = re.compile(r"\b(ubnd|uy ban nhan dan)\s+(cac\s+)?tinh\b|\bcac\s+(tinh|dia phuong)\b|"
                                 r"\bdia phuong\b")
PROVINCE_LEADS = ("so-y-te",)


def national_only(target: Target) -> str | None:
    """Why a national program's target stays out of a province's plan, or None when it applies."""
    scope = fold(target.scope)
    if scope and re.search(r"\b(trung uong|toan quoc|ca nuoc)\b", scope):
        return f"chỉ tiêu {target.scope}"
    population = target.population or target.text
    if re.match(r"^(?:[Cc]ác\s+)?(?:Bộ\b|[Bb]ộ,\s*ngành|cơ\s+quan\s+trung\s+ương)", population.strip()):
        return "đối tượng là cơ quan trung ương (Bộ, ngành), không phải của tỉnh, thành phố"
    if target.metric == Metric.COUNT and target.value:
        return "số lượng tính cho cả nước, không chia được cho từng tỉnh, thành phố"
    return None


def province_only(target: Target) -> str | None:
    """Why `target` stays out of a commune's plan (shown in the derive preview), or None when it applies."""
    if not applies_to_communes(target):
        return f"chỉ tiêu {target.scope}"
    population = fold(target.population) or fold(target.text)
    if PROVINCE_BODY.search((target.population or target.text).strip()):
        return "đối tượng là cơ quan cấp tỉnh, thành phố (Sở, ban, ngành…), không phải của xã, phường"
    if REFERS_BACK.search(population):
        return "tỷ lệ tính chung trên toàn tỉnh, thành phố (“… này” nhắc lại đối tượng của câu gốc)"
    if (target.metric == Metric.COUNT and target.value and not PER_COMMUNE.search(population)
            and not PER_COMMUNE.search(fold(target.text))):
        return "số lượng tính cho toàn tỉnh, thành phố, không chia được cho từng xã, phường"
    return None


def _number(value) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def target_sentence(target: Target, *, year: int | None = None) -> str:
    """The target alone, for one year of a trajectory or one figure of a sentence that has several.

    "Phấn đấu năm 2027: ít nhất 70% số cơ sở …" / "60% đội ngũ này tại xã, phường".
    """
    unit = "%" if target.metric == Metric.PERCENT else ""
    if target.comparator == Comparator.RANGE and target.value_max is not None:
        figure = f"từ {_number(target.value)}{unit} đến {_number(target.value_max)}{unit}"
    else:
        figure = f"{COMPARATOR_WORDS.get(target.comparator, '')}{_number(target.value)}{unit}"
    what = target.population or target.text
    sentence = f"{figure} {what}".strip()
    return f"Phấn đấu năm {year}: {sentence}" if year else sentence[:1].upper() + sentence[1:]


def _trajectory_key(target: Target) -> tuple:
    return (fold(target.population) or fold(target.text), fold(target.scope), target.metric, target.indicator)


@dataclass
class CopiedTarget:
    source: Target
    text: str  # as the new plan writes it
    year: int  # the year the copy is for ("đến năm 2030" targets keep 2030)


@dataclass
class DerivePreview:
    targets: list[CopiedTarget] = field(default_factory=list)
    skipped_targets: list[tuple[Target, str]] = field(default_factory=list)  # (parent target, why not)
    tasks: list[Task] = field(default_factory=list)
    leads: list[Agency] = field(default_factory=list)
    basis: str = ""


def _copy(preview: DerivePreview, target: Target, year: int, text: str, exclude=None) -> None:
    reason = (exclude or province_only)(target)
    if reason:
        preview.skipped_targets.append((target, reason))
        return
    try:  # the same rules as the review form (a parent edited before they existed may break them)
        target_check({name: getattr(target, name) for name in TARGET_FIELDS})
    except ValidationError as exc:
        preview.skipped_targets.append((target, f"chỉ tiêu chưa hợp lệ: {' '.join(exc.messages)}"))
        return
    preview.targets.append(CopiedTarget(target, text, year))


REFERENCE_NAMES = {DocKind.DECISION: "Quyết định", DocKind.PROGRAM: "Chương trình", DocKind.DISPATCH: "Công văn",
                   DocKind.GUIDANCE: "Hướng dẫn", DocKind.NOTICE: "Thông báo"}


def basis_text(parent: Plan) -> str:
    """ "Thực hiện Kế hoạch số 12/KH-UBND ngày 05/01/2026 của Ủy ban nhân dân thành phố Hải Phòng về …"; for a
    national program "Thực hiện Quyết định số 1629/QĐ-TTg ngày … của THỦ TƯỚNG CHÍNH PHỦ về việc phê duyệt …"."""
    if parent.is_reference:
        pieces = [f"Thực hiện {REFERENCE_NAMES.get(parent.doc_kind, 'Văn bản')}"]
        if parent.number:
            pieces.append(f"số {parent.number}")
        if parent.issue_date:
            pieces.append(f"ngày {parent.issue_date:%d/%m/%Y}")
        if parent.issuer:
            pieces.append(f"của {parent.issuer}")
        if parent.title:
            title = parent.title.lower() if parent.title.isupper() else parent.title[:1].lower() + parent.title[1:]
            pieces.append(f"về việc {title}")
        return " ".join(pieces) + "."
    pieces = ["Thực hiện Kế hoạch"]
    if parent.number:
        pieces.append(f"số {parent.number}")
    if parent.issue_date:
        pieces.append(f"ngày {parent.issue_date:%d/%m/%Y}")
    pieces.append(f"của {issuer_sentence_name(parent)}")
    title = title_in_sentence(parent)
    if title:
        pieces.append(f"về {title}")
    return " ".join(pieces) + "."


def derive_parents(membership):
    """Plans a member may derive from: their province's plans (any province's for national members)."""
    if membership is None or not allowed(membership.role, "plans", "add"):
        return Plan.objects.none()
    plans = Plan.objects.filter(unit__level=Level.PROVINCE).exclude(status=PlanStatus.SUPERSEDED)
    if membership.unit_id is not None:  # a commune derives from its province's plan, which scoped() would hide
        plans = within(plans, membership.unit.province)
    return plans.select_related("unit").order_by("-period", "-issue_date", "-pk")


def derive_units(membership, parent: Plan):
    """Units the member may write a plan for from `parent` (the unit picker): the communes of the parent's
    province; for a national program (a decision or program imported by the province as a reference text) the
    province itself."""
    if is_national_program(parent):
        return unit_choices(membership, [Level.PROVINCE]).filter(pk=parent.unit_id)
    return unit_choices(membership, [Level.COMMUNE], under=parent.unit).order_by(vi_order())


def is_national_program(plan: Plan) -> bool:
    """A program decision (Quyết định phê duyệt Chương trình …) or program held by a province as a reference
    text: the top of the cascade, from which the province derives its own plan (national -> province)."""
    return plan.doc_kind in (DocKind.DECISION, DocKind.PROGRAM) and plan.unit.level == Level.PROVINCE


def _check_units(parent: Plan, unit: AdminUnit) -> None:
    if parent.unit.level != Level.PROVINCE:
        raise ValidationError("Chỉ xây dựng được kế hoạch từ kế hoạch của tỉnh, thành phố.")
    if is_national_program(parent):
        if unit.pk != parent.unit_id:
            raise ValidationError(f"Chương trình này do {parent.unit.name} lưu; chỉ {parent.unit.name} xây dựng "
                                  "kế hoạch từ chương trình này.")
        return
    if unit.level != Level.COMMUNE or unit.province_id != parent.unit_id:
        raise ValidationError(f"{unit.name} không phải xã, phường thuộc {parent.unit.name}.")


def _check_year(parent: Plan, year: int) -> None:
    years = parent.years
    if years and year not in years:
        raise ValidationError(f"Năm {year} nằm ngoài kỳ của kế hoạch cấp trên ({parent.period}).")


def existing_derived(parent: Plan, unit: AdminUnit, year: int) -> Plan | None:
    return Plan.objects.filter(unit=unit, parent=parent, period=str(year)).first()


def derive_preview(*, parent: Plan, unit: AdminUnit, year: int) -> DerivePreview:
    """What `plan_derive` copies: the targets (with the year's value), the tasks, the leads, the basis."""
    _check_units(parent, unit)
    _check_year(parent, year)
    preview = DerivePreview(basis=basis_text(parent))
    national = is_national_program(parent)
    exclude = national_only if national else province_only
    groups: dict[tuple, list[Target]] = {}
    parent_targets = list(parent.targets.order_by("order", "pk"))
    split_by_level: set[str] = set()  # sentences whose figures are for different levels ("80% … Thành phố và 60% …")
    for target in parent_targets:
        groups.setdefault(_trajectory_key(target), []).append(target)
        if exclude(target):  # the sentence's other figures are written alone ("100% vụ án …")
            split_by_level.add(target.text)
    for targets in groups.values():
        if len({t.year for t in targets if t.year}) > 1:  # a trajectory: the value of `year` only
            chosen = [t for t in targets if t.year == year][:1]
            if not chosen:
                preview.skipped_targets.append((targets[0], f"lộ trình không có giá trị cho năm {year}"))
            for target in chosen:
                _copy(preview, target, year, target_sentence(target, year=year), exclude)
            continue
        for target in targets:
            if target.year and target.year < year:
                preview.skipped_targets.append((target, f"chỉ tiêu của năm {target.year}"))
            elif target.text in split_by_level and target.value is not None:  # only the commune's figure
                _copy(preview, target, target.year or year, target_sentence(target), exclude)
            else:
                _copy(preview, target, target.year or year, target.text, exclude)
    preview.targets.sort(key=lambda copied: (copied.source.order, copied.source.pk))
    if national:
        preview.tasks = [t for t in parent.tasks.order_by("order", "pk")
                         if any(PROVINCES_ADDRESSEE.search(fold(n)) for n in t.lead_names)]
        codes = PROVINCE_LEADS
    else:
        preview.tasks = [t for t in parent.tasks.order_by("order", "pk") if addressed_to_communes(t.lead_names)]
        codes = COMMUNE_LEADS
    by_kind = {a.kind.code: a for a in Agency.objects.filter(unit=unit, is_active=True, kind__code__in=codes)
               .select_related("kind")}
    preview.leads = [by_kind[code] for code in codes if code in by_kind]
    return preview


@transaction.atomic
def plan_derive(*, parent: Plan, unit: AdminUnit, year: int, user, membership=None) -> Plan:
    """Create the commune's draft plan for `year` from its province's plan (refused if it already exists).

    With `membership`, the parent and the unit are checked against it again inside the transaction.
    """
    parent = Plan.objects.select_for_update().select_related("unit").get(pk=parent.pk)
    if membership is not None and not (derive_parents(membership).filter(pk=parent.pk).exists()
                                       and derive_units(membership, parent).filter(pk=unit.pk).exists()):
        raise PermissionDenied
    existing = existing_derived(parent, unit, year)
    if existing is not None:
        raise ValidationError(
            f"{unit.name} đã có kế hoạch năm {year} xây dựng từ kế hoạch này: “{existing}” "
            f"({existing.get_status_display().lower()}). Hãy mở và chỉnh sửa kế hoạch đó thay vì tạo thêm.")
    preview = derive_preview(parent=parent, unit=unit, year=year)
    place = place_name(unit)
    plan = Plan(
        unit=unit, parent=parent, status=PlanStatus.DRAFT, kind=PlanKind.ANNUAL, period=str(year), number="",
        doc_kind=DocKind.PLAN,
        title=f"Kế hoạch phòng, chống mại dâm năm {year}", issuer=f"ỦY BAN NHÂN DÂN {unit.name.upper()}",
        place=place, imported_by=user,
        recipients="\n".join([f"{parent.issuer or parent.unit.name} (để báo cáo);",
                              "Các cơ quan, đơn vị được giao nhiệm vụ;", "Lưu: VT."]),
    )
    plan.full_clean()
    plan.save()
    LegalBasis.objects.create(plan=plan, order=1, text=preview.basis, number=parent.number, date=parent.issue_date,
                              issuer=parent.issuer[:255], title=parent.title)
    Target.objects.bulk_create([
        # the ward's own numbering (1, 2, …), not the section of the province's plan it came from
        Target(plan=plan, order=n, section=str(n), text=c.text, metric=c.source.metric,
               comparator=c.source.comparator, value=c.source.value, value_max=c.source.value_max, year=c.year,
               population=c.source.population, scope=c.source.scope, indicator=c.source.indicator,
               derived_from=c.source)
        for n, c in enumerate(preview.targets, start=1)
    ])
    matcher = AgencyMatcher(unit)
    lead_names = [a.name for a in preview.leads]
    tasks, partners = [], []
    for n, source in enumerate(preview.tasks, start=1):
        found = [a for a in matcher.match_all(source.partner_names) if a not in preview.leads]
        partners.append(found)
        tasks.append(Task(
            plan=plan, order=n, ref=source.ref, title=source.title, text=source.text, lead_names=lead_names,
            partner_names=[a.name for a in found], frequency=source.frequency, timing=source.timing,
            due_date=source.due_date if source.due_date and source.due_date.year == year else None,
            derived_from=source,
        ))
    tasks = Task.objects.bulk_create(tasks)
    Task.lead_agencies.through.objects.bulk_create(
        [Task.lead_agencies.through(task_id=t.pk, agency_id=a.pk) for t in tasks for a in preview.leads])
    Task.partner_agencies.through.objects.bulk_create(
        [Task.partner_agencies.through(task_id=t.pk, agency_id=a.pk) for t, found in zip(tasks, partners, strict=True)
         for a in found])
    return plan


# ---------------------------------------------------------------------------------------------- coverage

@dataclass
class Coverage:
    province: AdminUnit
    year: int
    rows: list[AdminUnit]  # communes annotated with issued_plan / draft_plan (a plan id or None)
    issued: int
    draft: int
    none: int
    figure: object = None  # the engine's COMMUNES_WITH_PLAN for the same communes and year

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> float:
        """COMMUNES_WITH_PLAN as the indicator engine (and the scorecard) computes it."""
        return round(self.figure.value, 1) if self.figure is not None and self.figure.value is not None else 0.0


def plans_for_year(year: int):
    """Plans covering `year`: period "2026", or a phase "2026-2030" that contains it."""
    y = str(year)
    return (Plan.objects.annotate(first_year=Substr("period", 1, 4), last_year=Substr("period", 6, 4))
            .filter(Q(period=y) | Q(period__regex=r"^[0-9]{4}-[0-9]{4}$", first_year__lte=y, last_year__gte=y)))


def plan_coverage(*, province: AdminUnit, year: int, within_unit: AdminUnit | None = None) -> Coverage:
    """Every active commune of `province` (or only those under `within_unit`) with its plan status, one query."""
    covering = plans_for_year(year).filter(unit=OuterRef("pk"))
    communes = within(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True), province)
    if within_unit is not None:
        communes = within(communes, within_unit)
    rows = list(communes.annotate(
        issued_plan=Subquery(covering.filter(status=PlanStatus.ISSUED).order_by("-pk").values("pk")[:1]),
        draft_plan=Subquery(covering.filter(status=PlanStatus.DRAFT).order_by("-pk").values("pk")[:1]),
    ).order_by(vi_order()).only("pk", "code", "name", "path"))
    issued = sum(1 for r in rows if r.issued_plan)
    draft = sum(1 for r in rows if r.draft_plan and not r.issued_plan)
    from pcmd.core.periods import Period
    from pcmd.indicators import engine

    try:
        period = Period.parse(str(year))
    except (ValueError, ValidationError):  # a year no calendar has: no figure (and no error page)
        figure = None
    else:
        figure = engine.unit_breakdown(["COMMUNES_WITH_PLAN"], unit=within_unit or province,
                                       period=period)[1]["COMMUNES_WITH_PLAN"]
    return Coverage(province=province, year=year, rows=rows, issued=issued, draft=draft,
                    none=len(rows) - issued - draft, figure=figure)
