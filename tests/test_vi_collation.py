"""Issue 12, defect 9: unit lists in Vietnamese order ("Cầu Giấy" before "Chương Mỹ", Đ after D, Ô/Ơ after O,
Ư after U), on SQLite (the collation ``vi`` built from core.collation.vi_sort_key) and PostgreSQL (ICU
``vi-x-icu``): run this file with DATABASE_URL=postgresql://… as well."""

import pytest
from django.urls import reverse

from pcmd.core.collation import vi_order, vi_sort_key
from pcmd.geo.models import AdminUnit, Level
from pcmd.org.models import Role

EXPECTED = ["An", "Ba Đình", "Bà Rịa", "Bắc Ninh", "Cầu Giấy", "Chương Mỹ", "Dương Kinh", "Đống Đa", "Ong",
            "Ô Môn", "Ơ Rê", "Phường 1", "Phường 10", "Phường 2", "Uông Bí", "Ưng Hòa", "Vân Đồn", "Yên Bái"]


def test_the_key_orders_vietnamese_names():
    assert sorted(reversed(EXPECTED), key=vi_sort_key) == EXPECTED
    assert sorted(["Ạ", "A", "Á", "À", "Ả", "Ã", "a"], key=vi_sort_key) == ["a", "A", "À", "Ả", "Ã", "Á", "Ạ"]
    assert vi_sort_key("Cầu Giấy") != vi_sort_key("Cau Giay")  # different texts never compare equal


@pytest.mark.django_db
def test_the_database_orders_vietnamese_names(bach_dang):
    AdminUnit.objects.bulk_create([
        AdminUnit(code=f"vi-{n}", name=name, division_type="thôn", level=Level.HAMLET, parent=bach_dang,
                  province=bach_dang.province, path=f"{bach_dang.path}vi-{n}/")
        for n, name in enumerate(reversed(EXPECTED))])
    rows = AdminUnit.objects.filter(code__startswith="vi-")
    assert list(rows.order_by(vi_order()).values_list("name", flat=True)) == EXPECTED
    assert list(rows.order_by(vi_order(descending=True)).values_list("name", flat=True)) == EXPECTED[::-1]
    # across a relation too
    assert list(rows.order_by(vi_order("parent__name"), vi_order()).values_list("name", flat=True)) == EXPECTED


@pytest.mark.django_db
def test_a_province_seats_commune_lists_are_in_vietnamese_order(member_factory, login):
    from pcmd.core.pickers import unit_options

    hanoi = AdminUnit.objects.get(code="01")
    user = member_factory("vi.hanoi", hanoi, Role.COORDINATOR)
    names = [u.name for u in unit_options(user.memberships.get())]
    wanted = ["Phường Cầu Giấy", "Phường Chương Mỹ", "Phường Dương Nội", "Phường Đống Đa"]
    assert [n for n in names if n in wanted] == wanted
    assert names == sorted(names, key=vi_sort_key)
    page = login(user).get(reverse("establishment_list"))
    listed = [u.name for u in page.context["filterset"].form.fields["unit"].queryset]
    assert [n for n in listed if n in wanted] == wanted
