"""A small challenge against automated submissions, without outside services and without JavaScript.

The form carries a signed token (timestamp, random nonce, HMAC of the answer) and asks a sum in
Vietnamese words ("Bảy cộng mười hai bằng bao nhiêu?"). The answer is checked against the HMAC,
the token expires after CHALLENGE_MAX_AGE and is accepted once (its nonce is remembered in the cache).
"""

import secrets

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from pcmd.public.conf import limit

SALT = "pcmd.public.challenge"
WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một",
         "mười hai", "mười ba", "mười bốn", "mười lăm", "mười sáu", "mười bảy", "mười tám", "mười chín", "hai mươi"]


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}|{answer}", algorithm="sha256").hexdigest()


def new() -> tuple[str, str]:
    """(token, question) for a fresh challenge."""
    a, b = secrets.randbelow(20) + 1, secrets.randbelow(10) + 1
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, a + b)}, salt=SALT)
    return token, f"{WORDS[a].capitalize()} cộng {WORDS[b]} bằng bao nhiêu? (viết bằng chữ số)"


def check(token: str, answer: str) -> str | None:
    """None when the answer is right (and the token is now spent), else the Vietnamese reason."""
    try:
        data = signing.loads(token or "", salt=SALT, max_age=limit("CHALLENGE_MAX_AGE"))
    except signing.SignatureExpired:
        return "Câu hỏi kiểm tra đã hết hạn. Vui lòng trả lời câu hỏi mới bên dưới."
    except signing.BadSignature:
        return "Câu hỏi kiểm tra không hợp lệ. Vui lòng trả lời câu hỏi mới bên dưới."
    try:
        value = int((answer or "").strip())
    except ValueError:
        return "Vui lòng trả lời câu hỏi kiểm tra bằng chữ số (ví dụ: 12)."
    if not constant_time_compare(_digest(data["n"], value), data["h"]):
        return "Câu trả lời kiểm tra chưa đúng. Vui lòng trả lời câu hỏi mới bên dưới."
    if not cache.add(f"public:challenge:{data['n']}", 1, limit("CHALLENGE_MAX_AGE")):
        return "Biểu mẫu này đã được gửi. Vui lòng trả lời câu hỏi mới bên dưới nếu bạn muốn gửi thêm."
    return None
