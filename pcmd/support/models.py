"""Hỗ trợ (bảo mật): confidential support for people who sell sex. The intake for now: counselling requests.

A counselling request comes from the public page `/tu-van/`. It is never a tip: it belongs to the support
module of the permission matrix, so only the case workers and support supervisors of its commune (and of its
province, for supervision) see it — through `core.scoping.scoped()` like every record. What the person wrote
and how to reach them are encrypted (`core.crypto`), every read is in `core.AccessLog`, and the app is kept
out of django-auditlog (see apps.py): its own event list is the history. The person follows it with the
receipt code of the public look-up page (`pcmd.tips.receipts`: only hashes of the code are stored).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from pcmd.core.crypto import EncryptedTextField
from pcmd.core.models import UnitScopedModel


class CounsellingNeed(models.TextChoices):
    HEALTH = "health", "Sức khỏe, xét nghiệm, điều trị"
    PSYCHOLOGICAL = "psychological", "Tâm lý, tinh thần"
    LEGAL = "legal", "Pháp lý, giấy tờ"
    JOB = "job", "Học nghề, việc làm, vay vốn"
    SAFETY = "safety", "An toàn, chỗ ở tạm thời"
    OTHER = "other", "Khác"


class CounsellingStatus(models.TextChoices):
    NEW = "new", "Mới"
    IN_PROGRESS = "in_progress", "Đang hỗ trợ"
    ANSWERED = "answered", "Đã trả lời"
    CLOSED = "closed", "Đã kết thúc"


# The badge colour of each status on the staff pages (one map, not a chain of ifs in the templates).
STATUS_BADGE = {
    CounsellingStatus.NEW: "text-bg-danger",
    CounsellingStatus.IN_PROGRESS: "text-bg-primary",
    CounsellingStatus.ANSWERED: "text-bg-success",
    CounsellingStatus.CLOSED: "text-bg-secondary",
}

# What the public status page says.
PUBLIC_STATUS = {
    CounsellingStatus.NEW: "Đã tiếp nhận",
    CounsellingStatus.IN_PROGRESS: "Đang được hỗ trợ",
    CounsellingStatus.ANSWERED: "Đã có trả lời",
    CounsellingStatus.CLOSED: "Đã kết thúc",
}


class CounsellingRequest(UnitScopedModel):
    """A request for counselling or help sent from the public page; `unit` is the commune the person chose."""

    received_at = models.DateTimeField("Ngày gửi", default=timezone.now, db_index=True)
    needs = models.JSONField("Cần hỗ trợ về", default=list, help_text="Mã các nhu cầu (CounsellingNeed).")
    message = EncryptedTextField("Nội dung", blank=True)
    contact = EncryptedTextField("Cách liên hệ", blank=True)
    status = models.CharField("Tình trạng", max_length=12, choices=CounsellingStatus.choices,
                              default=CounsellingStatus.NEW, db_index=True, editable=False)
    status_changed_at = models.DateTimeField("Chuyển tình trạng lúc", null=True, blank=True, editable=False)
    # Public follow-up by receipt code (pcmd.tips.receipts): HMAC to find the row, slow hash to verify.
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    receipt_hash = models.CharField(max_length=255, blank=True, editable=False)

    module = "support"

    class Meta:
        verbose_name = "đề nghị tư vấn, hỗ trợ"
        verbose_name_plural = "đề nghị tư vấn, hỗ trợ"
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["province", "status"])]

    def __str__(self):
        return f"Đề nghị tư vấn, hỗ trợ gửi ngày {timezone.localtime(self.received_at):%d/%m/%Y}"

    @property
    def need_labels(self) -> list[str]:
        labels = dict(CounsellingNeed.choices)
        return [labels.get(code, code) for code in self.needs]

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[CounsellingStatus(self.status)]

    @property
    def status_badge(self) -> str:
        return STATUS_BADGE[CounsellingStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status != CounsellingStatus.CLOSED


class CounsellingEventAction(models.TextChoices):
    RECEIVE = "receive", "Tiếp nhận từ cổng công khai"
    START = "start", "Bắt đầu hỗ trợ"
    REPLY = "reply", "Trả lời người đề nghị"
    REQUESTER_MESSAGE = "requester", "Người đề nghị gửi thêm"
    CLOSE = "close", "Kết thúc"
    REOPEN = "reopen", "Mở lại"
    MOVED = "moved", "Chuyển từ danh sách tin báo sang hộp đề nghị tư vấn (bảo mật)"


class CounsellingEvent(models.Model):
    """One step of a request's handling: its history (in place of the audit log, which admins read)."""

    request = models.ForeignKey(CounsellingRequest, verbose_name="Đề nghị", on_delete=models.CASCADE,
                                related_name="events")
    at = models.DateTimeField("Thời điểm", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("Thao tác", max_length=12, choices=CounsellingEventAction.choices)
    from_status = models.CharField("Từ tình trạng", max_length=12, choices=CounsellingStatus.choices, blank=True)
    to_status = models.CharField("Sang tình trạng", max_length=12, choices=CounsellingStatus.choices, blank=True)
    note = EncryptedTextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "bước xử lý đề nghị tư vấn"
        verbose_name_plural = "diễn biến xử lý đề nghị tư vấn"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


class CounsellingDirection(models.TextChoices):
    TO_REQUESTER = "out", "Cán bộ gửi người đề nghị"
    FROM_REQUESTER = "in", "Người đề nghị gửi cán bộ"


class CounsellingMessage(models.Model):
    """A message between the support staff and the (anonymous) requester, read on the public status page."""

    request = models.ForeignKey(CounsellingRequest, verbose_name="Đề nghị", on_delete=models.CASCADE,
                                related_name="messages")
    direction = models.CharField("Chiều", max_length=3, choices=CounsellingDirection.choices)
    text = EncryptedTextField("Nội dung")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ gửi", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Thời điểm", default=timezone.now)

    class Meta:
        verbose_name = "tin nhắn"
        verbose_name_plural = "trao đổi với người đề nghị"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.request_id} {self.direction} {self.created_at:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------------------------------------------------
# Case management (issue 13). Everything below is `module = "support"`: read only by the support roles of the
# owning commune (and its province, for supervision) through `scoped()`, or through a break-glass grant
# (`wall.py`). Fields that say something about a person are encrypted and belong to one sensitivity class
# (`Sensitivity`); `wall.readable_classes()` says which classes a seat may read.
# ---------------------------------------------------------------------------------------------------------


class Sensitivity(models.TextChoices):
    IDENTITY = "identity", "Nhân thân (tên, liên hệ, địa chỉ)"
    HEALTH = "health", "Sức khỏe (kể cả HIV/STI)"
    SEX_WORK = "sex_work", "Quá trình bán dâm"
    LEGAL = "legal", "Tình trạng pháp lý"
    VIOLENCE = "violence", "Bạo lực, xâm hại"


class Sex(models.TextChoices):
    FEMALE = "F", "Nữ"
    MALE = "M", "Nam"
    OTHER = "K", "Khác"


class ClientSource(models.TextChoices):
    OUTREACH = "outreach", "Tiếp cận cộng đồng (đồng đẳng, cộng tác viên)"
    COUNSELLING = "counselling", "Đề nghị tư vấn qua cổng công khai"
    SELF = "self", "Tự tìm đến"
    REFERRED = "referred", "Được giới thiệu từ nơi khác"
    OTHER = "other", "Khác"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Đang quản lý"
    CLOSING = "closing", "Đề nghị kết thúc"
    CLOSED = "closed", "Đã kết thúc"


class ClosureReason(models.TextChoices):
    GOALS_MET = "goals_met", "Đã đạt mục tiêu"
    MOVED = "moved", "Chuyển nơi ở"
    LOST = "lost", "Mất liên lạc"
    WITHDREW = "withdrew", "Không muốn tiếp tục"
    DECEASED = "deceased", "Qua đời"
    OTHER = "other", "Lý do khác"


class Client(UnitScopedModel):
    """A person receiving support, known by a pseudonymous code; `unit` is the owning commune.

    `uic` is the unique identifier code HIV programs use (letters of the parents' given names, birth year,
    sex: see `uic.py`), so a returning client is found without a name. `code` is the file number shown on
    pages ("HT-<commune>-000123"). Name and contact are optional and encrypted (identity class); merged
    files point to the file they were merged into; an erased file keeps only what the anonymous counts need.
    """

    code = models.CharField("Mã hồ sơ", max_length=40, unique=True, editable=False)
    uic = models.CharField("Mã định danh (UIC)", max_length=16, db_index=True)
    sex = models.CharField("Giới tính", max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField("Năm sinh", null=True, blank=True)
    registered_on = models.DateField("Ngày đăng ký", default=timezone.localdate, db_index=True)
    source = models.CharField("Nguồn tiếp nhận", max_length=12, choices=ClientSource.choices,
                              default=ClientSource.OUTREACH)
    intake = models.ForeignKey(CounsellingRequest, verbose_name="Từ đề nghị tư vấn", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="clients")
    case_worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ quản lý trường hợp",
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField("Tình trạng", max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              db_index=True, editable=False)
    closed_on = models.DateField("Ngày kết thúc", null=True, blank=True, editable=False)
    closure_reason = models.CharField("Lý do kết thúc", max_length=10, choices=ClosureReason.choices,
                                      blank=True, editable=False)
    # identity class (encrypted, optional)
    full_name = EncryptedTextField("Họ và tên", blank=True)
    phone = EncryptedTextField("Điện thoại", blank=True)
    address = EncryptedTextField("Nơi ở", blank=True)
    # sex-work history class
    sex_work_history = EncryptedTextField("Quá trình bán dâm", blank=True,
                                          help_text="Thời gian, hình thức, nơi hoạt động (chỉ khi người đó kể).")
    # legal status class
    legal_status = EncryptedTextField("Tình trạng pháp lý", blank=True,
                                      help_text="Giấy tờ tùy thân, cư trú, tiền án, đang bị xử lý…")
    merged_into = models.ForeignKey("self", verbose_name="Đã gộp vào hồ sơ", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="merged_from", editable=False)
    erased_at = models.DateTimeField("Đã xóa dữ liệu cá nhân lúc", null=True, blank=True, editable=False)

    module = "support"
    # Which encrypted field belongs to which sensitivity class (the wall masks a class the seat may not read).
    SENSITIVE_FIELDS = {
        "full_name": Sensitivity.IDENTITY, "phone": Sensitivity.IDENTITY, "address": Sensitivity.IDENTITY,
        "sex_work_history": Sensitivity.SEX_WORK, "legal_status": Sensitivity.LEGAL,
    }

    class Meta:
        verbose_name = "hồ sơ trường hợp"
        verbose_name_plural = "hồ sơ trường hợp"
        ordering = ["-registered_on", "-pk"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["province", "status"]),
                   models.Index(fields=["unit", "uic"])]

    def __str__(self):
        return self.code

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None and self.erased_at is None


class CaseEventAction(models.TextChoices):
    REGISTER = "register", "Đăng ký hồ sơ"
    EDIT = "edit", "Sửa thông tin"
    CONSENT = "consent", "Ghi nhận đồng ý"
    WITHDRAW = "withdraw", "Rút lại đồng ý"
    SCREEN = "screen", "Đánh giá nhu cầu"
    PLAN = "plan", "Lập, sửa kế hoạch hỗ trợ"
    PLAN_SUBMIT = "plan_submit", "Trình duyệt kế hoạch"
    PLAN_APPROVE = "plan_approve", "Duyệt kế hoạch"
    PLAN_RETURN = "plan_return", "Trả lại kế hoạch"
    REFER = "refer", "Giới thiệu, chuyển gửi dịch vụ"
    REFERRAL_ANSWER = "referral_answer", "Nơi nhận trả lời giới thiệu"
    SERVICE = "service", "Ghi nhận dịch vụ đã nhận"
    FOLLOW_UP = "follow_up", "Theo dõi, thăm lại"
    CLOSE_REQUEST = "close_request", "Đề nghị kết thúc"
    CLOSE_APPROVE = "close_approve", "Duyệt kết thúc"
    CLOSE_RETURN = "close_return", "Trả lại đề nghị kết thúc"
    REOPEN = "reopen", "Mở lại hồ sơ"
    MERGE = "merge", "Gộp hồ sơ trùng"
    EXPORT = "export", "Xuất dữ liệu cho người được hỗ trợ"
    ERASE = "erase", "Xóa dữ liệu cá nhân theo yêu cầu"
    BREAK_GLASS = "break_glass", "Mở hồ sơ khẩn cấp (ngoài phạm vi)"


class CaseEvent(models.Model):
    """One dated, attributed step in a client's file: its history (the app is kept out of django-auditlog)."""

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("Thời điểm", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người thực hiện", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField("Thao tác", max_length=16, choices=CaseEventAction.choices)
    note = EncryptedTextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "diễn biến hồ sơ"
        verbose_name_plural = "diễn biến hồ sơ"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.client_id} {self.get_action_display()} {self.at:%d/%m/%Y %H:%M}"


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", "Nhận dịch vụ hỗ trợ, quản lý trường hợp"
    REFERRAL = "referral", "Giới thiệu đến một nơi cung cấp dịch vụ (ghi rõ nơi nhận)"
    SHARING = "sharing", "Chia sẻ thông tin với đơn vị khác"
    REPORTING = "reporting", "Được tính (ẩn danh) trong số liệu báo cáo"
    PHONE = "phone", "Được liên hệ qua điện thoại"


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", "Đồng ý bằng lời (cán bộ ghi nhận)"
    SIGNED = "signed", "Ký vào phiếu đồng ý"


class Consent(models.Model):
    """One consent given for one purpose (a ledger: rows are never edited, only withdrawn).

    A consent is in force from `given_on` until `expires_on` (if any) or its withdrawal. A referral consent
    may name the provider it covers. Services check `services.consent_in_force(...)` before acting.
    """

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField("Mục đích", max_length=10, choices=ConsentPurpose.choices)
    provider = models.ForeignKey("support.Provider", verbose_name="Nơi nhận (với giới thiệu)", null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="consents")
    method = models.CharField("Hình thức", max_length=8, choices=ConsentMethod.choices)
    scan = models.FileField("Bản chụp phiếu đồng ý", upload_to="support/consents/%Y/", blank=True)
    given_on = models.DateField("Ngày đồng ý", default=timezone.localdate)
    expires_on = models.DateField("Hết hạn", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ ghi nhận", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField("Ghi nhận lúc", default=timezone.now)
    withdrawn_at = models.DateTimeField("Rút lại lúc", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ ghi nhận rút lại", null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    withdrawal_note = models.CharField("Ghi chú khi rút lại", max_length=500, blank=True)

    class Meta:
        verbose_name = "sự đồng ý"
        verbose_name_plural = "sổ đồng ý"
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["client", "purpose"])]

    def __str__(self):
        return f"{self.client_id} {self.get_purpose_display()}"


class SupportNeed(models.TextChoices):
    HEALTH = "health", "Khám, chăm sóc sức khỏe"
    STI_HIV = "sti_hiv", "Xét nghiệm, điều trị HIV/STI"
    MENTAL = "mental", "Sức khỏe tâm thần, tư vấn tâm lý"
    VIOLENCE = "violence", "Bị bạo lực, xâm hại"
    LEGAL = "legal", "Trợ giúp pháp lý"
    DOCUMENTS = "documents", "Giấy tờ tùy thân, cư trú"
    VOCATIONAL = "vocational", "Học nghề"
    JOB = "job", "Việc làm"
    LOAN = "loan", "Vay vốn, sinh kế"
    HOUSING = "housing", "Chỗ ở"
    CHILDREN = "children", "Con nhỏ (đi học, chăm sóc)"


# The sensitivity class a need's notes belong to.
NEED_SENSITIVITY = {
    SupportNeed.HEALTH: Sensitivity.HEALTH, SupportNeed.STI_HIV: Sensitivity.HEALTH,
    SupportNeed.MENTAL: Sensitivity.HEALTH, SupportNeed.VIOLENCE: Sensitivity.VIOLENCE,
    SupportNeed.LEGAL: Sensitivity.LEGAL, SupportNeed.DOCUMENTS: Sensitivity.LEGAL,
}


class Screening(models.Model):
    """A needs screening: which needs the person has (and wants help with), with notes by class."""

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="screenings")
    screened_on = models.DateField("Ngày đánh giá", default=timezone.localdate, db_index=True)
    needs = models.JSONField("Nhu cầu", default=list, help_text="Mã các nhu cầu (SupportNeed).")
    eligible = models.BooleanField("Có nhu cầu và đủ điều kiện hỗ trợ", default=False)
    health_note = EncryptedTextField("Ghi chú sức khỏe (kể cả HIV/STI)", blank=True)
    violence_note = EncryptedTextField("Ghi chú bạo lực, xâm hại", blank=True)
    legal_note = EncryptedTextField("Ghi chú pháp lý, giấy tờ", blank=True)
    other_note = EncryptedTextField("Ghi chú khác", blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người đánh giá", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    SENSITIVE_FIELDS = {"health_note": Sensitivity.HEALTH, "violence_note": Sensitivity.VIOLENCE,
                        "legal_note": Sensitivity.LEGAL}

    class Meta:
        verbose_name = "đánh giá nhu cầu"
        verbose_name_plural = "đánh giá nhu cầu"
        ordering = ["-screened_on", "-pk"]

    def __str__(self):
        return f"{self.client_id} {self.screened_on:%d/%m/%Y}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    SUBMITTED = "submitted", "Chờ duyệt"
    APPROVED = "approved", "Đã duyệt"
    RETURNED = "returned", "Bị trả lại"


class CasePlan(models.Model):
    """The case plan that follows a screening: goals with due dates, approved by a support supervisor."""

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="plans")
    screening = models.ForeignKey(Screening, verbose_name="Theo đánh giá", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="plans")
    status = models.CharField("Tình trạng", max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              editable=False)
    created_at = models.DateTimeField("Lập lúc", default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người lập", null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("Duyệt/trả lúc", null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người duyệt", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    return_reason = models.CharField("Lý do trả lại", max_length=500, blank=True, editable=False)
    version = models.PositiveIntegerField("Phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "kế hoạch hỗ trợ"
        verbose_name_plural = "kế hoạch hỗ trợ"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.client_id} {self.get_status_display()}"


class GoalStatus(models.TextChoices):
    OPEN = "open", "Đang thực hiện"
    MET = "met", "Đã đạt"
    DROPPED = "dropped", "Không tiếp tục"


class CaseGoal(models.Model):
    plan = models.ForeignKey(CasePlan, verbose_name="Kế hoạch", on_delete=models.CASCADE, related_name="goals")
    need = models.CharField("Nhu cầu", max_length=12, choices=SupportNeed.choices)
    description = EncryptedTextField("Mục tiêu")
    due_on = models.DateField("Hạn")
    status = models.CharField("Tình trạng", max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)

    class Meta:
        verbose_name = "mục tiêu hỗ trợ"
        verbose_name_plural = "mục tiêu hỗ trợ"
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.plan_id} {self.get_need_display()}"


class ProviderKind(models.TextChoices):
    HEALTH_STATION = "health_station", "Trạm y tế xã, phường"
    HEALTH_CENTRE = "health_centre", "Trung tâm y tế khu vực"
    HIV_CLINIC = "hiv_clinic", "Cơ sở điều trị HIV/ARV, PrEP"
    LEGAL_AID = "legal_aid", "Trung tâm trợ giúp pháp lý"
    VOCATIONAL = "vocational", "Cơ sở giáo dục nghề nghiệp"
    JOB_CENTRE = "job_centre", "Trung tâm dịch vụ việc làm"
    SOCIAL_BANK = "social_bank", "Ngân hàng Chính sách xã hội"
    SOCIAL_WORK = "social_work", "Trung tâm công tác xã hội, cơ sở trợ giúp xã hội"
    NGO = "ngo", "Tổ chức xã hội, nhóm tự lực"
    OTHER = "other", "Khác"


class Provider(UnitScopedModel):
    """A service provider clients are referred to (a directory kept by the commune or the province).

    `agency`, when set, is the provider's agency in PCMD: support roles of that agency answer referrals
    in the app; others answer through the one-time link or code on the referral slip.
    """

    name = models.CharField("Tên nơi cung cấp dịch vụ", max_length=255)
    kind = models.CharField("Loại", max_length=16, choices=ProviderKind.choices)
    address = models.CharField("Địa chỉ", max_length=255, blank=True)
    phone = models.CharField("Điện thoại", max_length=40, blank=True)
    contact_person = models.CharField("Người liên hệ", max_length=120, blank=True)
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan trên PCMD", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    is_active = models.BooleanField("Đang hoạt động", default=True)

    module = "support"

    class Meta:
        verbose_name = "nơi cung cấp dịch vụ"
        verbose_name_plural = "danh bạ nơi cung cấp dịch vụ"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Đã giới thiệu, chờ nơi nhận trả lời"
    RECEIVED = "received", "Nơi nhận đã tiếp nhận"
    COMPLETED = "completed", "Đã được cung cấp dịch vụ"
    NOT_SERVED = "not_served", "Không được cung cấp dịch vụ"
    CANCELLED = "cancelled", "Đã hủy"


class Referral(UnitScopedModel):
    """A referral to a provider for one need, with a deadline for the provider's answer (a closed loop).

    `unit` is the client's commune (denormalised for the aggregates). The provider answers in the app, through
    the one-time link/code on the slip (only hashes are stored, as for receipts), or the case worker records
    the answer.
    """

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(Provider, verbose_name="Nơi nhận", on_delete=models.PROTECT,
                                 related_name="referrals")
    need = models.CharField("Nhu cầu", max_length=12, choices=SupportNeed.choices)
    referred_on = models.DateField("Ngày giới thiệu", default=timezone.localdate, db_index=True)
    answer_due = models.DateField("Hạn nơi nhận trả lời")
    note = EncryptedTextField("Nội dung giới thiệu", blank=True,
                              help_text="Chỉ những gì nơi nhận cần biết; hiện trên phiếu giới thiệu.")
    status = models.CharField("Tình trạng", max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT, db_index=True, editable=False)
    received_on = models.DateField("Ngày nơi nhận tiếp nhận", null=True, blank=True, editable=False)
    completed_on = models.DateField("Ngày được cung cấp dịch vụ", null=True, blank=True, editable=False)
    outcome_note = EncryptedTextField("Kết quả", blank=True, editable=False)
    answered_via = models.CharField("Trả lời qua", max_length=10, blank=True, editable=False,
                                    choices=[("app", "PCMD"), ("link", "Đường dẫn trên phiếu"),
                                             ("worker", "Cán bộ ghi nhận")])
    token_lookup = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_hash = models.CharField(max_length=255, blank=True, editable=False)
    token_expires_at = models.DateTimeField("Đường dẫn hết hạn lúc", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ giới thiệu", null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    module = "support"
    # A provider with a PCMD agency answers in the app: the support seats of that agency take the referral in
    # through `scoped(…, "incoming")` (they see the referral's own fields, never the file).
    scope_incoming_agency_field = "provider__agency"

    class Meta:
        verbose_name = "giới thiệu dịch vụ"
        verbose_name_plural = "giới thiệu, chuyển gửi dịch vụ"
        ordering = ["-referred_on", "-pk"]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["province", "status"]),
                   models.Index(fields=["status", "answer_due"])]

    def __str__(self):
        return f"Giới thiệu {self.get_need_display().lower()} ngày {self.referred_on:%d/%m/%Y}"


class ServiceKind(models.TextChoices):
    HEALTH_CHECK = "health_check", "Khám sức khỏe"
    STI_HIV_TEST = "sti_hiv_test", "Xét nghiệm HIV/STI"
    TREATMENT = "treatment", "Điều trị (ARV, PrEP, STI)"
    COUNSELLING = "counselling", "Tư vấn tâm lý"
    LEGAL_AID = "legal_aid", "Trợ giúp pháp lý"
    DOCUMENTS = "documents", "Làm giấy tờ tùy thân, cư trú"
    VOCATIONAL = "vocational", "Học nghề"
    JOB = "job", "Giới thiệu việc làm"
    LOAN = "loan", "Vay vốn"
    LIVELIHOOD = "livelihood", "Hỗ trợ sinh kế"
    PEER_GROUP = "peer_group", "Sinh hoạt nhóm đồng đẳng, tự lực"
    SHELTER = "shelter", "Chỗ ở tạm thời"
    OTHER = "other", "Khác"


SERVICE_SENSITIVITY = {
    ServiceKind.HEALTH_CHECK: Sensitivity.HEALTH, ServiceKind.STI_HIV_TEST: Sensitivity.HEALTH,
    ServiceKind.TREATMENT: Sensitivity.HEALTH, ServiceKind.COUNSELLING: Sensitivity.HEALTH,
    ServiceKind.LEGAL_AID: Sensitivity.LEGAL, ServiceKind.DOCUMENTS: Sensitivity.LEGAL,
}


class ServiceRecord(UnitScopedModel):
    """A service the client received (`unit` = the client's commune, denormalised for the aggregates)."""

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="services")
    kind = models.CharField("Dịch vụ", max_length=14, choices=ServiceKind.choices)
    received_on = models.DateField("Ngày nhận", db_index=True)
    provider = models.ForeignKey(Provider, verbose_name="Nơi cung cấp", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="services")
    referral = models.ForeignKey(Referral, verbose_name="Theo giới thiệu", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="services")
    note = EncryptedTextField("Ghi chú", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ ghi nhận", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    module = "support"

    class Meta:
        verbose_name = "dịch vụ đã nhận"
        verbose_name_plural = "dịch vụ đã nhận"
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["unit", "received_on"]), models.Index(fields=["province", "received_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.received_on:%d/%m/%Y}"


class FollowUpKind(models.TextChoices):
    VISIT = "visit", "Gặp trực tiếp"
    PHONE = "phone", "Điện thoại"
    ONLINE = "online", "Trực tuyến (Zalo, mạng xã hội)"


class FollowUp(models.Model):
    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField("Ngày", default=timezone.localdate)
    kind = models.CharField("Hình thức", max_length=8, choices=FollowUpKind.choices)
    note = EncryptedTextField("Ghi chú", blank=True)
    next_due = models.DateField("Hẹn lần sau", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "lần theo dõi"
        verbose_name_plural = "theo dõi, thăm lại"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.client_id} {self.date:%d/%m/%Y}"


class OutreachContact(UnitScopedModel):
    """One outreach session by peer educators / collaborators: counts only, never names.

    `unit` is the commune or the hamlet where it took place; feeds the outreach reach indicator.
    """

    date = models.DateField("Ngày", db_index=True)
    establishment = models.ForeignKey("venues.Establishment", verbose_name="Tại cơ sở", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    place = models.CharField("Địa điểm", max_length=255, blank=True)
    worker = models.CharField("Người tiếp cận (đồng đẳng, cộng tác viên)", max_length=120, blank=True)
    people_reached = models.PositiveIntegerField("Số người được tiếp cận")
    new_people = models.PositiveIntegerField("Trong đó lần đầu", default=0)
    info_materials = models.PositiveIntegerField("Tài liệu thông tin phát", default=0)
    condoms = models.PositiveIntegerField("Bao cao su phát", default=0)
    referral_cards = models.PositiveIntegerField("Thẻ giới thiệu dịch vụ phát", default=0)
    note = models.CharField("Ghi chú", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ ghi nhận", null=True,
                                    on_delete=models.SET_NULL, related_name="+")

    module = "support"

    class Meta:
        verbose_name = "lượt tiếp cận cộng đồng"
        verbose_name_plural = "tiếp cận cộng đồng (đồng đẳng)"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"]), models.Index(fields=["province", "date"])]

    def __str__(self):
        return f"Tiếp cận ngày {self.date:%d/%m/%Y} ({self.people_reached} người)"


class BreakGlass(models.Model):
    """A supervisor's time-limited, reason-given access to a file outside their normal scope (`wall.py`).

    Logged, shown to the owning commune's case workers until they acknowledge it, listed for review.
    """

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người mở", on_delete=models.CASCADE,
                             related_name="+")
    membership = models.ForeignKey("org.Membership", verbose_name="Với vai trò", on_delete=models.CASCADE,
                                   related_name="+")
    reason = models.CharField("Lý do", max_length=500)
    opened_at = models.DateTimeField("Mở lúc", default=timezone.now)
    expires_at = models.DateTimeField("Hết hạn lúc")
    acknowledged_at = models.DateTimeField("Cán bộ phụ trách đã biết lúc", null=True, blank=True)
    reviewed_at = models.DateTimeField("Đã rà soát lúc", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người rà soát", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    review_note = models.CharField("Kết luận rà soát", max_length=500, blank=True)

    # Scoped through its file (the owning commune's staff acknowledge it, the supervisors above review it).
    module = "support"
    scope_unit_field = "client__unit"
    scope_province_field = "client__province"

    class Meta:
        verbose_name = "lượt mở hồ sơ khẩn cấp"
        verbose_name_plural = "mở hồ sơ khẩn cấp"
        ordering = ["-opened_at", "-pk"]

    def __str__(self):
        return f"{self.client_id} {self.user_id} {self.opened_at:%d/%m/%Y %H:%M}"


class ErasureStatus(models.TextChoices):
    REQUESTED = "requested", "Chờ giám sát hỗ trợ xác nhận"
    DONE = "done", "Đã xóa dữ liệu cá nhân"
    REFUSED = "refused", "Không xóa"


class ErasureRequest(models.Model):
    """A client's request to erase their data: asked by the case worker, confirmed (or refused) by a support
    supervisor (`owndata.py`). The reason is the legal ground, not personal data, so it survives the erasure."""

    client = models.ForeignKey(Client, verbose_name="Hồ sơ", on_delete=models.CASCADE,
                               related_name="erasure_requests")
    status = models.CharField("Tình trạng", max_length=10, choices=ErasureStatus.choices,
                              default=ErasureStatus.REQUESTED, editable=False)
    reason = models.CharField("Căn cứ pháp lý, lý do", max_length=500)
    requested_at = models.DateTimeField("Đề nghị lúc", default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Cán bộ đề nghị", null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("Xác nhận lúc", null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Giám sát xác nhận", null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    decision_note = models.CharField("Ghi chú khi xác nhận", max_length=500, blank=True, editable=False)

    module = "support"
    scope_unit_field = "client__unit"
    scope_province_field = "client__province"

    class Meta:
        verbose_name = "đề nghị xóa dữ liệu cá nhân"
        verbose_name_plural = "đề nghị xóa dữ liệu cá nhân"
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Đề nghị xóa dữ liệu hồ sơ {self.client_id} ngày {timezone.localtime(self.requested_at):%d/%m/%Y}"
