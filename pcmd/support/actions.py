"""The staff steps on a counselling request (start, reply, close, reopen), run by `core.actions.view`. What each
step does to the request (its target status, its history entry, what must be written) is `services.STEPS`."""

from django.urls import reverse

from pcmd.core.actions import Action, register

from . import services
from .forms import StepForm
from .models import CounsellingRequest


def _detail(counselling, result=None, request=None) -> str:
    return reverse("counselling_detail", args=[counselling.pk])


def _action(step: services.Step) -> Action:
    return Action(
        model=CounsellingRequest, slug=step.slug, label=step.label, sources=tuple(step.sources),
        refused=lambda c: f"Không thể “{step.label.lower()}” khi đề nghị đang ở tình trạng “{c.get_status_display()}”.",
        form=lambda c, request, data=None, files=None: StepForm(data, step=step),
        service=lambda c, data, request: services.counselling_step(
            counselling=c, membership=request.membership, slug=step.slug, text=data.get("text", "")),
        queryset=lambda: CounsellingRequest.objects.select_related("unit"), log_reads=True,
        template="support/counselling_action.html", success=lambda c, result: f"Đã ghi nhận: {step.label.lower()}.",
        next_url=_detail, back_url=_detail,
        link=lambda c: reverse("counselling_action", args=[c.pk, step.slug]),
    )


register(*(_action(step) for step in services.STEPS.values()))
