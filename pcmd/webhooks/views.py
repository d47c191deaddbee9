"""Webhook pages: subscriptions (list, create), one subscription with its delivery log, edit, new secret and
"gửi lại". Rules live in services.py; every query goes through core.scoping."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from pcmd.core.scoping import get_scoped_or_404, module_view, require, scoped
from pcmd.org.permissions import allowed

from . import services
from .forms import SubscriptionForm
from .models import EVENTS, Delivery, DeliveryStatus, Subscription

LOG_PAGE = 50


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@module_view("integrations", "view")
def webhook_list(request):
    membership = request.membership
    subscriptions = scoped(Subscription.objects.select_related("unit"), membership, "view")
    form = SubscriptionForm(request.POST or None, membership=membership, creating=True)
    new_secret = created = None
    if request.method == "POST":
        require(membership, "integrations", "add")
        if form.is_valid():
            data = form.cleaned_data
            try:
                created, new_secret = services.subscription_create(
                    membership=membership, name=data["name"], url=data["url"], events=data["events"],
                    unit=data["unit"])
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                form = SubscriptionForm(membership=membership, creating=True)
    counts = {}
    for sub_id, status in Delivery.objects.filter(subscription__in=subscriptions).values_list("subscription_id",
                                                                                            "status"):
        counts.setdefault(sub_id, {}).setdefault(status, 0)
        counts[sub_id][status] += 1
    rows = [{"sub": s, "counts": counts.get(s.pk, {})} for s in subscriptions]
    return render(request, "webhooks/list.html", {
        "rows": rows, "form": form, "created": created, "new_secret": new_secret,
        "can_add": allowed(membership.role, "integrations", "add"), "events": EVENTS, "S": DeliveryStatus,
    })


@module_view("integrations", "view")
def webhook_detail(request, pk: int):
    """One subscription: its settings (edit), and its delivery log (status code, attempts, next retry, gửi lại)."""
    membership = request.membership
    subscription = get_scoped_or_404(Subscription.objects.select_related("unit"), membership, pk=pk)
    step = request.POST.get("step", "") if request.method == "POST" else ""
    new_secret = None
    initial = {"name": subscription.name, "url": subscription.url, "events": subscription.event_list,
               "unit": subscription.unit, "is_active": subscription.is_active}
    form = SubscriptionForm(request.POST if step == "update" else None, membership=membership, initial=initial)
    if request.method == "POST":
        require(membership, "integrations", "change")
        try:
            if step == "update":
                if form.is_valid():
                    data = form.cleaned_data
                    try:
                        version = int(request.POST.get("version", ""))
                    except ValueError:
                        version = None
                    try:
                        services.subscription_update(
                            membership=membership, subscription=subscription, name=data["name"], url=data["url"],
                            events=data["events"], unit=data["unit"], is_active=data["is_active"], version=version)
                    except ValidationError as exc:
                        _apply_errors(form, exc)
                    else:
                        messages.success(request, "Đã lưu đăng ký.")
                        return HttpResponseRedirect(request.path)
            elif step == "replay":
                raw = request.POST.get("delivery", "")
                delivery = (Delivery.objects.filter(pk=int(raw), subscription=subscription).first()
                            if raw.isascii() and raw.isdigit() and len(raw) < 18 else None)
                if delivery is None:
                    raise ValidationError("Hãy chọn lượt gửi cần gửi lại.")
                services.replay(membership=membership, delivery=delivery)
                messages.success(request, "Đã đưa sự kiện vào hàng gửi lại.")
                return HttpResponseRedirect(request.path)
            elif step == "secret":
                new_secret = services.secret_rotate(membership=membership, subscription=subscription)
                subscription.refresh_from_db()
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.path)
    deliveries = (Delivery.objects.filter(subscription=subscription).select_related("event", "event__unit")
                  .order_by("-created_at", "-pk"))
    status = request.GET.get("tinh-trang", "")
    if status in DeliveryStatus.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, LOG_PAGE).get_page(request.GET.get("page"))
    return render(request, "webhooks/detail.html", {
        "subscription": subscription, "form": form, "page": page, "new_secret": new_secret,
        "can_change": allowed(membership.role, "integrations", "change"), "statuses": DeliveryStatus.choices,
        "status": status, "S": DeliveryStatus, "list_url": reverse("webhook_list"),
    })
