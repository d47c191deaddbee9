"""Support figures at scale: SUPPORT_ACCESS for every commune and province through the engine against
hand-written SQL, and the suppression pass over the six support indicators.

Generates into a throwaway database (bulk_create; the encrypted fields stay blank, so no encryption cost):

- `--scale small`: 4 provinces, 200 communes, 5,000 clients, 50,000 service records (a quick check);
- `--scale national`: 34 provinces, 3,321 communes, 100,000 clients, 1,000,000 service records.

Clients are spread over 80% of the communes (the others have an entered SUPPORT_ACCESS figure, as units that
do not use the module yet; a fifth of the using communes have one too, which must be ignored); 85% have a
reporting consent (2% of those withdrawn later), 1% are merged, 0.5% erased; one screening each (70%
eligible), a second one for 20%; 30% have a referral (half completed). Then, for the year:

- access: engine.compute("SUPPORT_ACCESS") at level "commune" (all communes) and "province" (all), best of 3;
- baseline: hand-written SQL (window function for the latest screening, UNION of the served clients, the
  latest entered value per unit), the same numbers — they must agree (the run fails otherwise);
- suppression: the six support indicators for every commune, then `suppression.hidden` per province (what
  the DHIS2 export and the scorecards do), best of 3.

Last line:

    access_s=<engine, both levels> baseline_s=<SQL, both levels> ratio=<access/baseline> suppression_ms=<ms>

SQLite (a temporary file) by default; with DATABASE_URL=postgresql://…/NAME it uses NAME_support_figures_bench.

    .venv/bin/python bench/support_figures.py --scale small
    .venv/bin/python bench/support_figures.py --scale national

Measured 2026-12-05 on a 2-core machine shared with ~8 other jobs (load 9, the bench under `nice`), engine and
SQL agreeing at both scales:
    SQLite, national (100,000 clients, 1,000,000 services; generate 951 s):
        access_s=8.096 baseline_s=20.533 ratio=0.39 suppression_ms=30.2   (17,124 cells, 2,862 hidden)
    SQLite, small:     access_s=0.157 baseline_s=0.642 ratio=0.24 suppression_ms=0.2
    PostgreSQL, small: access_s=0.305 baseline_s=0.270 ratio=1.13 suppression_ms=0.2
"""

import argparse
import datetime
import random
import sys
import time

from _common import best_of, django_on_throwaway_database, synthetic_country  # noqa: E402

SCALES = {  # provinces, communes, clients, service records
    "small": (4, 200, 5_000, 50_000),
    "national": (34, 3_321, 100_000, 1_000_000),
}
SUPPORT_CODES = ("SUPPORT_ACCESS", "SUPPORT_SCREENED", "SUPPORT_REFERRED", "SUPPORT_REFERRALS_COMPLETED",
                 "SUPPORT_SERVICES", "SUPPORT_OUTREACH_REACH")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="small", choices=tuple(SCALES))
    parser.add_argument("--year", type=int, default=2025, help="an ended year (the consent is read at its end)")
    args = parser.parse_args()
    django_on_throwaway_database("support_figures")
    from django.db import connection

    start = time.perf_counter()
    counts = generate(*SCALES[args.scale], year=args.year)
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" generate_s={time.perf_counter() - start:.1f}",
          flush=True)

    from pcmd.core.periods import Period
    from pcmd.indicators import engine, suppression

    period = Period.parse(str(args.year))

    def access():
        return {level: engine.compute("SUPPORT_ACCESS", level=level, units=None, period=period)
                for level in ("commune", "province")}

    def baseline():
        return {level: baseline_access(connection, level, period) for level in ("commune", "province")}

    access_s, ours = best_of(3, access)
    baseline_s, theirs = best_of(3, baseline)
    mismatches = []
    for level in ("commune", "province"):
        mine = {k: (v.numerator, v.denominator) for k, v in ours[level].items()}
        if mine != theirs[level]:
            keys = sorted(set(mine) | set(theirs[level]))
            mismatches += [f"{level} {k}: engine={mine.get(k)} sql={theirs[level].get(k)}" for k in keys
                           if mine.get(k) != theirs[level].get(k)]
    for line in mismatches[:20]:
        print(f"MISMATCH {line}")
    print("agree=yes" if not mismatches else f"mismatches={len(mismatches)}", flush=True)

    from pcmd.geo.models import AdminUnit, Level

    province_of = dict(AdminUnit.objects.filter(level=Level.COMMUNE).values_list("pk", "province_id"))
    panel = engine.panel(SUPPORT_CODES, level="commune", units=None, period=period)

    def suppress():
        hidden = 0
        for code in SUPPORT_CODES:
            groups: dict = {}
            for unit_id, value in panel[code].items():
                groups.setdefault(province_of.get(unit_id), {})[unit_id] = value
            for members in groups.values():
                hidden += len(suppression.hidden(members, with_total=True))
        return hidden

    suppression_s, hidden = best_of(3, suppress)
    cells = sum(len(v) for v in panel.values())
    print(f"database={connection.vendor} communes_with_access={len(ours['commune'])} cells={cells} hidden={hidden}")
    ratio = access_s / baseline_s if baseline_s else float("nan")
    print(f"access_s={access_s:.3f} baseline_s={baseline_s:.3f} ratio={ratio:.2f} "
          f"suppression_ms={suppression_s * 1000:.1f}")
    if mismatches:
        sys.exit(1)


def generate(provinces: int, communes: int, clients: int, services: int, *, year: int) -> dict:
    from django.utils import timezone

    from pcmd.core.periods import Period
    from pcmd.geo.models import AdminUnit, Level
    from pcmd.indicators.models import DataValue
    from pcmd.support.models import (
        Client,
        Consent,
        OutreachContact,
        Provider,
        Referral,
        ReferralStatus,
        Screening,
        ServiceKind,
        ServiceRecord,
    )

    rng = random.Random(13)
    synthetic_country(provinces, communes)
    units = list(AdminUnit.objects.filter(level=Level.COMMUNE).order_by("code").values_list("pk", "province_id"))
    cut = int(len(units) * 0.8)
    using, entered_only = units[:cut], units[cut:]
    first, last = datetime.date(year - 2, 1, 1), datetime.date(year, 12, 31)
    span = (last - first).days

    def day(after=first):
        return after + datetime.timedelta(days=rng.randrange(max(1, (last - after).days + 1)))

    batch = 10_000
    Client.objects.bulk_create(
        [Client(code=f"HT-{n:07d}", uic=f"U{n:07d}", sex="F", unit_id=u, province_id=p,
                registered_on=first + datetime.timedelta(days=rng.randrange(span)))
         for n, (u, p) in enumerate(rng.choice(using) for _ in range(clients))], batch_size=batch)
    rows = list(Client.objects.values_list("pk", "unit_id", "province_id", "registered_on"))
    now = timezone.now()
    consents = []
    for pk, _u, _p, registered in rows:
        if rng.random() < 0.85:
            consents.append(Consent(client_id=pk, purpose="reporting", method="verbal", given_on=registered,
                                    withdrawn_at=now if rng.random() < 0.02 else None))
    Consent.objects.bulk_create(consents, batch_size=batch)
    merged = [pk for pk, *_ in rows if rng.random() < 0.01]
    if merged:
        Client.objects.filter(pk__in=merged[1:]).update(merged_into_id=merged[0])
    erased = [pk for pk, *_ in rows if rng.random() < 0.005]
    Client.objects.filter(pk__in=erased).update(erased_at=now)
    screenings = []
    for pk, _u, _p, registered in rows:
        screenings.append(Screening(client_id=pk, screened_on=day(registered), eligible=rng.random() < 0.7))
        if rng.random() < 0.2:
            screenings.append(Screening(client_id=pk, screened_on=day(registered), eligible=rng.random() < 0.6))
    Screening.objects.bulk_create(screenings, batch_size=batch)
    provider_of = {}
    for p in {p for _u, p in using}:
        provider_of[p] = Provider.objects.create(unit_id=p, province_id=p, name=f"Trạm y tế {p}",
                                                 kind="health_station").pk
    referrals = []
    for pk, u, p, registered in rows:
        if rng.random() < 0.3:
            on = day(registered)
            done = rng.random() < 0.5 and on < last
            referrals.append(Referral(client_id=pk, unit_id=u, province_id=p, provider_id=provider_of[p], need="health",
                                      referred_on=on, answer_due=on + datetime.timedelta(days=14),
                                      status=ReferralStatus.COMPLETED if done else ReferralStatus.SENT,
                                      completed_on=day(on) if done else None))
    Referral.objects.bulk_create(referrals, batch_size=batch)
    kinds = [k for k, _label in ServiceKind.choices]
    made = 0
    while made < services:
        chunk = []
        for _ in range(min(batch * 5, services - made)):
            pk, u, p, registered = rows[rng.randrange(len(rows))]
            chunk.append(ServiceRecord(client_id=pk, unit_id=u, province_id=p, kind=rng.choice(kinds),
                                       received_on=day(registered)))
        ServiceRecord.objects.bulk_create(chunk, batch_size=batch)
        made += len(chunk)
    OutreachContact.objects.bulk_create(
        [OutreachContact(unit_id=u, province_id=p, date=day(), people_reached=rng.randrange(1, 30))
         for u, p in (rng.choice(units) for _ in range(len(units) * 10))], batch_size=batch)
    values = []
    for u, p in entered_only + rng.sample(using, len(using) // 5):
        q = Period.parse(f"{year}Q{rng.randrange(1, 5)}")
        den = rng.randrange(0, 40)
        values.append(DataValue(indicator="SUPPORT_ACCESS", unit_id=u, province_id=p, period=q.code, period_kind=q.kind,
                                period_start=q.start, period_end=q.end, numerator=rng.randrange(0, den + 1),
                                denominator=den))
    DataValue.objects.bulk_create(values, batch_size=batch)
    return {"provinces": provinces, "communes": len(units), "clients": len(rows), "consents": len(consents),
            "screenings": len(screenings), "referrals": len(referrals), "services": made,
            "entered": len(values)}


BASELINE_SQL = """
WITH counted AS (
    SELECT c.id, c.unit_id, c.province_id FROM support_client c
    WHERE c.registered_on <= %(end)s AND c.merged_into_id IS NULL AND c.erased_at IS NULL
      AND EXISTS (SELECT 1 FROM support_consent k WHERE k.client_id = c.id AND k.purpose = 'reporting'
                  AND k.given_on <= %(as_of)s AND (k.expires_on IS NULL OR k.expires_on >= %(as_of)s)
                  AND k.withdrawn_at IS NULL)
), latest AS (
    SELECT s.client_id, s.eligible,
           ROW_NUMBER() OVER (PARTITION BY s.client_id ORDER BY s.screened_on DESC, s.id DESC) AS rn
    FROM support_screening s WHERE s.screened_on <= %(end)s
), served AS (
    SELECT client_id FROM support_servicerecord WHERE received_on <= %(end)s
    UNION
    SELECT client_id FROM support_referral WHERE status = 'completed' AND completed_on <= %(end)s
)
SELECT c.unit_id, c.province_id, COUNT(v.client_id), COUNT(*)
FROM counted c
JOIN latest l ON l.client_id = c.id AND l.rn = 1 AND l.eligible
LEFT JOIN served v ON v.client_id = c.id
GROUP BY c.unit_id, c.province_id
"""

ENTERED_SQL = """
SELECT unit_id, province_id, numerator, denominator FROM (
    SELECT unit_id, province_id, numerator, denominator,
           ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY period_end DESC, period_start ASC, id DESC) AS rn
    FROM indicators_datavalue
    WHERE indicator = 'SUPPORT_ACCESS' AND period_start >= %(start)s AND period_end <= %(end)s
) t WHERE rn = 1
"""


def baseline_access(connection, level: str, period) -> dict:
    """SUPPORT_ACCESS by hand: the registry for communes with a client registered by the end, else entered."""
    from django.utils import timezone

    def d(x):
        return x if connection.vendor == "postgresql" else x.isoformat()

    params = {"start": d(period.start), "end": d(period.end), "as_of": d(min(period.end, timezone.localdate()))}
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT unit_id FROM support_client WHERE registered_on <= %(end)s", params)
        using = {row[0] for row in cursor.fetchall()}
        cursor.execute(BASELINE_SQL, params)
        per_unit = {u: (p, (num, den)) for u, p, num, den in cursor.fetchall()}
        cursor.execute(ENTERED_SQL, params)
        for u, p, num, den in cursor.fetchall():
            if u not in using:
                per_unit[u] = (p, (num or 0, den or 0))
    if level == "commune":
        return {u: pair for u, (_p, pair) in per_unit.items()}
    out: dict = {}
    for _u, (p, (num, den)) in per_unit.items():
        n, dd = out.get(p, (0, 0))
        out[p] = (n + num, dd + den)
    return out


if __name__ == "__main__":
    main()
