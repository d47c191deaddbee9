"""Money and phone numbers as Vietnamese officials type them.

- ``MoneyField``: an amount in đồng typed with or without thousands separators ("40.000.000", "40 000 000",
  "40,000,000 đ") and shown grouped ("40.000.000"). Every model column whose label ends in "(đồng)" gets it in
  its forms (``money_fields``, called by core.crud.ScopedModelForm and the inline forms); the template filter
  ``money`` shows an amount the same way.
- ``validate_phone``: a Vietnamese phone number — a mobile 0xxxxxxxxx (10 digits), a landline with its area code
  (0 + 10 digits), or the same written +84…/84…; spaces, dots, dashes and brackets allowed. Every form field
  named ``phone`` or ``…_phone`` gets it (``phone_fields``).
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format

MONEY_MARK = "(đồng)"
_CURRENCY = re.compile(r"(?i)\s*(vnđ|vnd|đồng|đ|₫)\s*$")


def group(amount) -> str:
    """40000000 -> "40.000.000" (Vietnamese grouping)."""
    return number_format(int(amount), force_grouping=True)


class MoneyInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit()):
            return group(value)
        return super().format_value(value)


class MoneyField(forms.IntegerField):
    """Whole đồng; "." "," and spaces between digit groups are thousands separators."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": "Số tiền ghi bằng chữ số (đồng), ví dụ 40.000.000.",
        "min_value": "Số tiền không được nhỏ hơn %(limit_value)s đồng.",
        "max_value": "Số tiền quá lớn.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 10**15)
        super().__init__(*args, **kwargs)
        self.widget.attrs.pop("step", None)
        self.widget.attrs.pop("min", None)
        self.widget.attrs.pop("max", None)

    def to_python(self, value):
        if isinstance(value, str):
            text = _CURRENCY.sub("", value.strip())
            if text.startswith("-") and re.fullmatch(r"-\s*\d[\d.,\s\u00a0]*", text):
                raise ValidationError("Số tiền không được âm.", code="min_value")
            if re.fullmatch(r"[0-9]{1,3}([.,\s\u00a0][0-9]{3})+|[0-9]+", text):
                value = re.sub(r"[.,\s\u00a0]", "", text)
            elif text:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            else:
                value = ""
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {k: v for k, v in super().widget_attrs(widget).items() if k not in ("min", "max", "step")}


def money_fields(form) -> None:
    """Replace the form's number fields of money columns (label ending "(đồng)") by MoneyField."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return
    for name, field in list(form.fields.items()):
        try:
            model_field = model._meta.get_field(name)
        except Exception:
            continue
        if not str(getattr(model_field, "verbose_name", "")).endswith(MONEY_MARK) or \
                not isinstance(field, forms.IntegerField) or isinstance(field, MoneyField):
            continue
        form.fields[name] = MoneyField(label=field.label, required=field.required, help_text=field.help_text,
                                       initial=field.initial, disabled=field.disabled,
                                       widget=MoneyInput(attrs={k: v for k, v in field.widget.attrs.items()
                                                                if k not in ("step", "min", "max")}))


PHONE_MESSAGE = ("Số điện thoại không đúng: di động 10 chữ số bắt đầu bằng 0 (ví dụ 0912 345 678), máy bàn gồm mã "
                 "vùng (ví dụ 0225 3842 123), hoặc viết dạng +84….")


def validate_phone(value: str) -> None:
    text = (value or "").strip()
    if not text:
        return
    if not re.fullmatch(r"\+?[\d\s.\-()]+", text):
        raise ValidationError(PHONE_MESSAGE, code="phone")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and not digits.startswith("84"):
        raise ValidationError(PHONE_MESSAGE, code="phone")
    if digits.startswith("84") and not digits.startswith("0"):
        digits = "0" + digits[2:]
    if not (digits.startswith("0") and len(digits) in (10, 11) and digits[1] != "0"):
        raise ValidationError(PHONE_MESSAGE, code="phone")


def phone_fields(form) -> None:
    """Give every phone field of the form (``phone``, ``…_phone``) the phone validator."""
    for name, field in form.fields.items():
        if (name == "phone" or name.endswith("_phone")) and isinstance(field, forms.CharField) \
                and validate_phone not in field.validators:
            field.validators.append(validate_phone)
