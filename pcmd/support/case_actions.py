"""The steps on a client file, each declared once and run by `core.actions.view` (buttons from the same table).

What each step checks and writes is in `cases.py`; here are its label, the states it runs from, its form and the
service it calls. Both support roles hold "change" on the module: which role runs a step is `roles.STEP_ROLES`
(the file page shows each seat only its own buttons; the services refuse the other role). A counselling request
also gets "Đăng ký hồ sơ từ đề nghị này" (the registration form with the request as intake).
"""

from django.urls import reverse

from pcmd.core.actions import Action, register

from . import case_forms as forms
from . import cases, roles
from .models import CaseStatus, Client, CounsellingRequest, PlanStatus

S = CaseStatus
ACTIVE = (S.OPEN, S.CLOSING)


def _detail(client, result=None, request=None) -> str:
    return reverse("client_detail", args=[client.pk])


def _page(client, request, slug) -> dict:
    refusal = "" if roles.may(request.membership, slug) else roles.refusal(slug)
    return {"client": client, "role_refusal": refusal, "plan": cases.current_plan(client)}


def _plan_in(*statuses):
    return lambda client: (plan := cases.current_plan(client)) is not None and plan.status in statuses


def _no_plan_waiting(client) -> bool:
    plan = cases.current_plan(client)
    return client.screenings.exists() and (plan is None or plan.status != PlanStatus.SUBMITTED)


def step(slug, label, sources, form, service, *, template="support/client_action.html", **options) -> Action:
    return Action(
        model=Client, slug=slug, label=label, sources=sources, form=form, service=service, log_reads=True,
        refused=options.pop("refused", lambda c: f"Không thể “{label.lower()}” khi hồ sơ đang ở tình trạng "
                                                 f"“{c.get_status_display()}”."),
        queryset=lambda: cases.active(Client.objects.select_related("unit", "case_worker")),
        template=template, context=lambda c, request: _page(c, request, slug),
        success=lambda c, result: f"Đã ghi nhận: {label.lower()} — hồ sơ {c.code}.",
        next_url=_detail, back_url=_detail, link=lambda c: reverse("client_action", args=[c.pk, slug]), **options,
    )


def _reason(label, required=True):
    return lambda c, request, data=None, files=None: forms.ReasonForm(data, label=label, required=required)


register(
    step("dong-y", "Ghi nhận đồng ý", ACTIVE,
         lambda c, request, data=None, files=None: forms.ConsentForm(data, files, client=c,
                                                                     membership=request.membership),
         lambda c, d, r: cases.consent_record(
             client=c, membership=r.membership, purposes=d["purposes"], method=d["method"], given_on=d["given_on"],
             expires_on=d.get("expires_on"), provider=d.get("provider"), scan=d.get("scan")),
         icon="bi-pen"),
    step("rut-dong-y", "Rút lại đồng ý", None,
         lambda c, request, data=None, files=None: forms.WithdrawForm(data, client=c),
         lambda c, d, r: cases.consent_withdraw(client=c, membership=r.membership, consent=d["consent"],
                                                note=d["note"]),
         when=lambda c: cases.consents_withdrawable(c).exists(),
         refused=lambda c: "Hồ sơ không còn sự đồng ý nào đang hiệu lực để rút lại.",
         button="btn-outline-secondary", icon="bi-x-circle"),
    step("danh-gia", "Đánh giá nhu cầu", (S.OPEN,),
         lambda c, request, data=None, files=None: forms.ScreeningForm(data),
         lambda c, d, r: cases.screening_record(
             client=c, membership=r.membership, screened_on=d["screened_on"], needs=d["needs"],
             eligible=d["eligible"], health_note=d["health_note"], violence_note=d["violence_note"],
             legal_note=d["legal_note"], other_note=d["other_note"]),
         icon="bi-clipboard2-pulse"),
    step("ke-hoach", "Lập, sửa kế hoạch hỗ trợ", (S.OPEN,),
         lambda c, request, data=None, files=None: forms.PlanForm(data, client=c),
         lambda c, d, r: cases.plan_save(client=c, membership=r.membership, screening=d["screening"],
                                         goals=d.get("goals", [])),
         template="support/client_plan.html", when=_no_plan_waiting,
         refused=lambda c: "Cần đánh giá nhu cầu trước khi lập kế hoạch; kế hoạch đang chờ duyệt thì chưa sửa được.",
         icon="bi-list-check"),
    step("trinh-ke-hoach", "Trình duyệt kế hoạch", (S.OPEN,), None,
         lambda c, d, r: cases.plan_submit(client=c, membership=r.membership),
         when=_plan_in(PlanStatus.DRAFT, PlanStatus.RETURNED),
         refused=lambda c: "Hồ sơ không có kế hoạch đang dự thảo hoặc bị trả lại để trình.", icon="bi-send"),
    step("duyet-ke-hoach", "Duyệt kế hoạch", (S.OPEN,), _reason("Ghi chú", required=False),
         lambda c, d, r: cases.plan_decide(client=c, membership=r.membership, approve=True, reason=d["text"]),
         when=_plan_in(PlanStatus.SUBMITTED), refused=lambda c: "Hồ sơ không có kế hoạch đang chờ duyệt.",
         button="btn-success", icon="bi-check2-circle"),
    step("tra-ke-hoach", "Trả lại kế hoạch", (S.OPEN,), _reason("Lý do trả lại"),
         lambda c, d, r: cases.plan_decide(client=c, membership=r.membership, approve=False, reason=d["text"]),
         when=_plan_in(PlanStatus.SUBMITTED), refused=lambda c: "Hồ sơ không có kế hoạch đang chờ duyệt.",
         button="btn-outline-danger", icon="bi-arrow-return-left"),
    step("muc-tieu", "Cập nhật mục tiêu", ACTIVE,
         lambda c, request, data=None, files=None: forms.GoalsForm(data, plan=cases.current_plan(c)),
         lambda c, d, r: cases.goals_update(client=c, membership=r.membership, statuses=d["statuses"],
                                            note=d["note"]),
         when=_plan_in(PlanStatus.APPROVED), refused=lambda c: "Hồ sơ chưa có kế hoạch đã duyệt.",
         icon="bi-flag"),
    step("theo-doi", "Ghi lần theo dõi", ACTIVE,
         lambda c, request, data=None, files=None: forms.FollowUpForm(data),
         lambda c, d, r: cases.follow_up_record(client=c, membership=r.membership, date=d["date"], kind=d["kind"],
                                                note=d["note"], next_due=d.get("next_due")),
         icon="bi-calendar-check"),
    step("de-nghi-ket-thuc", "Đề nghị kết thúc hồ sơ", (S.OPEN,),
         lambda c, request, data=None, files=None: forms.ClosureRequestForm(data),
         lambda c, d, r: cases.closure_request(client=c, membership=r.membership, reason=d["reason"],
                                               note=d["note"]),
         button="btn-outline-secondary", icon="bi-archive"),
    step("duyet-ket-thuc", "Duyệt kết thúc hồ sơ", (S.CLOSING,), _reason("Ghi chú", required=False),
         lambda c, d, r: cases.closure_decide(client=c, membership=r.membership, approve=True, reason=d["text"]),
         button="btn-success", icon="bi-check2-circle"),
    step("tra-ket-thuc", "Trả lại đề nghị kết thúc", (S.CLOSING,), _reason("Lý do trả lại"),
         lambda c, d, r: cases.closure_decide(client=c, membership=r.membership, approve=False, reason=d["text"]),
         button="btn-outline-danger", icon="bi-arrow-return-left"),
    step("mo-lai", "Mở lại hồ sơ", (S.CLOSED,), _reason("Lý do mở lại"),
         lambda c, d, r: cases.reopen(client=c, membership=r.membership, reason=d["text"]), icon="bi-arrow-repeat"),
    step("gop", "Gộp hồ sơ trùng vào hồ sơ này", ACTIVE,
         lambda c, request, data=None, files=None: forms.MergeForm(data, client=c, membership=request.membership),
         lambda c, d, r: cases.merge(kept=c, duplicate=d["duplicate"], membership=r.membership, note=d["note"]),
         button="btn-outline-secondary", icon="bi-union"),
)


# The intake: a counselling request becomes a file (the registration form with the request as its intake).
# Declared on the request with the same permission as its other steps (one view serves them); only case
# workers register (`cases.register_client` refuses the others, the page says so).
def _intake_page(counselling, request) -> dict:
    refusal = "" if roles.may(request.membership, "dang-ky-ho-so") else roles.refusal("dang-ky-ho-so")
    return {"intake": counselling, "role_refusal": refusal}


register(Action(
    model=CounsellingRequest, slug="dang-ky-ho-so", label="Đăng ký hồ sơ từ đề nghị này",
    form=lambda c, request, data=None, files=None: forms.RegistrationForm(data, membership=request.membership,
                                                                          intake=c),
    service=lambda c, d, r: forms.register(d, r.membership, intake=c), when=lambda c: not c.clients.exists(),
    refused=lambda c: "Đề nghị này đã có hồ sơ trường hợp.",
    queryset=lambda: CounsellingRequest.objects.select_related("unit"), log_reads=True,
    template="support/client_register.html", context=_intake_page,
    success=lambda c, result: f"Đã đăng ký hồ sơ {result.code}.",
    next_url=lambda c, result, request: _detail(result),
    back_url=lambda c: reverse("counselling_detail", args=[c.pk]),
    link=lambda c: reverse("counselling_action", args=[c.pk, "dang-ky-ho-so"]), icon="bi-person-plus",
))

