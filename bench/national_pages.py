"""The two national pages that were slow: the admin's tip list and the admin's risk-based inspection plan.

Builds into a throwaway database the demo data (the whole country: 34 provinces, 3,321 communes, 37,211
agencies, the demo logins), then national-scale records on top: generated tips in every commune (the
`national` tips seeder, ~6,600 tips), and for Thành phố Hà Nội establishments at the national seed's density
(`--per-commune`, default 60 = 200,000 / 3,321) with five years of visits (the `national` inspections seeder).
Then, as the national admin (`admin`, two-factor passed), it times through Django's test client, best of 5:

- ``/tin-bao/`` (the list with its filter: communes and agencies are search boxes, not 3,321 + 37,211 options);
- ``/ke-hoach-kiem-tra/?unit=01&year=<this year>`` (the plan of Hà Nội: a national seat names the province).

Last line::

    tips_list_ms=<ms> inspection_plan_ms=<ms>

SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME a database NAME_national_pages_bench.

    .venv/bin/python bench/national_pages.py [--per-commune 60]
"""

import argparse
import os
import random
import time

from _common import best_of, django_on_throwaway_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-commune", type=int, default=60)
    parser.add_argument("--province", default="01")
    args = parser.parse_args()

    os.environ.setdefault("PCMD_HTTPS", "0")
    django_on_throwaway_database("national_pages")
    start = time.perf_counter()
    counts = build(args)
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" generate_s={time.perf_counter() - start:.0f}")

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    setup_test_environment()
    override_settings(ALLOWED_HOSTS=["*"], STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()
    admin = get_user_model().objects.get(username="admin")
    client = Client()
    client.force_login(admin)
    device = TOTPDevice.objects.filter(user=admin).first() or TOTPDevice.objects.create(user=admin, name="bench")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response
        return get

    tips_s, tips_page = best_of(5, page("/tin-bao/"))
    plan_url = f"/ke-hoach-kiem-tra/?unit={args.province}&year={timezone.localdate().year}"
    plan_s, plan_page = best_of(5, page(plan_url))
    plan = plan_page.context["plan"]
    print(f"tips_list_bytes={len(tips_page.content)} tips_select_options={tips_page.content.count(b'<option')} "
          f"plan_operating={plan.operating} plan_candidates={plan.candidates} plan_needed={plan.needed} "
          f"plan_bytes={len(plan_page.content)}")
    print(f"tips_list_ms={tips_s * 1000:.0f} inspection_plan_ms={plan_s * 1000:.0f}")


def build(args) -> dict:
    from faker import Faker

    from pcmd.core.demo import SeedContext, seed
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.inspections.demo import seed_inspections
    from pcmd.inspections.models import Visit
    from pcmd.tips.demo import seed_tips
    from pcmd.tips.models import Tip
    from pcmd.venues import demo as venues_demo
    from pcmd.venues.models import Establishment, EstablishmentType

    seed("demo")
    ctx = SeedContext(scale="national", faker=Faker("vi_VN"), rng=random.Random(2026))
    ctx.faker.seed_instance(2026)
    # Establishments of the province at the national seed's density, as seed_establishments builds them.
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, is_active=True, province__code=args.province)
                    .exclude(pk__in=Establishment.objects.values("unit_id")).select_related("province")
                    .order_by("code"))
    types = {t.code: t for t in EstablishmentType.objects.all()}
    shares = [(types[code], share) for code, _n, _k, _w, share in venues_demo.catalogue.TYPES if code in types]
    owners = [ctx.faker.name() for _ in range(400)]
    agencies = venues_demo.ManagingAgencies(communes)
    rows = []
    for commune in communes:
        rows.extend(venues_demo._commune_establishments(commune, args.per_commune, shares, owners, [], agencies))
    Establishment.objects.bulk_create(rows, batch_size=venues_demo.BATCH)
    seed_inspections(ctx)  # five years of visits for communes without a team (the new ones)
    seed_tips(ctx)  # a few tips in every commune of the country
    return {"tips": Tip.objects.count(), "establishments": Establishment.objects.count(),
            "visits": Visit.objects.count()}


if __name__ == "__main__":
    main()
