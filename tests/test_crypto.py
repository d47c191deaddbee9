from cryptography.fernet import Fernet
from django.db import connection

from pcmd.core import crypto
from pcmd.core.models import AccessLog


def test_round_trip_and_blank():
    token = crypto.encrypt("Nguyễn Văn A, 0912 345 678")
    assert token != "Nguyễn Văn A, 0912 345 678"
    assert "Nguyễn" not in token
    assert crypto.decrypt(token) == "Nguyễn Văn A, 0912 345 678"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_key_rotation(settings):
    old_key = Fernet.generate_key().decode()
    settings.PCMD_FIELD_KEYS = [old_key]
    crypto.reset_keys()
    try:
        token = crypto.encrypt("bí mật")
        new_key = Fernet.generate_key().decode()
        settings.PCMD_FIELD_KEYS = [new_key, old_key]
        crypto.reset_keys()
        assert crypto.decrypt(token) == "bí mật"  # old token still readable
        rotated = crypto.rotate(token)
        settings.PCMD_FIELD_KEYS = [new_key]
        crypto.reset_keys()
        assert crypto.decrypt(rotated) == "bí mật"
        try:
            crypto.decrypt(token)
        except ValueError:
            pass
        else:
            raise AssertionError("a token of a retired key must not decrypt")
    finally:
        crypto.reset_keys()


def test_encrypted_field_stores_token(db, bach_dang):
    from pcmd.tips.models import TipChannel
    from pcmd.tips.services import tip_create

    tip = tip_create(channel=TipChannel.HOTLINE, data={
        "unit": bach_dang, "summary": "Nghi vấn", "description": "Nội dung", "is_anonymous": False,
        "reporter_name": "Trần Thị Bình", "reporter_contact": "0987 654 321",
    })
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_name, reporter_contact FROM tips_tip WHERE id = %s", [tip.pk])
        raw_name, raw_contact = cursor.fetchone()
    assert "Bình" not in raw_name and "0987" not in raw_contact
    tip.refresh_from_db()
    assert tip.reporter_name == "Trần Thị Bình"
    AccessLog.record(membership=None, obj=tip)
    assert AccessLog.objects.filter(target="tips.tip", object_id=str(tip.pk)).exists()


def test_access_log_is_read_only_in_the_admin(db, bach_dang, verified_login):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("log.admin", "log.admin@example.vn", "mat-khau-dai-123")
    client = verified_login(admin)
    AccessLog.record(membership=None, obj=bach_dang, detail="kiểm thử")
    listing = client.get("/quan-tri/core/accesslog/")
    assert listing.status_code == 200 and "kiểm thử" in listing.content.decode()
    assert client.get("/quan-tri/core/accesslog/add/").status_code == 403
    entry = AccessLog.objects.latest("pk")
    assert client.post(f"/quan-tri/core/accesslog/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_rotate_field_keys_command(db, bach_dang, settings):
    from django.core.management import call_command

    from pcmd.tips.models import TipChannel
    from pcmd.tips.services import tip_create

    settings.PCMD_FIELD_KEYS = []
    crypto.reset_keys()
    demo_keys = crypto._keys()  # the demo's rows use the generated key
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.PCMD_FIELD_KEYS = [old_key, *demo_keys]
    crypto.reset_keys()
    try:
        tip = tip_create(channel=TipChannel.HOTLINE, data={
            "unit": bach_dang, "summary": "Xoay khóa", "description": "Nội dung", "is_anonymous": False,
            "reporter_name": "Lê Văn Cường", "reporter_contact": "0900000001"})
        settings.PCMD_FIELD_KEYS = [new_key, old_key, *demo_keys]
        crypto.reset_keys()
        call_command("rotate_field_keys", batch_size=2)
        settings.PCMD_FIELD_KEYS = [new_key]
        crypto.reset_keys()
        tip.refresh_from_db()
        assert (tip.reporter_name, tip.reporter_contact) == ("Lê Văn Cường", "0900000001")
    finally:
        crypto.reset_keys()
