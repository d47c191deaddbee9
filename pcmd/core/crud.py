"""Generic CRUD, declared per model (after NetBox's register_model_view).

A registry declares a `Crud` (model, form, filter set, columns, services) and mounts
`crud.urls()`. It gets: a list with filters, search, sorting, pagination and Excel export; a
detail page with the change history; create / edit / delete through services with optimistic
locking; htmx partials from the same views. Every query goes through `core.scoping.scoped`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views import View

from . import actions, services
from .exports import xlsx_response
from .models import AccessLog
from .money import money_fields, phone_fields
from .scoping import get_scoped_or_404, require, scoped
from .search import search


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose choices of scoped records (units, agencies…) are limited to the user's scope."""

    def __init__(self, *args, membership=None, **kwargs):
        self.membership = membership
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            queryset = getattr(form_field, "queryset", None)
            if queryset is not None and getattr(queryset.model, "module", ""):
                form_field.queryset = scoped(queryset, membership, "view")
        money_fields(self)  # amounts typed with thousands separators (core.money)
        phone_fields(self)

    def posted_choice(self, name: str):
        """The record posted for a choice field before the form is cleaned (to narrow other choices),
        or None when nothing valid was posted; the field's own cleaning reports the error."""
        try:
            return self.fields[name].clean(self.data.get(name))
        except ValidationError:
            return None


@dataclass
class Crud:
    model: type[models.Model]
    slug: str  # URL segment, Vietnamese without diacritics ("co-quan")
    name: str  # URL name prefix ("agency")
    form_class: type[forms.ModelForm]
    list_fields: list[str]
    filterset_class: type | None = None
    detail_fields: list[str] | None = None
    export_fields: list[str] | None = None
    search_help: str = "Tìm theo tên"
    select_related: tuple[str, ...] = ()
    base_queryset: Callable[[], models.QuerySet] | None = None
    # Services: create(membership=, data=), update(instance=, data=), delete(instance=).
    create: Callable | None = None
    update: Callable | None = None
    delete: Callable | None = None
    initial: Callable | None = None  # initial(membership) -> dict for the create form
    columns_labels: dict[str, str] = field(default_factory=dict)
    # When one model serves several registries (AdminUnit -> hamlets), name this one.
    title: str = ""
    title_plural: str = ""
    importer: object = None  # a core.imports.Importer: adds "Nhập từ Excel" pages to the list
    # Sensitive records: every opening of the detail or edit page goes to AccessLog, and every list,
    # search or export page adds one row with the count shown and the filter.
    log_reads: bool = False
    # detail_context(obj, membership) -> dict: what else the detail page shows, read by a selector (templates
    # do not query).
    detail_context: Callable | None = None

    @property
    def module(self) -> str:
        return self.model.module

    @property
    def verbose_name(self) -> str:
        return self.title or str(self.model._meta.verbose_name)

    @property
    def verbose_name_plural(self) -> str:
        return self.title_plural or str(self.model._meta.verbose_name_plural)

    def queryset(self) -> models.QuerySet:
        qs = self.base_queryset() if self.base_queryset else self.model._default_manager.all()
        return qs.select_related(*self.select_related) if self.select_related else qs

    def label(self, name: str) -> str:
        if name in self.columns_labels:
            return self.columns_labels[name]
        try:
            return str(self.model._meta.get_field(name.split("__")[0]).verbose_name).capitalize()
        except FieldDoesNotExist:  # a property, not a field
            return name

    @property
    def searchable(self) -> bool:
        """Only models with a folded `search_text` (core.models.Searchable) have a search box."""
        return any(f.name == "search_text" for f in self.model._meta.get_fields())

    def sortable(self, name: str, queryset: models.QuerySet) -> bool:
        """A column sorts if it is a database column (through relations) or an annotation of the
        queryset; a computed property ("programs_display") does not."""
        if name in queryset.query.annotations:
            return True
        model = self.model
        for part in name.split("__"):
            try:
                field = model._meta.get_field(part) if model is not None else None
            except FieldDoesNotExist:
                return False
            if field is None or not field.concrete:  # a property, a reverse or many-to-many relation
                return False
            model = field.related_model
        return True

    def url_name(self, view: str) -> str:
        return f"{self.name}_{view}"

    def urls(self) -> list:
        s = self.slug
        return [
            path(f"{s}/", CrudListView.as_view(crud=self), name=self.url_name("list")),
            path(f"{s}/xuat-excel/", CrudExportView.as_view(crud=self), name=self.url_name("export")),
            path(f"{s}/them/", CrudCreateView.as_view(crud=self), name=self.url_name("create")),
            path(f"{s}/<int:pk>/", CrudDetailView.as_view(crud=self), name=self.url_name("detail")),
            path(f"{s}/<int:pk>/sua/", CrudEditView.as_view(crud=self), name=self.url_name("edit")),
            path(f"{s}/<int:pk>/xoa/", CrudDeleteView.as_view(crud=self), name=self.url_name("delete")),
            *self.import_urls(),
        ]

    def import_urls(self) -> list:
        if self.importer is None:
            return []
        from .imports import import_urls

        return import_urls(self)


REGISTRY: list[Crud] = []


def register(crud: Crud) -> Crud:
    REGISTRY.append(crud)
    return crud


def cell(obj, name: str):
    """Value of a column: a field (with its display label for choices), a relation, or a property."""
    value = obj
    for part in name.split("__"):
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part, None)
        if value is None:
            return ""
    if isinstance(value, AbstractBaseUser):  # "Người nhập": the person's name, not the login name
        return value.get_full_name() or value.get_username()
    return value() if callable(value) else value


class CrudView(LoginRequiredMixin, View):
    crud: Crud = None
    action = "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require(request.membership, self.crud.module, self.action)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def membership(self):
        return self.request.membership

    def can(self, action: str) -> bool:
        from pcmd.org.permissions import allowed

        return allowed(self.membership.role, self.crud.module, action)

    def get_object(self, action: str = "view"):
        obj = get_scoped_or_404(self.crud.queryset(), self.membership, pk=self.kwargs["pk"])
        if action != "view":
            require(self.membership, self.crud.module, action)
            # Row rules (an agency officer writes only his agency's records) live in scoped() too.
            if not scoped(self.crud.model._default_manager.filter(pk=obj.pk), self.membership, action).exists():
                raise PermissionDenied
        return obj

    def templates(self, suffix: str) -> list[str]:
        meta = self.crud.model._meta
        return [f"{meta.app_label}/{meta.model_name}_{suffix}.html", f"core/crud/{suffix}.html"]

    def context(self, **extra) -> dict:
        return {
            "crud": self.crud,
            "can_add": self.can("add"),
            "can_change": self.can("change"),
            "can_delete": self.can("delete"),
            **extra,
        }

    def filtered_queryset(self):
        qs = scoped(self.crud.queryset(), self.membership, "view")
        filterset = None
        if self.crud.filterset_class:
            filterset = self.crud.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
        q = self.request.GET.get("q", "").strip()
        if q and self.crud.searchable:
            qs = search(qs, q)
        # Unknown or computed columns are ignored: the list keeps its default order.
        sort = self.request.GET.get("sort", "")
        if sort.lstrip("-") in self.crud.list_fields and self.crud.sortable(sort.lstrip("-"), qs):
            qs = qs.order_by(sort, "pk")
        return qs, filterset

    def log_list(self, count: int, action: str = "list") -> None:
        """One access-log row for a page (or file) that showed `count` records of a `log_reads` model."""
        if not self.crud.log_reads:
            return
        if action == "list" and self.request.GET.get("q", "").strip():
            action = "search"
        AccessLog.record_list(membership=self.membership, model=self.crud.model, count=count,
                              query=self.request.GET.urlencode(), action=action)


class CrudListView(CrudView):
    def get(self, request):
        qs, filterset = self.filtered_queryset()
        page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        ctx = self.context(
            page=page,
            filterset=filterset,
            q=request.GET.get("q", ""),
            sort=request.GET.get("sort", ""),
            querystring=query.urlencode(),
            columns=[(name, self.crud.label(name), self.crud.sortable(name, qs)) for name in self.crud.list_fields],
            rows=[(obj, [cell(obj, name) for name in self.crud.list_fields]) for obj in page.object_list],
        )
        self.log_list(len(ctx["rows"]))
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "crud-table":
            return render(request, "core/crud/_table.html", ctx)
        return render(request, self.templates("list"), ctx)


class CrudExportView(CrudView):
    def get(self, request):
        qs, _ = self.filtered_queryset()
        names = self.crud.export_fields or self.crud.list_fields
        response = xlsx_response(
            title=self.crud.verbose_name_plural,
            headers=[self.crud.label(n) for n in names],
            rows=([cell(obj, n) for n in names] for obj in qs.iterator(chunk_size=2000)),
            filename=self.crud.slug,
        )
        self.log_list(response.rows_written, "export")
        return response


class CrudDetailView(CrudView):
    def get(self, request, pk):
        from auditlog.models import LogEntry

        obj = self.get_object()
        if self.crud.log_reads:
            AccessLog.record(membership=self.membership, obj=obj)
        names = self.crud.detail_fields or self.crud.list_fields
        history = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:50]
        ctx = self.context(
            object=obj,
            fields=[(self.crud.label(n), cell(obj, n)) for n in names],
            history=history,
            actions=actions.buttons(obj, self.membership),
        )
        if self.crud.detail_context:
            ctx.update(self.crud.detail_context(obj, self.membership))
        return render(request, self.templates("detail"), ctx)


class CrudFormView(CrudView):
    """Shared by create and edit: the form keeps what was typed and shows every error."""

    conflict = False  # set when a save lost the optimistic-lock race

    def form(self, data=None, instance=None, initial=None):
        return self.crud.form_class(data=data, files=self.request.FILES or None, instance=instance,
                                    initial=initial, membership=self.membership)

    def render_form(self, form, obj=None, status=200, version=None):
        ctx = self.context(form=form, object=obj, version=version if version is not None else obj and obj.version)
        return render(self.request, self.templates("form"), ctx, status=status)

    def save(self, form, write: Callable):
        """Run the service in a transaction; re-check the result is still in the user's scope."""
        try:
            with transaction.atomic():
                obj = write()
                in_scope = scoped(self.crud.model._default_manager.all(), self.membership, self.action)
                if not in_scope.filter(pk=obj.pk).exists():
                    raise PermissionDenied("Bản ghi nằm ngoài phạm vi đơn vị của bạn.")
        except ValidationError as exc:
            add_errors(form, exc)
            self.conflict = isinstance(exc, services.EditConflict)
            return None
        return obj


def add_errors(form, exc: ValidationError) -> None:
    form.service_error = exc  # templates may show more than the messages (e.g. possible duplicates)
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class CrudCreateView(CrudFormView):
    action = "add"

    def get(self, request):
        initial = self.crud.initial(self.membership) if self.crud.initial else None
        return self.render_form(self.form(initial=initial))

    def post(self, request):
        form = self.form(data=request.POST)
        if form.is_valid():
            obj = self.save(form, lambda: self.create(form.cleaned_data))
            if obj is not None:
                messages.success(request, f"Đã thêm {self.crud.verbose_name} “{obj}”.")
                return HttpResponseRedirect(reverse(self.crud.url_name("detail"), args=[obj.pk]))
        return self.render_form(form, status=400)

    def create(self, data: dict):
        if self.crud.create:
            return self.crud.create(membership=self.membership, data=data)
        if hasattr(self.crud.model, "scope_unit_field") and "unit" not in data:
            data = {**data, "unit": self.membership.unit}  # a commune user's records are the commune's
        return services.record_create(model=self.crud.model, data=data)


class CrudEditView(CrudFormView):
    action = "change"

    def get(self, request, pk):
        obj = self.get_object("change")
        if self.crud.log_reads:
            AccessLog.record(membership=self.membership, obj=obj, action="edit")
        return self.render_form(self.form(instance=obj), obj)

    def post(self, request, pk):
        obj = self.get_object("change")
        form = self.form(data=request.POST, instance=obj)
        posted_version = request.POST.get("version", "")
        if form.is_valid():
            update = self.crud.update or services.record_update

            def write():
                services.claim_version(obj, version_from(posted_version))
                return update(instance=obj, data=form.cleaned_data)

            saved = self.save(form, write)
            if saved is not None:
                messages.success(request, f"Đã lưu {self.crud.verbose_name} “{saved}”.")
                return HttpResponseRedirect(reverse(self.crud.url_name("detail"), args=[saved.pk]))
        # After a conflict the form carries the current version, so saving again is a deliberate choice.
        version = obj.version if self.conflict else posted_version
        return self.render_form(form, obj, status=400, version=version)


def version_from(posted: str) -> int:
    try:
        return int(posted)
    except ValueError as exc:
        raise ValidationError("Thiếu phiên bản của bản ghi; hãy tải lại trang rồi sửa lại.") from exc


class CrudDeleteView(CrudView):
    action = "delete"

    def get(self, request, pk):
        obj = self.get_object("delete")
        return render(request, self.templates("confirm_delete"), self.context(object=obj))

    def post(self, request, pk):
        obj = self.get_object("delete")
        delete = self.crud.delete or services.record_delete
        label = str(obj)
        try:
            with transaction.atomic():
                delete(instance=obj)
        except (ProtectedError, ValidationError) as exc:
            reason = (exc.messages[0] if isinstance(exc, ValidationError)
                      else "Còn dữ liệu khác đang dùng bản ghi này; hãy gỡ liên kết đó trước.")
            messages.error(request, f"Không xóa được “{label}”: {reason}")
            return HttpResponseRedirect(reverse(self.crud.url_name("detail"), args=[pk]))
        messages.success(request, f"Đã xóa {self.crud.verbose_name} “{label}”.")
        return HttpResponseRedirect(reverse(self.crud.url_name("list")))
