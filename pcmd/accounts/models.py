"""Account management: a person's contact details beside Django's user, and proposals of accounts."""

from django.conf import settings
from django.db import models

from pcmd.core.models import TrackedModel, UnitScopedModel
from pcmd.org.models import Role


class AccountProfile(TrackedModel):
    """What Django's user lacks: a phone number, and who invited the person when."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="Người dùng", on_delete=models.CASCADE,
                                related_name="account_profile")
    phone = models.CharField("Điện thoại", max_length=30, blank=True)
    invited_at = models.DateTimeField("Ngày gửi lời mời", null=True, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người mời", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "thông tin tài khoản"
        verbose_name_plural = "thông tin tài khoản"

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Chờ phê duyệt"
    APPROVED = "approved", "Đã phê duyệt"
    REJECTED = "rejected", "Bị từ chối"


class AccountProposal(UnitScopedModel):
    """A commune (or province) coordinator asks the system admin for an account of one of the unit's agencies."""

    full_name = models.CharField("Họ và tên", max_length=150)
    email = models.EmailField("Thư điện tử")
    phone = models.CharField("Điện thoại", max_length=30, blank=True)
    agency = models.ForeignKey("org.Agency", verbose_name="Cơ quan", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    role = models.CharField("Vai trò", max_length=30, choices=Role.choices)
    note = models.TextField("Ghi chú, lý do đề xuất", blank=True)
    status = models.CharField("Trạng thái", max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người đề xuất", null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Người xử lý", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("Ngày xử lý", null=True, blank=True)
    decision_reason = models.TextField("Lý do (khi từ chối) hoặc ghi chú phê duyệt", blank=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="Tài khoản đã tạo", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    module = "user_proposals"

    class Meta:
        verbose_name = "đề xuất tài khoản"
        verbose_name_plural = "đề xuất tài khoản"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.full_name} — {self.get_role_display()}"

    status_colour = {ProposalStatus.PROPOSED: "warning", ProposalStatus.APPROVED: "success",
                     ProposalStatus.REJECTED: "secondary"}

    @property
    def colour(self) -> str:
        return self.status_colour.get(self.status, "secondary")

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("account_proposal_list")
