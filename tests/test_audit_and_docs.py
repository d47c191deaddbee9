import subprocess
import sys

import pytest
from auditlog.models import LogEntry

from pcmd.core.demo import seed
from pcmd.org.models import Agency, Membership, Role
from pcmd.org.permissions import ENFORCEMENT_ROLES, MATRIX, as_markdown

pytestmark = pytest.mark.django_db


def test_changes_are_recorded_with_who_and_what(login, owner, bd_agency):
    login(owner).post(f"/co-quan/{bd_agency.pk}/sua/", {"name": bd_agency.name, "phone": "0225 3999 999",
                                                       "is_active": "on", "version": bd_agency.version})
    entry = LogEntry.objects.get_for_object(bd_agency).latest("timestamp")
    assert entry.actor == owner and entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict["phone"] == ["", "0225 3999 999"]
    assert entry.additional_data["province"] == bd_agency.province_id


def test_audit_page_filters_and_is_scoped_to_the_admins_province(login, verified_login, member_factory, owner,
                                                                 bd_agency, ninh_binh_commune, hai_phong):
    login(owner).post(f"/co-quan/{bd_agency.pk}/sua/", {"name": bd_agency.name, "phone": "0912 345 678",
                                                        "is_active": "on", "version": bd_agency.version})
    hp_admin = member_factory("adm.hp", hai_phong, Role.ADMIN)
    page = verified_login(hp_admin).get("/nhat-ky/", {"actor": owner.pk, "action": 1})
    assert page.status_code == 200
    assert [e.object_repr for e in page.context["page"]] == [bd_agency.name]

    nb_admin = member_factory("adm.nb", ninh_binh_commune.province, Role.ADMIN)
    page = verified_login(nb_admin).get("/nhat-ky/")
    assert bd_agency.name not in page.content.decode()


def test_audit_page_is_for_admins_only(login, owner):
    assert login(owner).get("/nhat-ky/").status_code == 403


def test_permissions_doc_is_generated_from_the_matrix():
    from pathlib import Path

    assert Path("docs/permissions.md").read_text() == as_markdown()


def test_enforcement_roles_never_touch_support():
    for role in ENFORCEMENT_ROLES:
        assert "support" not in MATRIX[role]
    assert {role for role, modules in MATRIX.items() if "support" in modules} == {Role.CASE_WORKER,
                                                                                   Role.SUPPORT_SUPERVISOR}


def test_seed_demo_is_idempotent_and_makes_the_readme_logins():
    users = Membership.objects.values("user").distinct().count()
    agencies = Agency.objects.count()
    ctx = seed("demo")
    assert Membership.objects.values("user").distinct().count() == users
    assert Agency.objects.count() == agencies
    names = {login.username for login in ctx.logins}
    assert {"admin", "hanoi.thuongtruc", "hanoi.lanhdao", "haiphong.thuongtruc", "haiphong.lanhdao",
            "ninhbinh.thuongtruc", "ninhbinh.lanhdao", "bachdang.vhxh", "bachdang.canbo", "bachdang.congan",
            "bachdang.doi178", "bachdang.hotro"} <= names
    roles_at_bach_dang = set(Membership.objects.filter(unit__search_text="phuong bach dang",
                                                       unit__province__code="31").values_list("role", flat=True))
    assert {Role.COORDINATOR, Role.AGENCY_OFFICER, Role.POLICE_OFFICER, Role.INSPECTOR,
            Role.CASE_WORKER} <= roles_at_bach_dang


def test_production_settings_pass_check_deploy(tmp_path):
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 30 + "a-long-random-looking-secret-key-for-the-check-Z9",
           "ALLOWED_HOSTS": "pcmd.example.vn", "PCMD_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "DJANGO_SETTINGS_MODULE": "pcmd.settings"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
