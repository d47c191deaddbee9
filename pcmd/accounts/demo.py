"""Demo: the provinces' system admins and one pending proposal of an account (so the approval can be seen)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from pcmd.org.models import Agency, Membership, Role

from .models import AccountProfile, AccountProposal, ProposalStatus

PROVINCE_ADMINS = [("haiphong.quantri", "Phạm Quốc Huy", "31"), ("ninhbinh.quantri", "Vũ Thị Lan", "37")]
PROPOSAL_EMAIL = "minh.tran@demo.pcmd.invalid"


def seed_accounts(ctx) -> None:
    from pcmd.core.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoLogin, _unit, bach_dang, ensure_demo_totp

    User = get_user_model()
    for username, name, code in PROVINCE_ADMINS:
        unit = _unit(code)
        first, _, last = name.rpartition(" ")
        user, _ = User.objects.get_or_create(username=username, defaults={
            "password": make_password(DEMO_PASSWORD), "first_name": first, "last_name": last,
            "email": f"{username}@{DEMO_EMAIL_DOMAIN}"})
        Membership.objects.get_or_create(user=user, unit=unit, agency=None, role=Role.ADMIN)
        AccountProfile.objects.get_or_create(user=user)
        ctx.logins.append(DemoLogin(username=username, role=Role.ADMIN.label, place=unit.name, two_factor=True))
    ensure_demo_totp([u for u, _, _ in PROVINCE_ADMINS])
    bd = bach_dang()
    proposer = User.objects.filter(username="bachdang.vhxh").first()
    if not AccountProposal.objects.filter(email=PROPOSAL_EMAIL).exists():
        AccountProposal.objects.create(
            unit=bd, agency=Agency.objects.filter(unit=bd, kind__code="doan-tn-xa").first(),
            role=Role.AGENCY_OFFICER, full_name="Trần Văn Minh", email=PROPOSAL_EMAIL, phone="0912 345 678",
            note="Cán bộ Đoàn phường phụ trách tuyên truyền cho thanh niên, công nhân.",
            status=ProposalStatus.PROPOSED, proposed_by=proposer)
    ctx.summary["đề xuất tài khoản chờ duyệt"] = AccountProposal.objects.filter(
        status=ProposalStatus.PROPOSED).count()
