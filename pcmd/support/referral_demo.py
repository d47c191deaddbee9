"""Demo providers, outreach contacts and referrals for Phường Bạch Đằng (runs after the other support seeders).

Only what is missing is added, so it completes whatever the case-management demo already made: a provider
directory (the ward's health station is `bachdang.hotro`'s own agency, so the inbox "Giới thiệu đến đơn vị tôi"
has something), three outreach sessions, and — when the ward has no referral yet — one invented file with its
consents, a referral waiting for the answer and an overdue one. Codes are random and not kept.
"""

import datetime

from django.utils import timezone

from pcmd.core.demo import SeedContext, bach_dang
from pcmd.org.models import Agency, Membership, Role

from . import referrals
from .models import (
    CaseEvent,
    CaseEventAction,
    Client,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    OutreachContact,
    Provider,
    ProviderKind,
    Referral,
    ServiceKind,
    ServiceRecord,
    Sex,
)


def _providers(bd) -> list[Provider]:
    station = Agency.objects.filter(unit=bd, kind__code="tram-y-te").first()
    rows = [
        ("Trạm Y tế phường Bạch Đằng", ProviderKind.HEALTH_STATION, bd, station, "0225 3000 101 (mẫu)"),
        ("Phòng khám ngoại trú HIV, PrEP (mẫu)", ProviderKind.HIV_CLINIC, bd, None, "0225 3000 102 (mẫu)"),
        ("Trung tâm Trợ giúp pháp lý nhà nước thành phố Hải Phòng", ProviderKind.LEGAL_AID, bd.province, None, ""),
        ("Trung tâm Dịch vụ việc làm Hải Phòng", ProviderKind.JOB_CENTRE, bd.province, None, ""),
    ]
    return [Provider.objects.create(name=n, kind=k, unit=u, agency=a, phone=p, contact_person="Cán bộ tiếp nhận (mẫu)")
            for n, k, u, a, p in rows]


def seed_referrals(ctx: SeedContext) -> None:
    bd = bach_dang()
    today = timezone.localdate()
    worker = Membership.objects.filter(unit=bd, role=Role.CASE_WORKER).values_list("user_id", flat=True).first()
    added = 0
    providers = list(Provider.objects.filter(unit=bd).order_by("pk")) or _providers(bd)
    if not OutreachContact.objects.filter(unit=bd).exists():
        for days, reached, new, condoms in ((3, 12, 4, 60), (17, 8, 2, 40), (31, 15, 6, 80)):
            OutreachContact.objects.create(unit=bd, date=today - datetime.timedelta(days=days), place="Khu nhà trọ",
                                           worker="Nhóm đồng đẳng (mẫu)", people_reached=reached, new_people=new,
                                           info_materials=reached, condoms=condoms, referral_cards=new,
                                           recorded_by_id=worker)
            added += 1
    if not Referral.objects.filter(unit=bd).exists():
        registered = today - datetime.timedelta(days=40)
        client = Client.objects.create(unit=bd, code=f"HT-{bd.code}-GT0001", uic="DEMOGT90F", sex=Sex.FEMALE,
                                       birth_year=1996, registered_on=registered, case_worker_id=worker)
        CaseEvent.objects.create(client=client, action=CaseEventAction.REGISTER, actor_id=worker)
        for purpose, provider in ((ConsentPurpose.SERVICES, None), (ConsentPurpose.REPORTING, None),
                                  *((ConsentPurpose.REFERRAL, p) for p in providers[:2])):
            Consent.objects.create(client=client, purpose=purpose, provider=provider, method=ConsentMethod.VERBAL,
                                   given_on=registered, recorded_by_id=worker)
        for days, provider, need in ((2, providers[0], "sti_hiv"), (20, providers[1], "health")):
            referral = Referral(client=client, unit=bd, provider=provider, need=need, created_by_id=worker,
                                referred_on=today - datetime.timedelta(days=days),
                                answer_due=today - datetime.timedelta(days=days) + datetime.timedelta(days=14),
                                note="Cần xét nghiệm và tư vấn (mẫu).")
            referrals._token(referral)
            referral.save()
            CaseEvent.objects.create(client=client, action=CaseEventAction.REFER, actor_id=worker,
                                     note=f"Giới thiệu đến {provider.name}.")
            added += 1
        ServiceRecord.objects.create(client=client, unit=bd, kind=ServiceKind.COUNSELLING, provider=providers[0],
                                     received_on=registered + datetime.timedelta(days=1), recorded_by_id=worker)
    ctx.summary["giới thiệu, tiếp cận cộng đồng mới"] = added
