"""Reading plan documents (kế hoạch): file -> text (`extract`) -> structured plan (`parser`).

Both steps raise `PlanFileError` with a Vietnamese message the user can act on.
"""

PLAN_MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # default; settings.PLAN_MAX_UPLOAD_BYTES overrides it


class PlanFileError(ValueError):
    """The uploaded file cannot be read as a plan; the message (Vietnamese) says why and what to do."""


__all__ = ["PLAN_MAX_UPLOAD_BYTES", "PlanFileError"]
