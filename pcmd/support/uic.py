"""The unique identifier code (UIC) of a client, as HIV programs build it: found again without a name.

UIC = two letters of the mother's given name + two letters of the father's given name + the sex letter
+ the 4-digit birth year, e.g. mother "Nguyễn Thị Lan", father "Trần Văn Hùng", female, 1995 -> "LAHUF1995".
A Vietnamese given name is the last word of the full name; letters are folded to ASCII upper case ("Đ" -> "D");
an unknown name gives "XX", a one-letter name is padded with "X" ("Ý" -> "YX"), an unknown year "0000".
The answers are asked on the registration form and forgotten: only the UIC is stored.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from unidecode import unidecode

from .models import Sex

UNKNOWN = "XX"
UNKNOWN_YEAR = "0000"
PATTERN = re.compile(r"^[A-Z]{4}[A-Z]\d{4}$")
SEX_LETTERS = frozenset(Sex.values)
MIN_YEAR = 1930


def letters(name: str, *, field: str) -> str:
    """Two ASCII upper-case letters of the given name in `name` ("" or unknown -> "XX")."""
    words = (name or "").split()
    if not words:
        return UNKNOWN
    given = unidecode(words[-1]).upper()
    if not given.isascii() or not given.isalpha():
        raise ValidationError({field: "Chỉ ghi chữ cái của tên (không ghi số, ký hiệu); không biết thì để trống."})
    return (given + "X")[:2]


def year_part(birth_year) -> str:
    if birth_year in (None, ""):
        return UNKNOWN_YEAR
    return f"{check_birth_year(birth_year):04d}"


def check_birth_year(birth_year, *, field: str = "birth_year") -> int:
    """The birth year as an int between 1930 and this year, else a Vietnamese ValidationError."""
    try:
        year = int(birth_year)
    except (TypeError, ValueError):
        raise ValidationError({field: "Năm sinh phải là một số có 4 chữ số."}) from None
    this_year = timezone.localdate().year
    if not MIN_YEAR <= year <= this_year:
        raise ValidationError({field: f"Năm sinh phải từ {MIN_YEAR} đến {this_year}."})
    return year


def derive(*, mother: str, father: str, sex: str, birth_year) -> str:
    """The UIC from the answers (which are not kept)."""
    if sex not in SEX_LETTERS:
        raise ValidationError({"sex": "Vui lòng chọn giới tính trong danh sách."})
    return letters(mother, field="mother") + letters(father, field="father") + sex + year_part(birth_year)


def normalise(typed: str, *, sex: str, birth_year, field: str = "uic") -> str:
    """A UIC typed directly (the person remembers it): upper-cased, checked for shape and against sex and year."""
    code = "".join((typed or "").split()).upper()
    if not PATTERN.match(code):
        raise ValidationError({field: "Mã định danh gồm 4 chữ cái, 1 chữ chỉ giới tính (F, M hoặc K) và 4 chữ số "
                                      "năm sinh, ví dụ LAHUF1995."})
    if code[4] not in SEX_LETTERS:
        raise ValidationError({field: f"Chữ thứ năm “{code[4]}” không phải chữ chỉ giới tính (F: nữ, M: nam, "
                                      "K: khác)."})
    if sex and code[4] != sex:
        raise ValidationError({field: "Chữ chỉ giới tính trong mã không khớp với giới tính đã chọn."})
    if code[5:] != year_part(birth_year):
        raise ValidationError({field: "Năm sinh trong mã không khớp với năm sinh đã nhập."})
    return code
