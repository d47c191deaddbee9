"""The wall around case files: the one door through which a page reaches a client's file.

- `client_or_404(request, pk)`: the file if the seat's scope holds it (`scoped()`, module "support") or the
  seat holds a break-glass grant in force for it; 404 otherwise (an outsider learns nothing). Every call
  writes one `AccessLog` row (who, which file, why).
- `readable_classes(membership)`: the sensitivity classes the seat may read (`org.permissions.SENSITIVITY_READ`);
  `masked(obj, membership)` gives the field values a template may show, with "(hạn chế)" in place of the rest.
"""

from django.http import Http404
from django.utils import timezone

from pcmd.core.models import AccessLog
from pcmd.core.scoping import scoped
from pcmd.org.permissions import SENSITIVITY_READ

from .models import BreakGlass, Client

HIDDEN = "(hạn chế)"


def readable_classes(membership) -> frozenset:
    if membership is None:
        return frozenset()
    return SENSITIVITY_READ.get(membership.role, frozenset())


def can_read(membership, sensitivity: str) -> bool:
    return sensitivity in readable_classes(membership)


def active_grant(membership, client_id: int):
    """The break-glass grant in force for this seat and file, if any."""
    if membership is None:
        return None
    return (BreakGlass.objects.filter(membership=membership, client_id=client_id,
                                      expires_at__gt=timezone.now()).order_by("-expires_at").first())


def visible_clients(membership, action: str = "view"):
    """The files the seat reaches by its scope (break-glass grants are per file, through `client_or_404`)."""
    return scoped(Client.objects.select_related("unit", "case_worker"), membership, action)


def client_or_404(request, pk, *, action: str = "view", log: str = "view", why: str = "") -> Client:
    """The client file `pk` for this request's seat, logged; 404 when neither scope nor a grant reaches it.

    `action` "change" asks for the right to write (a break-glass grant only ever reads).
    """
    membership = getattr(request, "membership", None)
    client = visible_clients(membership, action).filter(pk=pk).first()
    grant = None
    if client is None and action == "view":
        grant = active_grant(membership, pk)
        if grant is not None:
            client = Client.objects.select_related("unit", "case_worker").filter(pk=pk).first()
    if client is None:
        raise Http404
    detail = why or (f"Mở khẩn cấp: {grant.reason}" if grant else "")
    AccessLog.record(membership=membership, obj=client, action=log, detail=detail)
    return client


def masked(obj, membership) -> dict:
    """Field name -> value to display for the encrypted fields of `obj` (`SENSITIVE_FIELDS`), masked by class."""
    classes = readable_classes(membership)
    return {name: (getattr(obj, name) if cls in classes else HIDDEN)
            for name, cls in getattr(obj, "SENSITIVE_FIELDS", {}).items()}
