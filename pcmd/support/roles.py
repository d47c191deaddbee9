"""Who runs which step inside the support module: the one table.

The permission matrix gives both support roles "change" on the module; inside it the work is divided — the case
worker does the casework, the supervisor approves, returns, merges, reviews and opens files by break-glass. Every
step of the app (an action slug of case_actions.py / wall_actions.py, or a page of the wall) is here; buttons
are filtered by `shows()`, pages and services refuse with `require()`.
"""

from django.core.exceptions import PermissionDenied

from pcmd.org.models import Role

WORKER = frozenset({Role.CASE_WORKER})
SUPERVISOR = frozenset({Role.SUPPORT_SUPERVISOR})

STEP_ROLES = {
    # the client file (case_actions.py)
    "dang-ky-ho-so": WORKER,  # a counselling request becomes a file
    "dong-y": WORKER, "rut-dong-y": WORKER, "danh-gia": WORKER, "ke-hoach": WORKER, "trinh-ke-hoach": WORKER,
    "muc-tieu": WORKER,  # mark the approved plan's goals met or dropped
    "duyet-ke-hoach": SUPERVISOR, "tra-ke-hoach": SUPERVISOR, "theo-doi": WORKER, "de-nghi-ket-thuc": WORKER,
    "duyet-ket-thuc": SUPERVISOR, "tra-ket-thuc": SUPERVISOR, "mo-lai": WORKER | SUPERVISOR, "gop": SUPERVISOR,
    # the wall (wall.py, wall_actions.py)
    "break_glass": SUPERVISOR,  # open a file outside one's scope
    "review": SUPERVISOR,  # review break-glass openings, access review
    "acknowledge": WORKER,  # the owning commune's case workers are told of an opening
    "export": WORKER,  # a client's own data, given to the client
    "erase_request": WORKER, "de-nghi-xoa-du-lieu": WORKER,
    "erase_confirm": SUPERVISOR, "xac-nhan-xoa-du-lieu": SUPERVISOR, "tu-choi-xoa-du-lieu": SUPERVISOR,
}

REFUSAL = {
    WORKER: "Chỉ cán bộ quản lý trường hợp thực hiện bước này.",
    SUPERVISOR: "Chỉ cán bộ giám sát hỗ trợ thực hiện bước này.",
}


def may(membership, step: str) -> bool:
    """Whether the seat's role runs this step (the matrix and the scope are checked elsewhere)."""
    return membership is not None and membership.role in STEP_ROLES.get(step, frozenset())


def shows(membership, step: str) -> bool:
    """Whether a page shows this step's button to the seat: steps not in the table are for every support role."""
    return step not in STEP_ROLES or may(membership, step)


def refusal(step: str) -> str:
    return REFUSAL.get(STEP_ROLES.get(step), "Vai trò của bạn không thực hiện được bước này.")


def require(membership, step: str, message: str = "") -> None:
    if not may(membership, step):
        raise PermissionDenied(message or refusal(step))
