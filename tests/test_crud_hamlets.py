import pytest

from pcmd.geo.models import AdminUnit, Level

pytestmark = pytest.mark.django_db


def test_commune_user_adds_a_hamlet_to_their_commune(login, owner, bach_dang):
    client = login(owner)
    form = client.get("/thon-to-dan-pho/them/")
    assert form.context["form"].initial["parent"] == bach_dang
    response = client.post("/thon-to-dan-pho/them/", {"parent": bach_dang.pk, "name": "Tổ dân phố Đông Hải",
                                                      "division_type": "tổ dân phố", "is_active": "on"})
    hamlet = AdminUnit.objects.get(parent=bach_dang, name="Tổ dân phố Đông Hải")
    assert response.status_code == 302 and hamlet.level == Level.HAMLET


def test_duplicate_hamlet_name_is_explained_and_typed_text_kept(login, owner, bach_dang, bd_hamlet):
    response = login(owner).post("/thon-to-dan-pho/them/", {"parent": bach_dang.pk, "name": bd_hamlet.name.upper(),
                                                            "division_type": "tổ dân phố", "note": "ghi chú của tôi"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "đã có" in text and "ghi chú của tôi" in text


def test_edit_hamlet_and_see_history(login, owner, bd_hamlet):
    client = login(owner)
    response = client.post(f"/thon-to-dan-pho/{bd_hamlet.pk}/sua/", {"name": "Tổ dân phố số 1 (mới)",
                                                                     "division_type": "tổ dân phố",
                                                                     "is_active": "on", "version": bd_hamlet.version})
    assert response.status_code == 302
    assert "Tổ dân phố số 1 (mới)" in client.get(f"/thon-to-dan-pho/{bd_hamlet.pk}/").content.decode()


def test_outsider_and_reader(login, outsider, reader, bd_hamlet):
    assert login(outsider).get(f"/thon-to-dan-pho/{bd_hamlet.pk}/").status_code == 404
    rows = login(outsider).get("/thon-to-dan-pho/", {"q": bd_hamlet.name}).context["rows"]
    assert rows and all(obj.province_id != bd_hamlet.province_id for obj, _ in rows)
    assert login(reader).get(f"/thon-to-dan-pho/{bd_hamlet.pk}/sua/").status_code == 403
