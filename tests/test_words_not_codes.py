"""Issue 12, defect 8: pages show names and Vietnamese period labels, not indicator codes, period codes or
login names."""
import pytest
from django.urls import reverse

from pcmd.core.crud import cell
from pcmd.core.periods import label_of, lower_first
from pcmd.indicators.models import DataValue
from tests.test_indicators_entered import PCT, coordinator, units  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_period_labels_in_a_sentence_keep_the_roman_numerals():
    assert label_of("2026Q4") == "Quý IV năm 2026" and label_of("không rõ") == "không rõ"
    assert lower_first(label_of("2026Q3")) == "quý III năm 2026"


def test_data_entry_pages_show_words(units, coordinator, client):  # noqa: F811
    coordinator.user.first_name, coordinator.user.last_name = "Trần Thị", "Nhập"
    coordinator.user.save()
    client.force_login(coordinator.user)
    _, (a, *_) = units
    url = reverse("datavalue_entry") + f"?don-vi={a.code}&ky=2026Q1"
    assert client.post(url, {f"{PCT}-numerator": "7", f"{PCT}-denominator": "10",
                             f"{PCT}-comment": ""}).status_code == 302
    entry = client.get(url).content.decode()
    name = coordinator.user.get_full_name()
    assert f">{PCT}<" not in entry and name in entry and "tb7.coord" not in entry
    listing = client.get(reverse("datavalue_list") + "?ky=2026Q1").content.decode()
    assert "<td>Quý I năm 2026</td>" in listing and "<td>2026Q1</td>" not in listing and name in listing
    completeness = client.get(reverse("indicator_completeness") + "?ky=2026Q1").content.decode()
    assert "kỳ quý I năm 2026" in completeness and "kỳ 2026Q1" not in completeness
    value = DataValue.objects.get(unit=a, period="2026Q1")
    assert cell(value, "entered_by") == name  # lists, details and exports of the registries


def test_scorecard_heading_says_quy_in_roman(units, coordinator, client):  # noqa: F811
    client.force_login(coordinator.user)
    page = client.get(reverse("dashboard_scorecard"), {"ky": "2026Q3"}).content.decode()
    assert "quý III năm 2026" in page and "quý iii" not in page
