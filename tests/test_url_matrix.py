"""Walk every URL of the project for every role and check it against the permission matrix.

Every URL must say what it requires: CRUD registries by their module, function views through
`core.scoping.module_view` (kept on the view as `permission`), the rest in PAGES below. URLs with
arguments take a record of Phường Bạch Đằng from the demo data (CRUD) or from SAMPLE_ARGS, so a
new page cannot slip in without its permission check. Allowed -> 200, not allowed -> 403, a
record of another province -> 404, anonymous -> login.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from pcmd.core.crud import REGISTRY
from pcmd.core.scoping import within
from pcmd.hotspots.models import Hotspot
from pcmd.org.models import Role
from pcmd.org.permissions import allowed
from pcmd.tips.models import Tip, TipAttachment

pytestmark = pytest.mark.django_db

CRUD_ACTIONS = {"list": "view", "export": "view", "detail": "view", "create": "add", "edit": "change",
                "delete": "delete"}
# Views without a declared permission: (module, action) they require, or None for every signed-in user.
PAGES = {
    "home": None,
    "unit_search": None,
    "permission_matrix": None,
    "otp_setup": None,
    "audit_log": ("audit", "view"),
}
# Pages that are not for signed-in work: checked elsewhere (test_auth) or not pages at all.
NOT_WALKED = {"login", "logout", "otp_verify", "membership_switch"}
# public pages: tests/test_public*.py (no login; they never show scoped records)
NOT_WALKED |= {"public_tip", "public_lookup", "public_receipt_text", "public_counselling"}
# Arguments for non-CRUD URLs that take some: name -> function(bach_dang unit) -> args.
SAMPLE_ARGS: dict = {}
SAMPLE_ARGS["hotspot_transition"] = lambda unit: [
    Hotspot.objects.filter(unit__path__startswith=unit.path, status="active").order_by("pk").first().pk, "triet-xoa"]
SAMPLE_ARGS["hotspot_transition_undo"] = lambda unit: [
    Hotspot.objects.filter(unit__path__startswith=unit.path, reemergence_count__gt=0).order_by("pk").first().pk]


def _plan_sample(unit):
    from pcmd.plans.models import Plan

    return Plan.objects.filter(unit__path__startswith=unit.path).order_by("pk").first()


def _progress_sample(unit):
    from pcmd.plans.models import TaskProgress

    return TaskProgress.objects.filter(task__plan__unit__path__startswith=unit.path).exclude(attachment="").first()


SAMPLE_ARGS.update({
    "plan_review": lambda unit: [_plan_sample(unit).pk],
    "plan_item_add": lambda unit: [_plan_sample(unit).pk, "chi-tieu"],
    "plan_item_edit": lambda unit: ["chi-tieu", _plan_sample(unit).targets.order_by("pk").first().pk],
    "plan_item_delete": lambda unit: ["nhiem-vu", _plan_sample(unit).tasks.order_by("pk").first().pk],
    "task_detail": lambda unit: [_plan_sample(unit).tasks.order_by("pk").first().pk],
    "progress_attachment": lambda unit: [_progress_sample(unit).pk],
})
SAMPLE_ARGS["plan_export_docx"] = lambda unit: [_plan_sample(unit).pk]


def _course_sample(unit):
    from pcmd.outreach.models import Course

    return Course.objects.filter(unit=unit).order_by("pk").first()


SAMPLE_ARGS["course_participants"] = lambda unit: [_course_sample(unit).pk]


def _commitment_sample(unit):
    from pcmd.outreach.models import Commitment

    return Commitment.objects.filter(establishment__unit__path__startswith=unit.path).exclude(scan="").first()


SAMPLE_ARGS["commitment_scan"] = lambda unit: [_commitment_sample(unit).pk]


def _photo_sample(unit):
    from pcmd.outreach.models import ActivityPhoto

    return ActivityPhoto.objects.filter(activity__unit__path__startswith=unit.path).order_by("pk").first()


SAMPLE_ARGS["activity_photo"] = lambda unit: [_photo_sample(unit).pk]
SAMPLE_ARGS["activity_photo_upload"] = lambda unit: [_photo_sample(unit).activity_id]
# Tips: a received tip of Bạch Đằng (start verification) and the demo attachment.
SAMPLE_ARGS["tip_action"] = lambda unit: [
    Tip.objects.filter(unit__path__startswith=unit.path, status="received").order_by("pk").first().pk, "xac-minh"]
SAMPLE_ARGS["tip_attachment"] = lambda unit: [
    TipAttachment.objects.filter(tip__unit__path__startswith=unit.path).order_by("pk").first().pk]


def url_patterns(resolver=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # Django's admin: staff only, has its own tests upstream
            yield from url_patterns(entry)
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def url_names():
    return [p.name for p in url_patterns()]


def crud_for(name):
    for crud in REGISTRY:
        for view, action in CRUD_ACTIONS.items():
            if name == crud.url_name(view):
                return crud, view, action
    return None


def declared(pattern):
    """(module, action) a non-CRUD view declares, or the PAGES entry; KeyError if neither."""
    callback = pattern.callback
    permission = getattr(callback, "permission", None) or getattr(getattr(callback, "view_class", None),
                                                                   "permission", None)
    return permission if permission else PAGES[pattern.name]


def crud_sample(crud, unit):
    sample = within(crud.queryset(), unit).order_by("pk").first()
    assert sample is not None, f"the demo data has no {crud.name} in {unit}: seed one for this test"
    return sample


def walk(unit):
    """Yield (name, args, module, action) for every walked URL, with arguments from unit's records."""
    for pattern in url_patterns():
        if pattern.name in NOT_WALKED:
            continue
        found = crud_for(pattern.name)
        if found:
            crud, view, action = found
            args = [crud_sample(crud, unit).pk] if view in ("detail", "edit", "delete") else []
            yield pattern.name, args, crud.module, action
            continue
        need = declared(pattern)
        module, action = need if need else (None, None)
        args = SAMPLE_ARGS[pattern.name](unit) if pattern.pattern.converters else []
        yield pattern.name, args, module, action


def test_every_url_is_classified():
    unknown = []
    for pattern in url_patterns():
        if pattern.name in NOT_WALKED or crud_for(pattern.name):
            continue
        try:
            declared(pattern)
        except KeyError:
            unknown.append(pattern.name)
            continue
        if pattern.pattern.converters and pattern.name not in SAMPLE_ARGS:
            unknown.append(pattern.name)
    assert unknown == []


@pytest.mark.parametrize("role", list(Role))
def test_every_url_for_every_role(role, member_factory, verified_login, bach_dang):
    client = verified_login(member_factory(f"walk.{role}", bach_dang, role))
    checked = 0
    for name, args, module, action in walk(bach_dang):
        expected = 200 if module is None or allowed(role, module, action) else 403
        response = client.get(reverse(name, args=args))
        assert response.status_code == expected, f"{role} GET {name}: {response.status_code} != {expected}"
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("role", list(Role))
def test_records_of_another_province_are_not_found_for_any_role(role, member_factory, verified_login,
                                                                 ninh_binh_commune, bach_dang):
    client = verified_login(member_factory(f"far.{role}", ninh_binh_commune, role))
    for name, args, module, action in walk(bach_dang):
        if not args:
            continue
        response = client.get(reverse(name, args=args))
        # Without the module at all the answer is 403 before any lookup; otherwise the record is not there.
        assert response.status_code in (403, 404), f"{role} GET {name}: {response.status_code}"
        if module is None or allowed(role, module, action):
            assert response.status_code == 404, f"{role} GET {name}: {response.status_code}"


def test_anonymous_is_sent_to_login_everywhere(client, bach_dang):
    for name, args, _module, _action in walk(bach_dang):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), name
# Support: a counselling request of Bạch Đằng from the demo that is still open (so "reply" is a page).


def _counselling_sample(unit):
    from pcmd.support.models import CounsellingRequest

    return CounsellingRequest.objects.filter(unit__path__startswith=unit.path).exclude(status="closed").order_by(
        "pk").first()


SAMPLE_ARGS["counselling_detail"] = lambda unit: [_counselling_sample(unit).pk]
SAMPLE_ARGS["counselling_action"] = lambda unit: [_counselling_sample(unit).pk, "tra-loi"]
# Dashboards: one indicator of the unit (the unit is in the path, so another province's is 404).
SAMPLE_ARGS["dashboard_indicator"] = lambda unit: ["TIPS_ON_TIME", unit.pk]
