"""A proposal of an account: made by a coordinator, approved or rejected by the system admin (core.actions)."""

from django import forms
from django.urls import reverse

from pcmd.core.actions import Action, register

from . import services
from .forms import ProposalForm, ReasonForm
from .models import AccountProposal, ProposalStatus


def _list(obj=None, result=None, request=None) -> str:
    return reverse("account_proposal_list")


class RefreshProposalForm(ProposalForm):
    def full_clean(self):
        super().full_clean()
        if self.is_bound and "refresh" in self.data:  # "Tải danh sách cơ quan": the unit's agencies, nothing saved
            self._errors = forms.utils.ErrorDict()
            self.cleaned_data = {}
            self.add_error(None, "Đã tải danh sách cơ quan của đơn vị đã chọn; hãy chọn cơ quan rồi bấm “Gửi đề xuất”.")


class ApproveForm(forms.Form):
    reason = forms.CharField(label="Ghi chú (không bắt buộc)", required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


CREATE = Action(
    model=AccountProposal, slug="de-xuat", label="Đề xuất tài khoản", permission="add",
    form=lambda obj, request, data=None, files=None: RefreshProposalForm(data, membership=request.membership),
    service=lambda obj, data, request: services.proposal_create(membership=request.membership, actor=request.user,
                                                                 data=data),
    template="accounts/proposal_form.html", next_url=_list, back_url=_list,
    success=lambda obj, result: f"Đã gửi đề xuất tài khoản cho {result.full_name}; chờ quản trị hệ thống phê duyệt.",
)

APPROVE = Action(
    model=AccountProposal, slug="phe-duyet", label="Phê duyệt đề xuất", sources=(ProposalStatus.PROPOSED,),
    form=lambda obj, request, data=None, files=None: ApproveForm(data),
    service=lambda obj, data, request: services.proposal_approve(
        membership=request.membership, actor=request.user, proposal=obj, reason=data.get("reason", ""),
        base_url=request.build_absolute_uri("/")),
    refused=lambda obj: "Đề xuất này đã được xử lý.",
    template="accounts/proposal_decide.html", next_url=_list, back_url=_list,
    success=lambda obj, result: f"Đã tạo tài khoản cho {obj.full_name} và gửi lời mời đến {obj.email}.",
    link=lambda obj: reverse("account_proposal_approve", args=[obj.pk]), button="btn-success",
)

REJECT = Action(
    model=AccountProposal, slug="tu-choi", label="Từ chối đề xuất", sources=(ProposalStatus.PROPOSED,),
    form=lambda obj, request, data=None, files=None: ReasonForm(data),
    service=lambda obj, data, request: services.proposal_reject(
        membership=request.membership, actor=request.user, proposal=obj, reason=data["reason"]),
    refused=lambda obj: "Đề xuất này đã được xử lý.",
    template="accounts/proposal_decide.html", next_url=_list, back_url=_list,
    success=lambda obj, result: f"Đã từ chối đề xuất tài khoản của {obj.full_name}.",
    link=lambda obj: reverse("account_proposal_reject", args=[obj.pk]), button="btn-outline-danger",
)

register(CREATE, APPROVE, REJECT)
