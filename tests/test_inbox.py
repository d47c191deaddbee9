

@pytest.mark.parametrize("junk", ["", "x" * 5000, "1' OR 1=1", "\u0000", "-1", "999999999999999999999"])
def test_junk_is_never_a_500(owner, login, junk):
    client = login(owner)
    client.raise_request_exception = False
    for params in ({"loai": junk}, {"trang_thai": junk}, {"page": junk}, {"loai": [junk, "tip_deadline"]}):
        assert client.get(reverse("inbox"), params).status_code == 200
    assert client.post(reverse("inbox"), {"action": junk}).status_code == 302
    assert client.post(reverse("inbox_preferences"), {"email_kinds": [junk]}).status_code in (200, 302)
