"""Download a plan as a Word document in the official format."""

from pcmd.core.documents import docx_response
from pcmd.core.scoping import get_scoped_or_404, module_view

from .export import export_filename, plan_to_docx
from .models import Plan


@module_view("plans", "view")
def plan_export_docx(request, pk: int):
    plan = get_scoped_or_404(Plan.objects.all(), request.membership, pk=pk)
    return docx_response(plan_to_docx(plan), export_filename(plan))
