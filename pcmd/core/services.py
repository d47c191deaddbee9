"""Generic writes used by the CRUD mechanism when a model has no service of its own."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F


class EditConflict(ValidationError):
    """Someone else saved the record after this user opened it."""

    def __init__(self):
        super().__init__(
            "Bản ghi này vừa được người khác cập nhật sau khi bạn mở. Nội dung bạn nhập vẫn còn bên dưới; "
            "hãy mở bản mới nhất trong thẻ khác, đối chiếu rồi lưu lại."
        )


def posted_version(data) -> int:
    """The record version a form posted back (`version`), or a Vietnamese ValidationError for anything else."""
    try:
        return int(data.get("version", ""))
    except (TypeError, ValueError) as exc:
        raise ValidationError("Thiếu phiên bản của bản ghi; hãy tải lại trang rồi làm lại.") from exc


def claim_version(instance: models.Model, expected_version: int) -> None:
    """Optimistic lock: bump the version only if nobody saved since `expected_version`.

    Must run inside the write's transaction; a conflict raises EditConflict and writes nothing.
    """
    bumped = type(instance).objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not bumped:
        raise EditConflict()
    instance.version = expected_version + 1


def _assign(instance: models.Model, data: dict) -> dict:
    """Set plain fields; return many-to-many values to set after saving."""
    m2m = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(instance, name, value)
    return m2m


def record_create(*, model: type[models.Model], data: dict) -> models.Model:
    instance = model()
    m2m = _assign(instance, data)
    instance.full_clean()
    instance.save()
    for name, value in m2m.items():
        getattr(instance, name).set(value)
    return instance


def record_update(*, instance: models.Model, data: dict) -> models.Model:
    m2m = _assign(instance, data)
    instance.full_clean()
    instance.save()
    for name, value in m2m.items():
        getattr(instance, name).set(value)
    return instance


def record_delete(*, instance: models.Model) -> None:
    instance.delete()
