"""Guard: a query may filter records by unit path or by province only inside pcmd/core/scoping.py.

`scoped()` / `within()` / the pickers there are the one door for "which records may this user see"; a
hand-written `unit__path__startswith=` or `province=` elsewhere is how a second, diverging copy of the rule
starts. This static check parses every module under pcmd/ and flags such lookups in `.filter()`,
`.exclude()`, `.get()` and `Q()` calls. The few legitimate uses that are not about a user's scope are listed below
by (module, function), so new code in the same files is still caught.
"""

import ast
from pathlib import Path

PCMD = Path(__file__).resolve().parent.parent / "pcmd"
SCOPING = "pcmd/core/scoping.py"

# (module path, enclosing function) -> why this filter is not a user's scope.
ALLOWED = {
    # The indicator engine restricts and groups figures by province for roll-up; which units a user may
    # ask for is decided before, through scoped().
    ("pcmd/indicators/engine.py", "communes_of"): "roll-up: the communes of the provinces being summed",
    ("pcmd/indicators/engine.py", "breakdown"): "roll-up: a province's own figures (itself and legacy districts)",
    # Loading the official unit tree, before any user exists.
    ("pcmd/geo/services.py", "admin_units_load_official"): "geo loader: new provinces get their own key",
    # Audit entries are not a scoped model: the unit and province are copied into each entry's data.
    ("pcmd/org/selectors.py", "audit_entries"): "audit log: the province stored in each entry",
    # Not a user's scope: staff of another province than the course, passed on so the service names them.
    ("pcmd/outreach/views.py", "course_participants"): "a course takes staff of its own province only",
    # Demo seeding picks the demo provinces' communes by province code; it runs without a user.
    ("pcmd/core/demo.py", "bach_dang"): "demo seeding",
    ("pcmd/core/demo.py", "seed_commune_staff"): "demo seeding",
    ("pcmd/core/demo.py", "seed_hamlets"): "demo seeding",
    ("pcmd/enforcement/demo.py", "_other_communes"): "demo seeding",
    ("pcmd/hotspots/demo.py", "_other_communes"): "demo seeding",
    ("pcmd/indicators/demo.py", "demo_communes"): "demo seeding",
    ("pcmd/outreach/demo.py", "_other_communes"): "demo seeding",
    ("pcmd/tips/demo.py", "_other_communes"): "demo seeding",
    ("pcmd/support/demo.py", "_commune"): "demo seeding",
    ("pcmd/support/demo.py", "seed_volume"): "demo seeding: the province scale fills one province",
    ("pcmd/tips/demo.py", "_bach_dang_extras"): "demo seeding: a neighbouring commune for a transfer",
    ("pcmd/venues/demo.py", "_communes"): "demo seeding",
}


def _lookups(call: ast.Call) -> list[str]:
    """The keyword lookups of a call, including the constant keys of a `**{...}` literal."""
    keys = [kw.arg for kw in call.keywords if kw.arg]
    for kw in call.keywords:
        if kw.arg is None and isinstance(kw.value, ast.Dict):
            keys += [k.value for k in kw.value.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return keys


def _is_query(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr in ("filter", "exclude", "get")
    return isinstance(func, ast.Name) and func.id == "Q"


def is_scoping_lookup(lookup: str) -> bool:
    """`path__startswith`, `unit__path__istartswith`, `province`, `province_id`, `unit__province__code`…"""
    parts = lookup.split("__")
    if any(p in ("province", "province_id") for p in parts):
        return True
    return any(a == "path" and b in ("startswith", "istartswith") for a, b in zip(parts, parts[1:], strict=False))


def violations(source: str, module: str) -> list[tuple[str, str, int, str]]:
    """(module, function, line, lookup) of every scoping lookup in `source` outside the allowlist."""
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call) and _is_query(child):
                for lookup in _lookups(child):
                    if is_scoping_lookup(lookup) and (module, name) not in ALLOWED:
                        found.append((module, name, child.lineno, lookup))
            visit(child, name)

    visit(ast.parse(source), "<module>")
    return found


def _modules():
    root = PCMD.parent
    for path in sorted(PCMD.rglob("*.py")):
        module = path.relative_to(root).as_posix()
        if module != SCOPING and "/migrations/" not in module:
            yield module, path.read_text(encoding="utf-8")


def test_no_scoping_outside_core_scoping():
    found = [v for module, source in _modules() for v in violations(source, module)]
    assert not found, "Filter by unit or province outside core/scoping (use scoped()/within()/unit_choices()):\n" + \
        "\n".join(f"  {m}:{line} in {f}(): {lookup}=" for m, f, line, lookup in found)


def test_allowlist_has_no_stale_entries():
    """An entry whose function no longer filters by province is removed, so the list stays short and true."""
    hits = set()
    for module, source in _modules():
        tree = ast.parse(source)
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef) and (module, fn.name) in ALLOWED:
                if any(isinstance(c, ast.Call) and _is_query(c) and any(map(is_scoping_lookup, _lookups(c)))
                       for c in ast.walk(fn)):
                    hits.add((module, fn.name))
    assert set(ALLOWED) - hits == set()


def test_guard_catches_a_planted_violation():
    planted = '''
from django.db.models import Q

def my_tips(request):
    unit = request.membership.unit
    a = Tip.objects.filter(unit__path__startswith=unit.path)
    b = Tip.objects.exclude(province=unit.province_id)
    c = Tip.objects.filter(Q(province_id=1) | Q(status="new"))
    d = AdminUnit.objects.filter(**{"path__startswith": unit.path})
    e = Hotspot.objects.filter(unit__province__code="31")
    return a, b, c, d, e

def fine(unit):
    return Tip.objects.filter(unit=unit).order_by("unit__path"), Hotspot(province_id=1), "x".startswith("x")
'''
    found = violations(planted, "pcmd/tips/views.py")
    assert [(f, lookup) for _, f, _, lookup in found] == [
        ("my_tips", "unit__path__startswith"), ("my_tips", "province"), ("my_tips", "province_id"),
        ("my_tips", "path__startswith"), ("my_tips", "unit__province__code"),
    ]
    # The allowlist names functions, not files: a new function in an allowed file is caught.
    assert violations("def other():\n    return X.objects.filter(province=1)\n", "pcmd/indicators/engine.py")
    assert not violations("def communes_of(ids):\n    return X.objects.filter(province__in=ids)\n",
                          "pcmd/indicators/engine.py")
    # core/scoping itself is the door and is not checked.
    assert SCOPING not in dict(_modules())
