"""Due dates: calendar days or Vietnamese working days (Mon–Fri, minus public holidays incl. lunar Tết)."""

import datetime
from functools import lru_cache

import holidays

from .models import DeadlineRule, TipKind

# A tip not yet classified runs on the shortest common limit: the criminal-tip one (20 days).
UNCLASSIFIED_KIND = TipKind.CRIMINAL


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_days(start: datetime.date, days: int, working: bool) -> datetime.date:
    """The date `days` days after `start` (the day of receipt is not counted)."""
    if not working:
        return start + datetime.timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def ensure_default_rules() -> int:
    """Create the default rules that are missing (migration 0002 does it once; a flushed database needs it again)."""
    from .catalogue import ACCEPT_DAYS, DEFAULT_RULES

    created = 0
    for kind, is_complex, days, working, max_ext, ext_days, warn, basis in DEFAULT_RULES:
        _, new = DeadlineRule.objects.get_or_create(
            kind=kind, is_complex=is_complex,
            defaults={"days": days, "working_days": working, "max_extensions": max_ext, "extension_days": ext_days,
                      "warn_days": warn, "legal_basis": basis, "accept_days": ACCEPT_DAYS.get(kind)})
        created += new
    return created


def rule_for(kind: str, is_complex: bool) -> DeadlineRule | None:
    rules = DeadlineRule.objects.filter(kind=kind or UNCLASSIFIED_KIND)
    return rules.filter(is_complex=is_complex).first() or rules.filter(is_complex=False).first()


def due_date(received: datetime.date, rule: DeadlineRule | None) -> datetime.date | None:
    return add_days(received, rule.days, rule.working_days) if rule else None


def accept_due_date(received: datetime.date, rule: DeadlineRule | None) -> datetime.date | None:
    """The day by which the tip must be accepted (thụ lý: classified), where the rule sets one."""
    return add_days(received, rule.accept_days, rule.working_days) if rule and rule.accept_days else None
