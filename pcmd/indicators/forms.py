"""Reading the entry form (one row per entered indicator) and the DHIS2 import form."""

from __future__ import annotations

from django import forms

from pcmd.core.imports import MODE_ALL_OR_NOTHING, MODES

from .dhis2 import MAX_BYTES as MAX_IMPORT_BYTES
from .services import Row


def _number(text: str, label: str, errors: list[str]) -> float | None:
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    # Vietnamese writes 1.234,5; accept that and the plain 1234.5
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        errors.append(f"{label}: “{text}” không phải là số.")
        return None


def read_entry(post, indicators, existing: dict) -> tuple[list[Row], list[str], dict]:
    """(rows to save, errors, typed input per indicator code) from the entry form's POST.

    A row left empty is skipped (not entered yet); `existing` {code: DataValue} gives the version
    each row was opened at (sent back in a hidden field).
    """
    rows, errors, typed = [], [], {}
    for indicator in indicators:
        prefix = indicator.code
        raw = {k: post.get(f"{prefix}-{k}", "") for k in ("numerator", "denominator", "comment", "version")}
        typed[prefix] = raw
        if not raw["numerator"].strip() and not raw["denominator"].strip():
            continue
        numerator = _number(raw["numerator"], indicator.name, errors)
        denominator = _number(raw["denominator"], indicator.name, errors) if indicator.metric == "percent" else None
        try:
            version = int(raw["version"]) if raw["version"] else None
        except ValueError:
            version = None
        rows.append(Row(indicator.code, numerator, denominator, raw["comment"].strip(), version))
    return rows, errors, typed


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp dataValueSets của DHIS2: JSON, CSV, XML (DXF2) hoặc ADX")
    mode = forms.ChoiceField(label="Cách nhập", choices=list(MODES.items()), initial=MODE_ALL_OR_NOTHING)
    dry_run = forms.BooleanField(label="Chỉ kiểm tra, chưa ghi", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"Tệp quá lớn ({upload.size / 1048576:.1f} MB); tối đa 5 MB.")
        return upload
