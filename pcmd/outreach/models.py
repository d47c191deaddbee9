"""Communication activities (hoạt động tuyên truyền), their reach, the regularity rule and denominators."""

from django.conf import settings
from django.db import models

from pcmd.core.models import Searchable, TrackedModel, UnitScopedModel


class ActivityKind(TrackedModel):
    """A form of communication in the catalogue (loudspeaker, conference…); editable by administrators."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên hình thức", max_length=120, unique=True)
    order = models.PositiveSmallIntegerField("Thứ tự", default=100)
    is_active = models.BooleanField("Đang dùng", default=True)

    class Meta:
        verbose_name = "hình thức tuyên truyền"
        verbose_name_plural = "danh mục hình thức tuyên truyền"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    """Groups reached; each is a `reach_<value>` column on Activity and a denominator group."""

    RESIDENTS = "residents", "Người dân"
    EST_WORKERS = "est_workers", "Người lao động tại cơ sở kinh doanh dịch vụ"
    IP_WORKERS = "ip_workers", "Công nhân khu công nghiệp"
    HS_STUDENTS = "hs_students", "Học sinh trung học"
    UNI_STUDENTS = "uni_students", "Sinh viên đại học, cao đẳng"
    VOC_STUDENTS = "voc_students", "Học viên giáo dục nghề nghiệp"
    OFFICIALS = "officials", "Cán bộ, công chức"
    HIGH_RISK = "high_risk", "Nhóm có nguy cơ cao"


REACH_FIELDS = {f"reach_{value}": value for value in Audience.values}
INTEGRATION_FIELDS = {
    "integ_drugs": "Ma túy",
    "integ_hiv": "HIV/AIDS",
    "integ_trafficking": "Mua bán người",
    "integ_gbv": "Bạo lực trên cơ sở giới",
    "integ_social": "An sinh xã hội",
}


def _reach(value: str):
    return models.PositiveIntegerField(Audience(value).label, default=0)


class Activity(Searchable, UnitScopedModel):
    date = models.DateField("Ngày thực hiện", db_index=True)
    kind = models.ForeignKey(ActivityKind, verbose_name="Hình thức", on_delete=models.PROTECT,
                             related_name="activities")
    topic = models.CharField("Chủ đề, nội dung", max_length=255)
    hamlets = models.ManyToManyField("geo.AdminUnit", verbose_name="Thôn, tổ dân phố được tuyên truyền",
                                     blank=True, related_name="+")
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan tổ chức", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="outreach_activities")
    integ_drugs = models.BooleanField(INTEGRATION_FIELDS["integ_drugs"], default=False)
    integ_hiv = models.BooleanField(INTEGRATION_FIELDS["integ_hiv"], default=False)
    integ_trafficking = models.BooleanField(INTEGRATION_FIELDS["integ_trafficking"], default=False)
    integ_gbv = models.BooleanField(INTEGRATION_FIELDS["integ_gbv"], default=False)
    integ_social = models.BooleanField(INTEGRATION_FIELDS["integ_social"], default=False)
    reach_residents = _reach("residents")
    reach_est_workers = _reach("est_workers")
    reach_ip_workers = _reach("ip_workers")
    reach_hs_students = _reach("hs_students")
    reach_uni_students = _reach("uni_students")
    reach_voc_students = _reach("voc_students")
    reach_officials = _reach("officials")
    reach_high_risk = _reach("high_risk")
    leaflets = models.PositiveIntegerField("Số tờ rơi phát", default=0)
    panos = models.PositiveIntegerField("Số pa nô, băng rôn", default=0)
    links = models.TextField("Đường dẫn (bài viết, video…)", blank=True,
                             help_text="Mỗi đường dẫn một dòng.")
    reach_note = models.CharField("Giải thích số người được tiếp cận", max_length=255, blank=True,
                                  help_text="Bắt buộc khi số lượt tiếp cận trong năm vượt số đối tượng của đơn vị.")
    notes = models.TextField("Ghi chú", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người nhập", null=True, blank=True,
                                   editable=False, on_delete=models.SET_NULL, related_name="+")

    module = "outreach"
    search_source = ("topic", "notes")

    class Meta:
        verbose_name = "hoạt động tuyên truyền"
        verbose_name_plural = "hoạt động tuyên truyền"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["unit", "date"]), models.Index(fields=["province", "date"])]

    def __str__(self):
        return f"{self.kind} {self.date:%d/%m/%Y}" if self.kind_id and self.date else "Hoạt động tuyên truyền"

    @property
    def hamlets_display(self) -> str:
        return "; ".join(h.name for h in sorted(self.hamlets.all(), key=lambda h: h.code))

    @property
    def integration_display(self) -> str:
        return ", ".join(label for name, label in INTEGRATION_FIELDS.items() if getattr(self, name))


class RegularityRule(Searchable, UnitScopedModel):
    """“Maintained regularly”: at least N activities in M quarters of the year.

    Set for a province (its communes' default) or for a commune whose own plan asks more; without any,
    the default is one activity in every quarter.
    """

    min_per_quarter = models.PositiveSmallIntegerField("Số hoạt động tối thiểu mỗi quý", default=1)
    min_quarters = models.PositiveSmallIntegerField(
        "Số quý tối thiểu trong năm", default=4,
        help_text="Số quý của năm phải đạt; với năm đang diễn ra chỉ tính các quý đã qua.")
    notes = models.CharField("Căn cứ, ghi chú", max_length=255, blank=True)

    module = "outreach"
    search_source = ("notes",)

    class Meta:
        verbose_name = "quy tắc duy trì thường xuyên"
        verbose_name_plural = "quy tắc duy trì thường xuyên"
        ordering = ["unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit"], name="outreach_rule_one_per_province")]

    def __str__(self):
        return f"≥ {self.min_per_quarter} hoạt động/quý, {self.min_quarters} quý/năm"


class Denominator(Searchable, UnitScopedModel):
    """How many people of a group a unit could reach in a year (the honest base of “% reached”)."""

    year = models.PositiveSmallIntegerField("Năm")
    group = models.CharField("Đối tượng", max_length=20, choices=Audience.choices)
    value = models.PositiveIntegerField("Số đối tượng")
    source = models.CharField("Nguồn số liệu", max_length=255)
    as_of = models.DateField("Số liệu tính đến ngày")
    notes = models.CharField("Ghi chú", max_length=255, blank=True)

    module = "outreach"
    search_source = ("source", "notes")

    class Meta:
        verbose_name = "số đối tượng cần tuyên truyền"
        verbose_name_plural = "số đối tượng cần tuyên truyền"
        ordering = ["-year", "unit__path", "group"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "group"], name="outreach_denominator_unique")]

    def __str__(self):
        return f"{self.get_group_display()} {self.year}: {self.value}"


class StaffCategory(models.TextChoices):
    CAN_BO = "can_bo", "Cán bộ"
    CONG_CHUC = "cong_chuc", "Công chức"
    VIEN_CHUC = "vien_chuc", "Viên chức"
    CHIEN_SI = "chien_si", "Chiến sĩ"
    BAO_CAO_VIEN = "bao_cao_vien", "Báo cáo viên"
    TUYEN_TRUYEN_VIEN = "tuyen_truyen_vien", "Tuyên truyền viên"
    TINH_NGUYEN_VIEN = "tinh_nguyen_vien", "Tình nguyện viên"
    CONG_TAC_VIEN = "cong_tac_vien", "Cộng tác viên"
    DONG_DANG = "dong_dang", "Giáo dục viên đồng đẳng"


class TrainingLevel(models.TextChoices):
    PROVINCE = "province", "Cấp tỉnh, thành phố"
    COMMUNE = "commune", "Cấp xã, phường"


class StaffMember(Searchable, UnitScopedModel):
    """A person working for the program (the roster whose share trained is a target)."""

    full_name = models.CharField("Họ và tên", max_length=120)
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="program_staff")
    position = models.CharField("Chức vụ", max_length=120, blank=True)
    category = models.CharField("Đối tượng", max_length=20, choices=StaffCategory.choices)
    is_active = models.BooleanField("Đang công tác", default=True)
    notes = models.CharField("Ghi chú", max_length=255, blank=True)

    module = "outreach"
    search_source = ("full_name", "position")

    class Meta:
        verbose_name = "cán bộ làm công tác phòng, chống mại dâm"
        verbose_name_plural = "danh sách cán bộ làm công tác phòng, chống mại dâm"
        ordering = ["unit__path", "full_name", "pk"]

    def __str__(self):
        return self.full_name

    @property
    def level(self) -> str:
        return TrainingLevel.PROVINCE if self.unit_id == self.province_id else TrainingLevel.COMMUNE


class Course(Searchable, UnitScopedModel):
    """A training course (lớp tập huấn, bồi dưỡng) organised by a unit."""

    title = models.CharField("Tên lớp tập huấn", max_length=255)
    organiser = models.ForeignKey("org.Agency", verbose_name="Cơ quan tổ chức", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="courses")
    level = models.CharField("Cấp tổ chức", max_length=10, choices=TrainingLevel.choices)
    start_date = models.DateField("Ngày bắt đầu")
    end_date = models.DateField("Ngày kết thúc")
    topics = models.TextField("Nội dung tập huấn", blank=True)
    venue = models.CharField("Địa điểm", max_length=255, blank=True)

    module = "outreach"
    search_source = ("title", "venue")

    class Meta:
        verbose_name = "lớp tập huấn"
        verbose_name_plural = "lớp tập huấn, bồi dưỡng"
        ordering = ["-start_date", "-pk"]

    def __str__(self):
        return self.title


class Participant(TrackedModel):
    course = models.ForeignKey(Course, verbose_name="Lớp tập huấn", on_delete=models.CASCADE,
                               related_name="participants")
    staff = models.ForeignKey(StaffMember, verbose_name="Học viên", on_delete=models.PROTECT,
                              related_name="participations")
    attended = models.BooleanField("Có tham dự", default=True)

    module = "outreach"
    scope_unit_field = "course__unit"
    scope_province_field = "course__province"

    class Meta:
        verbose_name = "học viên"
        verbose_name_plural = "học viên"
        ordering = ["staff__full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["course", "staff"], name="outreach_participant_once")]

    def __str__(self):
        return f"{self.staff} — {self.course}"


INTEGRATION_PROGRAMS = {
    "with_drugs": "Phòng, chống ma túy",
    "with_hiv": "Phòng, chống HIV/AIDS",
    "with_trafficking": "Phòng, chống mua bán người",
    "with_social_security": "An sinh xã hội",
    "with_poverty": "Giảm nghèo",
}


class Integration(Searchable, UnitScopedModel):
    """Which programs a commune integrates its prostitution-prevention work with in a year, and the document."""

    year = models.PositiveSmallIntegerField("Năm")
    with_drugs = models.BooleanField(INTEGRATION_PROGRAMS["with_drugs"], default=False)
    with_hiv = models.BooleanField(INTEGRATION_PROGRAMS["with_hiv"], default=False)
    with_trafficking = models.BooleanField(INTEGRATION_PROGRAMS["with_trafficking"], default=False)
    with_social_security = models.BooleanField(INTEGRATION_PROGRAMS["with_social_security"], default=False)
    with_poverty = models.BooleanField(INTEGRATION_PROGRAMS["with_poverty"], default=False)
    document_number = models.CharField("Số văn bản", max_length=60)
    document_date = models.DateField("Ngày ban hành")
    document_title = models.CharField("Trích yếu văn bản", max_length=255)
    notes = models.CharField("Ghi chú", max_length=255, blank=True)

    module = "outreach"
    search_source = ("document_number", "document_title")

    class Meta:
        verbose_name = "văn bản lồng ghép"
        verbose_name_plural = "lồng ghép với các chương trình khác"
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="outreach_integration_unique")]

    def __str__(self):
        return f"{self.document_number} ({self.year})"

    @property
    def programs_display(self) -> str:
        return ", ".join(label for name, label in INTEGRATION_PROGRAMS.items() if getattr(self, name))


class Commitment(TrackedModel):
    """An establishment's signed commitment (bản cam kết) not to allow prostitution, with its scan."""

    establishment = models.ForeignKey("venues.Establishment", verbose_name="Cơ sở kinh doanh",
                                      on_delete=models.CASCADE, related_name="commitments")
    date = models.DateField("Ngày ký")
    signed_by = models.CharField("Người ký", max_length=120)
    signer_role = models.CharField("Tư cách người ký", max_length=60, default="Chủ cơ sở")
    valid_until = models.DateField("Có hiệu lực đến", null=True, blank=True)
    scan = models.FileField("Bản chụp cam kết", upload_to="outreach/commitments/%Y/", blank=True,
                            help_text="Tệp PDF, JPG hoặc PNG, tối đa 10 MB.")
    notes = models.CharField("Ghi chú", max_length=255, blank=True)

    module = "outreach"
    scope_unit_field = "establishment__unit"
    scope_province_field = "establishment__province"

    class Meta:
        verbose_name = "bản cam kết của cơ sở"
        verbose_name_plural = "cam kết của cơ sở kinh doanh"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Cam kết {self.establishment.name} ({self.date:%d/%m/%Y})" if self.date else "Bản cam kết"


class CommendationStatus(models.TextChoices):
    PROPOSED = "proposed", "Đề nghị"
    AWARDED = "awarded", "Đã khen thưởng"
    DECLINED = "declined", "Không được khen thưởng"


class Commendation(Searchable, UnitScopedModel):
    """A collective or an individual proposed for, or given, a commendation for the program's work."""

    year = models.PositiveSmallIntegerField("Năm")
    is_collective = models.BooleanField("Tập thể", default=False, help_text="Bỏ trống nếu là cá nhân.")
    recipient = models.CharField("Tập thể, cá nhân được khen", max_length=255)
    position = models.CharField("Chức vụ, đơn vị công tác", max_length=255, blank=True)
    form = models.CharField("Hình thức khen thưởng", max_length=120,
                            help_text="Ví dụ: Bằng khen của Chủ tịch UBND thành phố, Giấy khen của Chủ tịch UBND "
                                      "phường.")
    achievement = models.TextField("Thành tích", blank=True)
    status = models.CharField("Tình trạng", max_length=10, choices=CommendationStatus.choices,
                              default=CommendationStatus.PROPOSED)
    proposal_number = models.CharField("Số tờ trình đề nghị", max_length=60, blank=True)
    decision_number = models.CharField("Số quyết định khen thưởng", max_length=60, blank=True)
    decision_date = models.DateField("Ngày quyết định", null=True, blank=True)

    module = "outreach"
    search_source = ("recipient", "decision_number", "proposal_number")

    class Meta:
        verbose_name = "khen thưởng"
        verbose_name_plural = "khen thưởng"
        ordering = ["-year", "unit__path", "recipient"]

    def __str__(self):
        return f"{self.recipient} ({self.year})"


class FundingSource(models.TextChoices):
    STATE = "state", "Ngân sách nhà nước"
    SOCIALISED = "socialised", "Xã hội hóa"
    DONOR = "donor", "Tài trợ, viện trợ"


class BudgetLine(Searchable, UnitScopedModel):
    """An allocation (dự toán) for the program in a year: for a plan or one of its tasks, from one source."""

    year = models.PositiveSmallIntegerField("Năm")
    item = models.CharField("Nội dung chi", max_length=255)
    plan = models.ForeignKey("plans.Plan", verbose_name="Kế hoạch", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="budget_lines")
    task = models.ForeignKey("plans.Task", verbose_name="Nhiệm vụ", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="budget_lines")
    source = models.CharField("Nguồn kinh phí", max_length=12, choices=FundingSource.choices,
                              default=FundingSource.STATE)
    allocated = models.PositiveBigIntegerField("Dự toán (đồng)")
    document = models.CharField("Văn bản giao dự toán", max_length=120, blank=True)
    notes = models.CharField("Ghi chú", max_length=255, blank=True)

    module = "outreach"
    search_source = ("item", "document")

    class Meta:
        verbose_name = "dự toán kinh phí"
        verbose_name_plural = "kinh phí"
        ordering = ["-year", "unit__path", "pk"]

    def __str__(self):
        return f"{self.item} ({self.year})"


class Spending(TrackedModel):
    """Money spent against an allocation, with its document."""

    line = models.ForeignKey(BudgetLine, verbose_name="Dự toán", on_delete=models.PROTECT, related_name="spendings")
    date = models.DateField("Ngày chi")
    amount = models.PositiveBigIntegerField("Số tiền (đồng)")
    description = models.CharField("Nội dung", max_length=255)
    document = models.CharField("Chứng từ", max_length=120, blank=True)

    module = "outreach"
    scope_unit_field = "line__unit"
    scope_province_field = "line__province"

    class Meta:
        verbose_name = "khoản chi"
        verbose_name_plural = "khoản chi"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.description} ({self.date:%d/%m/%Y})" if self.date else self.description


class ActivityPhoto(TrackedModel):
    """A photo of an activity; kept outside the web root and served by a scoped view."""

    activity = models.ForeignKey(Activity, verbose_name="Hoạt động", on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("Ảnh", upload_to="outreach/photos/%Y/")
    caption = models.CharField("Chú thích", max_length=255, blank=True)

    module = "outreach"
    scope_unit_field = "activity__unit"
    scope_province_field = "activity__province"

    class Meta:
        verbose_name = "ảnh hoạt động"
        verbose_name_plural = "ảnh hoạt động"
        ordering = ["pk"]

    def __str__(self):
        return self.caption or f"Ảnh {self.pk}"
