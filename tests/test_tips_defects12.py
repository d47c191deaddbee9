"""Issue 12, defect 1: a tip's result links to a visit, case or hotspot of the tip's commune."""
import datetime

import pytest

from pcmd.hotspots.models import Hotspot
from pcmd.inspections.models import Visit
from pcmd.org.models import Membership
from pcmd.tips import forms, services
from pcmd.tips.models import TipChannel, TipOutcome
from tests.test_inspections import make_establishment

pytestmark = pytest.mark.django_db


def new_tip(unit, **extra):
    data = {"unit": unit, "summary": "Nghi có mua bán dâm tại quán karaoke", "description": "Nội dung tin báo",
            "location": "Phố Hoàng Văn Thụ", "is_anonymous": True, **extra}
    return services.tip_create(channel=TipChannel.HOTLINE, data=data)


def visit(establishment, day):
    return Visit.objects.create(establishment=establishment, unit=establishment.unit, date=day)


def test_handle_form_accepts_a_visit_of_the_tips_commune_and_refuses_another(bach_dang, ninh_binh_commune, owner):
    m = Membership.objects.get(user=owner)
    place = make_establishment(bach_dang)
    tip = new_tip(bach_dang, establishment=place)
    mine = visit(place, datetime.date(2026, 9, 1))
    hotspot = Hotspot.objects.create(unit=bach_dang, name="Tụ điểm bến xe", first_identified=datetime.date(2026, 1, 5))
    form = forms.HandleForm({"outcome": TipOutcome.INSPECTION, "visit": mine.pk, "hotspot": hotspot.pk,
                             "reason": "Đã kiểm tra"}, tip=tip, membership=m)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["visit"] == mine and form.cleaned_data["hotspot"] == hotspot
    # The tip's establishment comes first in the list.
    assert list(form.fields["visit"].widget.choices)[1][0] == mine.pk

    elsewhere = visit(make_establishment(ninh_binh_commune, name="Karaoke Nơi Khác"), datetime.date(2026, 9, 2))
    form = forms.HandleForm({"outcome": TipOutcome.INSPECTION, "visit": elsewhere.pk, "reason": "x"},
                            tip=tip, membership=m)
    assert not form.is_valid() and "visit" in form.errors


def test_handle_form_shows_the_most_recent_but_validates_against_all(bach_dang, owner, monkeypatch):
    monkeypatch.setattr(forms, "LINK_CHOICES_SHOWN", 2)
    m = Membership.objects.get(user=owner)
    place = make_establishment(bach_dang)
    old, *recent = [visit(place, datetime.date(2026, 8, d)) for d in (1, 10, 20)]
    tip = new_tip(bach_dang)
    form = forms.HandleForm({"outcome": TipOutcome.INSPECTION, "visit": old.pk, "reason": "Đã kiểm tra"},
                            tip=tip, membership=m)
    shown = [value for value, _ in form.fields["visit"].widget.choices if value]
    assert old.pk not in shown and set(shown) <= {v.pk for v in Visit.objects.filter(unit=bach_dang)}
    assert len(shown) == 2
    assert form.is_valid(), form.errors
