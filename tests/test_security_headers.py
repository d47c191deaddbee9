"""Security headers: Content-Security-Policy, Permissions-Policy, no-store for staff pages (issue 11, defect 8)."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from pcmd.org.models import Role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "pcmd").glob("*/templates"))]
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.S)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))


def inline_script_problems(path: Path) -> list[str]:
    """What in one template the CSP would block: inline <script>, on*= handlers, javascript: URLs."""
    text = path.read_text(encoding="utf-8")
    problems = []
    for tag in TAG.findall(text):
        name = tag[1:].split(None, 1)[0].rstrip(">").lower()
        if name == "script" and not re.search(r"\ssrc\s*=", tag):
            problems.append(f"inline <script>: {tag[:80]}")
        if HANDLER.search(tag):
            problems.append(f"event handler attribute: {tag[:80]}")
    if "javascript:" in text.lower():
        problems.append("javascript: URL")
    return problems


def test_the_scan_finds_what_the_policy_would_block(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<script>alert(1)</script>\n<button class="x" onclick="go()">\n<a href="JavaScript:go()">'
                    '<script src="/static/ok.js" defer></script><form\n  onsubmit="return no()">')
    assert len(inline_script_problems(page)) == 4


def test_no_template_has_inline_script_handlers_or_javascript_urls():
    assert len(list(templates())) > 50  # the scan really reads the project's templates
    found = {str(path.relative_to(ROOT)): problems
             for path in templates() if (problems := inline_script_problems(path))}
    assert found == {}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def assert_headers(response):
    csp = policy(response)
    assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"] and csp["style-src-elem"] == ["'self'"]
    assert not [source for name, sources in csp.items() if name.startswith("script")
                for source in sources if "unsafe" in source]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions


@pytest.mark.parametrize("url", ["/dang-nhap/", "/phan-anh/", "/tu-van/"])
def test_public_pages_carry_the_policies(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_headers(response)


def test_staff_pages_carry_the_policies_and_are_never_stored(login, owner, bd_agency):
    client = login(owner)
    for url in ("/", "/co-quan/", f"/co-quan/{bd_agency.pk}/", "/co-quan/xuat-excel/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


def test_tip_attachment_and_export_are_never_stored(login, member_factory, bach_dang, settings, tmp_path):
    """The pages with decrypted identities and files: a tip, its export, its attachment."""
    from django.core.files.base import ContentFile

    from pcmd.tips.models import Tip, TipAttachment

    settings.MEDIA_ROOT = tmp_path
    tip = Tip.objects.filter(unit=bach_dang).first()
    attachment = TipAttachment(tip=tip, original_name="anh.png", content_type="image/png", size=4)
    attachment.file.save("anh.png", ContentFile(b"\x89PNG"), save=False)
    attachment.save()
    client = login(member_factory("p.police", bach_dang, Role.POLICE_OFFICER, "cong-an-xa"))
    for url in (f"/tin-bao/{tip.pk}/", "/tin-bao/xuat-excel/", f"/tin-bao/tep-dinh-kem/{attachment.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_anonymous_static_files_stay_cacheable(client):
    response = client.get(django_settings.STATIC_URL + "pcmd/pcmd.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
