"""The REST API at province scale: bulk upsert of 10,000 establishments (10 calls of 1,000 rows) through
/api/v1/establishments/bulk/, the same again (all updates, idempotent), then the list of the 10,000 as NDJSON,
JSON and CSV in one page and as JSON in pages of 1,000 (cursor), and the change feed since a moment.

In-process (Django's test client, no network), on a throwaway database (SQLite, or DATABASE_URL=postgresql://…).
The LAST line: `ndjson_10k_s=… ndjson_10k_bytes=… bulk_rows_per_s=…`.

    .venv/bin/python bench/api.py [--rows 10000]
"""

import argparse
import datetime
import json
import os
import random
import time

from _common import django_on_throwaway_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("PCMD_HTTPS", "0")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    django_on_throwaway_database("api")
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from pcmd.api import tokens
    from pcmd.api.models import ApiToken
    from pcmd.core.demo import HAI_PHONG
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.geo.services import admin_units_load_official
    from pcmd.org.models import Membership, Role
    from pcmd.org.services import agencies_instantiate, agency_kinds_load
    from pcmd.venues.models import Establishment
    from pcmd.venues.services import establishment_types_load

    admin_units_load_official()
    agency_kinds_load()
    hai_phong = AdminUnit.objects.get(code=HAI_PHONG)
    communes = list(AdminUnit.objects.filter(province=hai_phong, level=Level.COMMUNE, is_active=True).order_by("code"))
    agencies_instantiate(units=[hai_phong, *communes])
    establishment_types_load()
    user = get_user_model().objects.create_user("bench.api", password="x" * 12)
    membership = Membership.objects.create(user=user, unit=hai_phong, role=Role.COORDINATOR)
    token, secret = tokens.token_create(membership=membership, name="Bench", modules={"venues": "write"},
                                        expires_on=timezone.localdate() + datetime.timedelta(days=5))
    ApiToken.objects.filter(pk=token.pk).update(rate_per_minute=1_000_000)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    rng = random.Random(2026)
    types = ["Karaoke", "Nhà nghỉ", "Khách sạn", "Nhà trọ"]
    rows = [{"name": f"Cơ sở thử {n}", "type": rng.choice(types), "address": f"Số {n % 500} Đường {n % 37}",
             "unit": communes[n % len(communes)].code, "registration_number": f"API{n:08d}",
             "workers_total": rng.randint(1, 30), "owner_name": "Nguyễn Văn An"} for n in range(args.rows)]

    def upsert():
        created = updated = 0
        for start in range(0, len(rows), 1000):
            r = client.post("/api/v1/establishments/bulk/", json.dumps({"rows": rows[start:start + 1000]}),
                            content_type="application/json")
            assert r.status_code == 200, r.content[:500]
            body = r.json()
            assert body["rejected"] == 0, body["rows"][:3]
            created, updated = created + body["created"], updated + body["updated"]
        return created, updated

    t = time.perf_counter()
    created, _ = upsert()
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    _, updated = upsert()
    again_s = time.perf_counter() - t
    assert created == updated == args.rows and Establishment.objects.count() == args.rows
    print(f"bulk upsert: rows={args.rows} created_s={first_s:.1f} updated_s={again_s:.1f} "
          f"rows_per_s={args.rows / first_s:.0f} update_rows_per_s={args.rows / again_s:.0f}")

    figures = {}
    for fmt in ("ndjson", "json", "csv"):
        t = time.perf_counter()
        r = client.get(f"/api/v1/establishments/?format={fmt}&page_size=10000")
        figures[fmt] = (time.perf_counter() - t, len(r.content))
        assert r.status_code == 200
    print(" ".join(f"{fmt}_10k_s={s:.2f} {fmt}_10k_bytes={b}" for fmt, (s, b) in figures.items()))
    t = time.perf_counter()
    url, pages, seen = "/api/v1/establishments/?page_size=1000", 0, 0
    while url:
        body = client.get(url).json()
        seen += len(body["results"])
        pages += 1
        url = body["next"]
    assert seen == args.rows
    print(f"json_pages_of_1000: pages={pages} total_s={time.perf_counter() - t:.2f}")
    since = (timezone.now() - datetime.timedelta(minutes=5)).isoformat()
    t = time.perf_counter()
    r = client.get("/api/v1/establishments/", {"updated_since": since, "page_size": 100, "fields": "id,updated_at"})
    print(f"changed_since_first_page_s={time.perf_counter() - t:.3f}")
    s, b = figures["ndjson"]
    print(f"ndjson_10k_s={s:.2f} ndjson_10k_bytes={b} bulk_rows_per_s={args.rows / first_s:.0f}")


if __name__ == "__main__":
    main()
