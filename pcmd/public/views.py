"""The public pages: send a tip, ask for counselling, follow up with the receipt code. No login, no JavaScript."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from pcmd.core.crud import add_errors
from pcmd.public import ratelimit, services
from pcmd.public.conf import limit
from pcmd.public.forms import (
    CounsellingForm,
    CounsellingReplyForm,
    LookupForm,
    ProvinceForm,
    ReplyForm,
    TipForm,
    provinces,
)
from pcmd.public.privacy import public_view
from pcmd.support.models import CounsellingRequest
from pcmd.tips import receipts
from pcmd.tips.models import Tip

NOT_FOUND = ("Không tìm thấy phản ánh nào với mã tra cứu này. Hãy kiểm tra lại đủ 16 chữ số "
             "(có thể viết liền hoặc cách nhau bằng dấu cách).")


def _limits():
    return {"max_files": limit("MAX_FILES"), "max_file_mb": limit("MAX_FILE_MB")}


def _limited(request):
    return render(request, "public/limited.html", status=429)


def _province(request):
    code = request.POST.get("tinh") if request.method == "POST" else request.GET.get("tinh")
    return provinces().filter(code=code).first() if code else None


# The receipt code waits in the session between the post and the page that shows it (POST-redirect-GET):
# a refresh or the back button then neither re-sends the form nor shows the code again.
RECEIPT_SESSION_KEY = "public_receipt"
HEADINGS = {
    "tip": "Đã nhận phản ánh, tin báo của bạn. Cảm ơn bạn đã cung cấp thông tin.",
    "counselling": "Đã nhận đề nghị của bạn. Cán bộ phụ trách sẽ liên hệ hoặc trả lời tại trang tra cứu.",
}
SUBJECTS = {"tip": "phản ánh này", "counselling": "đề nghị này"}  # what the code is for, in the page's sentences


def _receipt(request, code: str, kind: str):
    request.session[RECEIPT_SESSION_KEY] = {"code": code, "kind": kind}
    return redirect("public_receipt")


@public_view
def receipt(request):
    """Shows the code once; afterwards says it was shown and how to follow the tip up."""
    kept = request.session.pop(RECEIPT_SESSION_KEY, None)
    if not kept or kept.get("kind") not in HEADINGS:
        return render(request, "public/receipt_shown.html")
    return render(request, "public/receipt.html", {"code": receipts.grouped(kept["code"]),
                                                   "heading": HEADINGS[kept["kind"]],
                                                   "subject": SUBJECTS[kept["kind"]]})


def _two_step_form(request, form_class, submit, template, kind):
    """Province first (GET), then the form with that province's communes (POST).

    Every post is counted before any work, valid or not: an invalid post costs the server as much as a
    valid one. The form checks the challenge before it touches the files (forms.FilesMixin)."""
    if request.method == "POST" and (not ratelimit.allow(request, "attempt")
                                     or ratelimit.exhausted(request, "submit")):
        return _limited(request)
    province = _province(request)
    if request.method == "POST" and province:
        form = form_class(request.POST, request.FILES, province=province)
        if form.is_valid():
            if not ratelimit.allow(request, "submit"):
                return _limited(request)
            try:
                _tip, code = submit(form.cleaned_data)
            except ValidationError as exc:  # e.g. no number could be given: say so, keep what was typed
                form.add_error(None, exc.messages)
            else:
                return _receipt(request, code, kind)
    else:
        form = form_class(province=province)
    province_form = ProvinceForm(request.GET if "tinh" in request.GET else None)
    return render(request, template, {"form": form, "province": province, "province_form": province_form,
                                      **_limits()})


@public_view
def tip_submit(request):
    return _two_step_form(
        request, TipForm, lambda data: services.public_tip_submit(data=data, files=data["files"]),
        "public/tip_form.html", "tip")


@public_view
def counselling(request):
    return _two_step_form(
        request, CounsellingForm, lambda data: services.public_counselling_request(data=data),
        "public/counselling_form.html", "counselling")


@public_view
def receipt_text(request):
    """The receipt code as a text file to keep (echoed back from the receipt page; nothing is looked up)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    code = receipts.normalise(request.POST.get("code", ""))
    if code is None:
        return HttpResponse("Mã không hợp lệ.", status=400, content_type="text/plain; charset=utf-8")
    url = request.build_absolute_uri(reverse("public_lookup"))
    text = (f"Mã tra cứu: {receipts.grouped(code)}\r\n"
            f"Tra cứu kết quả xử lý tại: {url}\r\n"
            "Giữ kín mã này: người có mã đọc được trao đổi với cán bộ.\r\n")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ma-tra-cuu.txt"'
    return response


@public_view
def lookup(request):
    """Enter the code (POST only: the code never appears in an address) -> the status page of what it was
    given for: a tip or a counselling request."""
    if request.method != "POST":
        return render(request, "public/lookup.html", {"form": LookupForm()})
    if not ratelimit.allow(request, "lookup"):
        return _limited(request)
    form = LookupForm(request.POST)
    found = services.find_by_receipt(request.POST.get("code", "")) if form.is_valid() else None
    if found is None:
        return render(request, "public/lookup.html", {"form": form, "problem": NOT_FOUND if form.is_valid() else ""})
    return STATUS_PAGES[type(found)](request, found, form.cleaned_data["code"].strip())


def _tip_status(request, tip, code):
    reply_form, sent = ReplyForm(), False
    if request.POST.get("action") == "reply":
        reply_form = ReplyForm(request.POST, request.FILES)
        if reply_form.is_valid():
            services.public_reply(tip=tip, text=reply_form.cleaned_data["text"], files=reply_form.cleaned_data["files"])
            reply_form, sent = ReplyForm(), True
    conversation = tip.messages.prefetch_related("attachments").order_by("created_at", "pk")
    return render(request, "public/status.html", {
        "tip": tip, "code": code, "conversation": conversation, "reply_form": reply_form, "sent": sent, **_limits(),
    })


def _counselling_status(request, counselling, code):
    reply_form, sent = CounsellingReplyForm(), False
    if request.POST.get("action") == "reply":
        reply_form = CounsellingReplyForm(request.POST)
        if reply_form.is_valid():
            try:
                services.public_counselling_reply(counselling=counselling, text=reply_form.cleaned_data["text"])
            except ValidationError as exc:
                add_errors(reply_form, exc)
            else:
                reply_form, sent = CounsellingReplyForm(), True
                counselling.refresh_from_db()
    return render(request, "public/counselling_status.html", {
        "counselling": counselling, "code": code, "conversation": counselling.messages.order_by("created_at", "pk"),
        "reply_form": reply_form, "sent": sent,
    })


# One status page per kind of record a receipt code can be given for.
STATUS_PAGES = {Tip: _tip_status, CounsellingRequest: _counselling_status}
