"""Issue 12, defect 11: money with thousands separators, phone numbers checked, the progress form keeps the last
status, a plan without a number still opens from the list, no stale "will show when…" texts."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from pcmd.core.money import MoneyField, validate_phone
from pcmd.enforcement.models import SanctionRecord
from pcmd.org.models import Agency, Role
from pcmd.plans.models import Plan, ProgressStatus, Task, TaskProgress


@pytest.mark.parametrize("typed, amount", [("40.000.000", 40_000_000), ("40 000 000", 40_000_000),
                                           ("40,000,000 đ", 40_000_000), ("40000000", 40_000_000),
                                           ("1.500.000 đồng", 1_500_000), ("0", 0)])
def test_money_is_read_with_separators(typed, amount):
    assert MoneyField().clean(typed) == amount


@pytest.mark.parametrize("typed", ["40.00.000", "bốn mươi triệu", "-5", "4,5", "1.2"])
def test_money_junk_is_a_vietnamese_error(typed):
    with pytest.raises(ValidationError) as exc:
        MoneyField().clean(typed)
    assert "Số tiền" in exc.value.messages[0]


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678",
                                   "0225 3842 123", "(0225) 3842-123", ""])
def test_vietnamese_phone_numbers_pass(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["111", "0225 999", "12345678901", "0012345678", "+1 202 555 0100",
                                   "09123456789012", "goi toi", "091234567"])
def test_wrong_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError, match="Số điện thoại không đúng"):
        validate_phone(phone)


@pytest.mark.django_db
def test_sanction_form_takes_and_shows_grouped_amounts(member_factory, login, bach_dang):
    client = login(member_factory("dw.police", bach_dang, Role.POLICE_OFFICER, "cong-an-xa"))
    page = client.get(reverse("sanction_record_create"))
    assert isinstance(page.context["form"].fields["fine_total"], MoneyField)
    data = {"unit": bach_dang.pk, "decision_number": "77/QĐ-XPHC", "decided_on": "2026-04-02", "category": "buyer",
            "people": "2", "fine_total": "40.000.000"}
    assert client.post(reverse("sanction_record_create"), data).status_code == 302
    record = SanctionRecord.objects.get(decision_number="77/QĐ-XPHC")
    assert record.fine_total == 40_000_000
    edit = client.get(reverse("sanction_record_edit", args=[record.pk])).content.decode()
    assert 'value="40.000.000"' in edit
    assert "40.000.000" in client.get(reverse("sanction_record_detail", args=[record.pk])).content.decode()


@pytest.mark.django_db
def test_agency_phone_is_checked(owner, login, bd_agency):
    client = login(owner)
    url = reverse("agency_edit", args=[bd_agency.pk])
    bad = client.post(url, {"name": bd_agency.name, "phone": "0225 999", "is_active": "on",
                            "version": bd_agency.version})
    assert bad.status_code == 400 and "Số điện thoại không đúng" in bad.content.decode()
    good = client.post(url, {"name": bd_agency.name, "phone": "+84 225 3842 123", "is_active": "on",
                             "version": bd_agency.version})
    assert good.status_code == 302
    assert Agency.objects.get(pk=bd_agency.pk).phone == "+84 225 3842 123"


@pytest.mark.django_db
def test_progress_form_keeps_the_last_status(owner, login, bach_dang):
    task = Task.objects.filter(plan__unit=bach_dang, lead_agencies__isnull=False).first() or \
        Task.objects.filter(plan__unit=bach_dang).first()
    from django.utils import timezone

    TaskProgress.objects.create(task=task, date=timezone.localdate(), status=ProgressStatus.DONE, note="Xong")
    form = login(owner).get(reverse("task_detail", args=[task.pk])).context["form"]
    assert form["status"].value() == ProgressStatus.DONE


@pytest.mark.django_db
def test_a_plan_without_a_number_opens_from_the_list(owner, login, bach_dang):
    plan = Plan.objects.filter(unit=bach_dang).first()
    plan.number, plan.title = "", "Kế hoạch chưa có số"
    plan.save()
    page = login(owner).get(reverse("plan_list"), {"q": "chua co so"}).content.decode()
    link = f'href="{reverse("plan_detail", args=[plan.pk])}"'
    assert link in page
    text = page[page.index(link):page.index("</a>", page.index(link))]
    assert "Mở (chưa có số, ký hiệu)" in text


@pytest.mark.django_db
def test_no_stale_promises_in_templates():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for template in [*root.glob("templates/**/*.html"), *root.glob("pcmd/*/templates/**/*.html")]:
        text = template.read_text(encoding="utf-8")
        for stale in ("tính khi có phân hệ", "sẽ hiện ở đây", "sẽ hiển thị khi"):
            assert stale not in text, (template, stale)


def test_money_widget_groups_digits():
    field = MoneyField()
    assert isinstance(field.widget, forms.TextInput) and field.widget.format_value(1500000) == "1.500.000"


def test_money_widget_shows_junk_back_as_typed():
    assert MoneyField().widget.format_value("²") == "²"
    with pytest.raises(ValidationError):
        MoneyField().clean("²")
    with pytest.raises(ValidationError):
        MoneyField().clean("٤٠")  # digits of another script are not đồng
