"""The Django admin never writes a domain table past the services.

Two kinds of admin, one of which every registered model uses:

- `ReadOnlyAdmin`: list and detail pages for support staff; no add, change or delete (the
  default for domain models: their writes have services with rules, audit and money
  invariants).
- `ServiceAdmin`: add and change (and delete, where the model has a service for it) go through
  the model's services: the form's last validation step calls the service, a refusal
  (`DomainError`) lands on the form, the service holds its own durable transaction (so the
  admin's outer transaction is dropped), and there is no bulk delete.

`tests/common/test_admin_structure.py` fails if a model of a domain package is editable in the
admin without being in its explicit list of service-backed admins."""

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from lom.common.errors import DomainError
from lom.common.models import AuditEvent, ReadLog
from lom.common.reauth import recent_auth_for_posts
from lom.common.web import add_domain_error


class ReadOnlyMixin:
    """No add, change or delete: for ModelAdmins and inlines alike."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Readable by support staff; written only through the application's services."""


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class ServiceAdmin(admin.ModelAdmin):
    """Add and change through `save_through_service`, delete through `delete_through_service`
    (no delete at all unless a subclass defines it). With `needs_recent_auth`, a POST needs a
    sign-in or confirmation within LOM_REAUTH_MINUTES, as the application's pages do."""

    needs_recent_auth = False
    can_delete_through_service = False

    def save_through_service(
        self, request: HttpRequest, form: ModelForm, change: bool
    ) -> Model:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def delete_through_service(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ThroughService(base):  # type: ignore[valid-type,misc]
            """The service call is the form's last validation step, so its refusal is shown
            on the form with what was typed."""

            saved: Model | None = None

            def _post_clean(self) -> None:
                super()._post_clean()
                if self._errors:
                    return
                try:
                    self.saved = model_admin.save_through_service(request, self, change)
                except DomainError as exc:
                    add_domain_error(self, exc)

        return ThroughService

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Model:
        assert form.saved is not None, "the form was validated, so the service ran"
        return form.saved

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved already, by the service the form called."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Service-backed admins have no inlines or many-to-many fields of their own."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.delete_through_service(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        raise DomainError("bulk delete is not offered for service-backed models")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.can_delete_through_service and super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _fresh(self, view):
        return recent_auth_for_posts(view) if self.needs_recent_auth else view

    @csrf_protect_m
    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # No outer transaction here: the service's own is durable and cannot nest.
        view = cast(Any, self)._changeform_view  # Django's view without its outer transaction
        return self._fresh(view)(request, object_id, form_url, extra_context)

    @csrf_protect_m
    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            view = cast(Any, self)._delete_view  # Django's view without its outer transaction
            return self._fresh(view)(request, object_id, extra_context)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
            return HttpResponseRedirect(request.path)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "organisation", "actor", "action", "target_type", "target_id"]
    list_filter = ["organisation", "action"]
    list_select_related = ["organisation", "actor"]


@admin.register(ReadLog)
class ReadLogAdmin(ReadOnlyAdmin):
    """Who displayed or exported which special-category record (the privacy pages search it)."""

    list_display = ["at", "organisation", "actor", "data_class", "target_type", "target_id"]
    list_filter = ["organisation", "data_class", "channel"]
    list_select_related = ["organisation", "actor"]
