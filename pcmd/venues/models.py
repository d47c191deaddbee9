"""Establishments (cơ sở kinh doanh dịch vụ dễ bị lợi dụng để hoạt động mại dâm) and their type catalogue."""

from django.db import models

from pcmd.core.models import Searchable, TrackedModel, UnitScopedModel, fold


class EstablishmentType(TrackedModel):
    """A kind of business in the catalogue (karaoke, massage…); editable by administrators."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên loại hình", max_length=120, unique=True)
    # The sector whose commune agency manages this kind by default (culture for karaoke, police for hotels…).
    managing_agency_kind = models.ForeignKey("org.AgencyKind", verbose_name="Cơ quan quản lý mặc định",
                                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    risk_weight = models.PositiveSmallIntegerField("Trọng số rủi ro của loại hình", default=1)
    order = models.PositiveSmallIntegerField("Thứ tự", default=100)
    is_active = models.BooleanField("Đang dùng", default=True)

    class Meta:
        verbose_name = "loại hình cơ sở"
        verbose_name_plural = "danh mục loại hình cơ sở"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class EstablishmentStatus(models.TextChoices):
    OPERATING = "operating", "Đang hoạt động"
    SUSPENDED = "suspended", "Tạm ngừng"
    CLOSED = "closed", "Đã đóng cửa"


class Establishment(Searchable, UnitScopedModel):
    name = models.CharField("Tên cơ sở", max_length=255)
    type = models.ForeignKey(EstablishmentType, verbose_name="Loại hình", on_delete=models.PROTECT,
                             related_name="establishments")
    address = models.CharField("Địa chỉ", max_length=255)
    hamlet = models.ForeignKey("geo.AdminUnit", verbose_name="Thôn, tổ dân phố", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    latitude = models.DecimalField("Vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("Kinh độ", max_digits=9, decimal_places=6, null=True, blank=True)
    registration_number = models.CharField("Số đăng ký kinh doanh", max_length=40, blank=True, db_index=True)
    licence_number = models.CharField("Số giấy phép kinh doanh", max_length=60, blank=True)
    licence_date = models.DateField("Ngày cấp giấy phép", null=True, blank=True)
    licence_expiry = models.DateField("Giấy phép hết hạn", null=True, blank=True)
    security_cert_number = models.CharField("Số giấy chứng nhận đủ điều kiện ANTT", max_length=60, blank=True)
    security_cert_date = models.DateField("Ngày cấp giấy chứng nhận ANTT", null=True, blank=True)
    security_cert_expiry = models.DateField("Giấy chứng nhận ANTT hết hạn", null=True, blank=True)
    owner_name = models.CharField("Chủ cơ sở", max_length=120, blank=True)
    owner_phone = models.CharField("Điện thoại chủ cơ sở", max_length=30, blank=True)
    manager_name = models.CharField("Người quản lý", max_length=120, blank=True)
    manager_phone = models.CharField("Điện thoại người quản lý", max_length=30, blank=True)
    managing_agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan quản lý", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="managed_establishments")
    workers_total = models.PositiveIntegerField("Số lao động", default=0)
    workers_female = models.PositiveIntegerField("Số lao động nữ", default=0)
    status = models.CharField("Tình trạng", max_length=10, choices=EstablishmentStatus.choices,
                              default=EstablishmentStatus.OPERATING, db_index=True)
    commitment_date = models.DateField("Ngày ký cam kết", null=True, blank=True)
    notes = models.TextField("Ghi chú", blank=True)
    # fold(name) + "|" + fold(address): the duplicate check and the import's second matching key.
    name_key = models.CharField(max_length=500, editable=False, db_index=True, default="")

    module = "venues"
    scope_agency_field = "managing_agency"  # an agency officer writes only his agency's establishments
    search_source = ("name", "address", "registration_number", "owner_name")

    class Meta:
        verbose_name = "cơ sở kinh doanh"
        verbose_name_plural = "cơ sở kinh doanh dịch vụ nhạy cảm"
        ordering = ["unit__path", "name", "pk"]
        indexes = [
            models.Index(fields=["province", "status"]),
            models.Index(fields=["unit", "status"]),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = self.make_name_key(self.name, self.address)
        super().save(*args, **kwargs)

    @staticmethod
    def make_name_key(name: str, address: str) -> str:
        return f"{fold(name)}|{fold(address)}"[:500]
