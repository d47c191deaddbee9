"""Tip deadline lists, the on-time rate and the deadline notices for the whole country, timed.

Generates into a throwaway database: 34 provinces, 3,321 communes, N tips a commune in every workflow
state (the demo's generator: received 1–90 days before today, rules' due dates, some handled late),
one coordinator per commune, then times (best of 3 where repeatable):

- overdue and due-soon counts, national and one province;
- deadline_summary grouped by commune for one province;
- the on-time rate (indicator TIPS_ON_TIME of the engine) for the year, national grouped by province and by commune;
- notify_deadlines: the first run (notices into the inbox), then a second run that must add nothing;
- the inbox: the navbar's unread COUNT for one coordinator, and the daily e-mail digest (locmem backend).

SQLite by default; DATABASE_URL=postgresql://…/NAME uses NAME_tipsdl_bench (dropped, created anew).
Last line:

    overdue_s=<s> summary_s=<s> on_time_rate_s=<s> notify_first_s=<s> notify_again_s=<s> unread_count_s=<s>
    digest_s=<s>

    .venv/bin/python bench/tips_deadlines.py [--per-commune 30] [--communes 3321]
"""

import argparse
import random
import time

from _common import best_of, django_on_throwaway_database, synthetic_country  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-commune", type=int, default=30)
    parser.add_argument("--communes", type=int, default=3321)
    parser.add_argument("--provinces", type=int, default=34)
    args = parser.parse_args()

    django_on_throwaway_database("tipsdl")
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    counts, gen_s = generate(args)
    print(" ".join(f"{k}={v}" for k, v in counts.items()) + f" generate_s={gen_s:.1f}")

    from django.utils import timezone

    from pcmd.geo.models import AdminUnit, Level
    from pcmd.inbox.models import Notification
    from pcmd.inbox.selectors import unread_count
    from pcmd.inbox.services import digest
    from pcmd.tips import selectors
    from pcmd.tips.models import Tip
    from pcmd.tips.notifications import notify_deadlines

    today = timezone.localdate()
    province = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("code").first()
    everything, one_province = Tip.objects.all(), Tip.objects.filter(province=province)
    overdue_s, overdue = best_of(3, lambda: selectors.overdue(everything, today).count())
    soon_s, soon = best_of(3, lambda: selectors.due_soon(everything, today).count())
    province_s, _ = best_of(3, lambda: (selectors.overdue(one_province, today).count(),
                                        selectors.due_soon(one_province, today).count()))
    print(f"open_overdue={overdue} due_soon={soon} national_overdue_s={overdue_s:.3f} "
          f"national_due_soon_s={soon_s:.3f} province_lists_s={province_s:.3f}")
    summary_s, rows = best_of(3, lambda: selectors.deadline_summary(one_province, "unit__name", today))
    print(f"summary_rows={len(rows)} summary_s={summary_s:.3f}")
    from pcmd.core.periods import Period
    from pcmd.indicators import engine

    year = Period.parse(str(today.year))
    rate_p_s, by_province = best_of(3, lambda: engine.compute("TIPS_ON_TIME", level="province", units=None,
                                                              period=year))
    rate_u_s, by_unit = best_of(3, lambda: engine.compute("TIPS_ON_TIME", level="commune", units=None,
                                                          period=year))
    on_time = sum(v.numerator for v in by_province.values())
    counted = sum(v.denominator for v in by_province.values())
    assert counted == sum(v.denominator for v in by_unit.values())
    print(f"counted={counted} on_time={on_time} rate={on_time / max(counted, 1):.3f} "
          f"on_time_rate_by_province_s={rate_p_s:.3f} on_time_rate_by_commune_s={rate_u_s:.3f}")
    started = time.perf_counter()
    first = notify_deadlines(today=today)
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = notify_deadlines(today=today)
    again_s = time.perf_counter() - started
    assert again == {"tips": 0, "notices": 0}, again
    print(f"notified_tips={first['tips']} notices={first['notices']} "
          f"notice_rows={Notification.objects.count()} second_run_added=0")
    from django.contrib.auth import get_user_model

    someone = get_user_model().objects.filter(notifications__isnull=False).order_by("pk").first()
    count_s, unread = best_of(5, lambda: unread_count(someone, someone.memberships.first()))
    started = time.perf_counter()
    sent = digest()
    digest_s = time.perf_counter() - started
    print(f"unread_of_one={unread} digest_users={sent['users']} digest_notices={sent['notices']} "
          f"digest_emails={sent['emails']}")
    print(f"overdue_s={overdue_s:.3f} summary_s={summary_s:.3f} on_time_rate_s={rate_u_s:.3f} "
          f"notify_first_s={first_s:.2f} notify_again_s={again_s:.3f} unread_count_s={count_s:.4f} "
          f"digest_s={digest_s:.2f}")


def generate(args):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from pcmd.geo.models import AdminUnit, Level
    from pcmd.org.models import Membership, Role
    from pcmd.tips import demo
    from pcmd.tips.models import DeadlineRule, Tip, TipEvent

    started = time.perf_counter()
    with transaction.atomic():
        synthetic_country(args.provinces, args.communes)
        communes = list(AdminUnit.objects.filter(level=Level.COMMUNE).select_related("province").order_by("code"))
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"tt{c.code}", email=f"tt{c.code}@example.vn") for c in communes])
        Membership.objects.bulk_create([Membership(user=u, unit=c, role=Role.COORDINATOR)
                                        for u, c in zip(users, communes, strict=True)])
    rules = {(r.kind, r.is_complex): r for r in DeadlineRule.objects.all()}
    now, counters, tips, events = timezone.now(), {}, [], []
    for commune in communes:
        rng = random.Random(f"bench-{commune.code}")
        for _ in range(args.per_commune):
            tip, story_events = demo._build(commune, demo._random_story(rng), now, rules, {}, [], None, counters)
            tips.append(tip)
            events.append(story_events)
    with transaction.atomic():
        Tip.objects.bulk_create(tips, batch_size=5000)
        for tip, story_events in zip(tips, events, strict=True):
            for event in story_events:
                event.tip_id = tip.pk
        TipEvent.objects.bulk_create([e for evs in events for e in evs], batch_size=10000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return ({"communes": len(communes), "tips": len(tips), "events": sum(len(e) for e in events)},
            time.perf_counter() - started)


if __name__ == "__main__":
    main()
