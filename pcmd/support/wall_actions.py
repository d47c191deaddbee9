"""The wall's steps on a record, run by `core.actions.view`: acknowledging and reviewing a break-glass opening,
asking for, confirming or refusing the erasure of a client's data. The rules (who, when) are in the services
(`wall.py`, `owndata.py`); a role the step is not for gets the service's refusal on the form."""

from django.urls import reverse

from pcmd.core.actions import Action, register

from . import owndata, wall, wall_forms
from .models import BreakGlass, Client


def _grants(grant=None, result=None, request=None) -> str:
    return reverse("break_glass_list")


def _notices(grant=None, result=None, request=None) -> str:
    return reverse("break_glass_notices")


def _after_erasure_step(client, result=None, request=None) -> str:
    url = wall.file_url(client)
    if url and client.erased_at is None and (request is None or wall.may(request.membership, "erase_request")):
        return url
    return reverse("erasure_list") if request is not None and wall.may(request.membership, "erase_confirm") \
        else reverse("home")


def _erasure_context(client, request) -> dict:
    return {"pending": owndata.pending_request(client), "file_url": wall.file_url(client)}


register(
    Action(
        model=BreakGlass, slug="da-biet", label="Đã biết việc mở hồ sơ khẩn cấp",
        when=lambda g: g.acknowledged_at is None,
        refused=lambda g: "Lượt mở hồ sơ này đã được xác nhận là đã biết.",
        service=lambda g, data, request: wall.acknowledge(request.membership, g),
        queryset=lambda: BreakGlass.objects.select_related("client", "user"),
        template="support/break_glass_action.html",
        success=lambda g, result: f"Đã ghi nhận: bạn đã biết hồ sơ {g.client.code} được mở khẩn cấp.",
        next_url=_notices, back_url=_notices,
        link=lambda g: reverse("break_glass_action", args=[g.pk, "da-biet"]),
    ),
    Action(
        model=BreakGlass, slug="ra-soat", label="Rà soát lượt mở hồ sơ khẩn cấp",
        when=lambda g: g.reviewed_at is None,
        refused=lambda g: "Lượt mở hồ sơ này đã được rà soát.",
        form=lambda g, request, data=None, files=None: wall_forms.ReviewForm(data),
        service=lambda g, data, request: wall.review(request.membership, g, data.get("note", "")),
        queryset=lambda: BreakGlass.objects.select_related("client", "user"),
        template="support/break_glass_action.html",
        success=lambda g, result: f"Đã ghi kết luận rà soát lượt mở hồ sơ {g.client.code}.",
        next_url=_grants, back_url=_grants,
        link=lambda g: reverse("break_glass_action", args=[g.pk, "ra-soat"]),
    ),
)

ERASURE_QUERYSET = lambda: Client.objects.select_related("unit").filter(erased_at__isnull=True)  # noqa: E731

register(
    Action(
        model=Client, slug="de-nghi-xoa-du-lieu", label="Đề nghị xóa dữ liệu cá nhân",
        when=lambda c: owndata.pending_request(c) is None,
        refused=lambda c: "Hồ sơ đã có đề nghị xóa dữ liệu đang chờ giám sát hỗ trợ xác nhận.",
        form=lambda c, request, data=None, files=None: wall_forms.ErasureRequestForm(data),
        service=lambda c, data, request: owndata.request_erasure(request.membership, c, data.get("reason", "")),
        queryset=ERASURE_QUERYSET, log_reads=True, template="support/owndata_erasure.html",
        context=_erasure_context,
        success=lambda c, result: f"Đã gửi đề nghị xóa dữ liệu hồ sơ {c.code}; chờ giám sát hỗ trợ xác nhận.",
        next_url=_after_erasure_step, back_url=lambda c: _after_erasure_step(c),
        link=lambda c: reverse("client_erase_request", args=[c.pk]), button="btn-outline-danger",
        icon="bi-eraser",
    ),
    Action(
        model=Client, slug="xac-nhan-xoa-du-lieu", label="Xác nhận xóa dữ liệu cá nhân",
        when=lambda c: owndata.pending_request(c) is not None,
        refused=lambda c: "Hồ sơ không có đề nghị xóa dữ liệu nào đang chờ.",
        form=lambda c, request, data=None, files=None: wall_forms.ErasureConfirmForm(data),
        service=lambda c, data, request: owndata.confirm_erasure(request.membership, c, data.get("note", "")),
        queryset=ERASURE_QUERYSET, log_reads=True, template="support/owndata_erasure.html",
        context=_erasure_context,
        success=lambda c, result: f"Đã xóa dữ liệu cá nhân của hồ sơ {c.code}; chỉ còn số liệu ẩn danh.",
        next_url=_after_erasure_step, back_url=lambda c: _after_erasure_step(c),
        link=lambda c: reverse("client_erase_confirm", args=[c.pk]), button="btn-danger", icon="bi-eraser-fill",
    ),
    Action(
        model=Client, slug="tu-choi-xoa-du-lieu", label="Không xóa dữ liệu cá nhân",
        when=lambda c: owndata.pending_request(c) is not None,
        refused=lambda c: "Hồ sơ không có đề nghị xóa dữ liệu nào đang chờ.",
        form=lambda c, request, data=None, files=None: wall_forms.ErasureRefuseForm(data),
        service=lambda c, data, request: owndata.refuse_erasure(request.membership, c, data.get("note", "")),
        queryset=ERASURE_QUERYSET, log_reads=True, template="support/owndata_erasure.html",
        context=_erasure_context,
        success=lambda c, result: f"Đã ghi nhận: không xóa dữ liệu hồ sơ {c.code}.",
        next_url=_after_erasure_step, back_url=lambda c: _after_erasure_step(c),
        link=lambda c: reverse("client_erase_refuse", args=[c.pk]), button="btn-outline-secondary",
    ),
)
