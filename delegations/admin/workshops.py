"""The workshop admin of ``sessions``, extended with the workshop's delegations, the
access-card action, and whole-workshop files: export, import and duplicate."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from sessions.admin import WorkshopAdmin as SessionsWorkshopAdmin
from sessions.models import Workshop
from sessions.services import _copied_values, sessions_duplicate

from ..models import Delegation
from ..workshop_files import (
    WorkshopFileError,
    file_format_for,
    workshop_export,
    workshop_file_parse,
    workshop_file_render,
    workshop_import,
)
from .access_cards import AccessCardsActionMixin, access_cards_confirmation, access_cards_print


class DelegationInline(admin.TabularInline):
    """The workshop's delegations, to look at; they are edited on their own page."""

    model = Delegation
    fields = ("name", "kind", "country_code", "language")
    readonly_fields = fields
    ordering = ("name",)
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def may_manage_workshop_files(request):
    """Facilitators and superusers (who add and change workshops) export, import and
    duplicate whole workshops; organisers, who only view them, do not."""
    return request.user.has_perms(
        ["workshop_sessions.add_workshop", "workshop_sessions.change_workshop"]
    )


class WorkshopImportForm(forms.Form):
    file = forms.FileField(
        label=_("Workshop file"),
        help_text=_("YAML, or JSON when the name ends in .json, as written by “Export”."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(_("The file is not UTF-8 text."), code="not_utf8") from None


class WorkshopDuplicateForm(forms.Form):
    slug = forms.SlugField(
        label=_("Slug of the copy"),
        max_length=Workshop._meta.get_field("slug").max_length,
        help_text=_("The copy's address; it must be new."),
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Workshop.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("A workshop with the slug “%(slug)s” already exists."),
                code="slug_taken",
                params={"slug": slug},
            )
        return slug


@transaction.atomic
def workshop_duplicate(*, workshop, slug):
    """A copy of ``workshop`` under ``slug`` — every language of its texts, its dates
    and languages — with a copy of each of its sessions and their questions, drafts
    without deadlines (:func:`sessions.services.sessions_duplicate`). Delegations and
    their work are not copied; intervention areas are shared by all workshops.
    ``ValidationError`` (nothing written) if the copy is invalid or the slug taken."""
    copy = Workshop(**_copied_values(workshop, exclude={"slug"}), slug=slug)
    # The language-less proxies mirror the active language, which may be empty.
    copy.full_clean(exclude=translator.get_options_for_model(Workshop).get_field_names())
    copy.save()
    sessions_duplicate(sessions=workshop.sessions.order_by("order", "day", "code"), workshop=copy)
    return copy


def import_report(result):
    """What an import did, as ``import_workshop`` prints it: one line per kind."""
    kinds = dict.fromkeys([*result.created, *result.updated, *result.unchanged])
    return [
        gettext("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
        % {
            "kind": kind,
            "created": result.created[kind],
            "updated": result.updated[kind],
            "unchanged": result.unchanged[kind],
        }
        for kind in kinds
    ]


admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(AccessCardsActionMixin, SessionsWorkshopAdmin):
    inlines = (*SessionsWorkshopAdmin.inlines, DelegationInline)
    actions = ("create_delegation_accounts",)
    access_cards_action = "create_delegation_accounts"
    change_form_template = "admin/delegations/workshop/change_form.html"
    change_list_template = "admin/delegations/workshop/change_list.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=f"{prefix}_import"),
            path("<path:object_id>/export/", view(self.export_view), name=f"{prefix}_export"),
            path(
                "<path:object_id>/duplicate/",
                view(self.duplicate_view),
                name=f"{prefix}_duplicate",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_manage_workshop_files": may_manage_workshop_files(request),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_manage_workshop_files": may_manage_workshop_files(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _workshop(self, request, object_id):
        if not may_manage_workshop_files(request):
            raise PermissionDenied
        workshop = self.get_object(request, unquote(object_id))
        if workshop is None:
            raise Http404
        return workshop

    def export_view(self, request, object_id):
        """The workshop file, as ``manage.py export_workshop SLUG FILE.yaml`` writes it."""
        workshop = self._workshop(request, object_id)
        text = workshop_file_render(data=workshop_export(workshop=workshop), fmt="yaml")
        return HttpResponse(
            text.encode("utf-8"),
            content_type="application/yaml; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{workshop.slug}.yaml"'},
        )

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                **context,
            },
        )

    def import_view(self, request):
        """Upload a workshop file: validated as ``manage.py import_workshop`` does,
        written only if all of it is valid, else refused with each problem's key path."""
        if not may_manage_workshop_files(request):
            raise PermissionDenied
        form = WorkshopImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            name, text = form.cleaned_data["file"]
            try:
                data = workshop_file_parse(text=text, fmt=file_format_for(name))
                with transaction.atomic():
                    result = workshop_import(data=data)
            except WorkshopFileError as exc:
                errors = exc.errors
            else:
                workshop = result.workshop
                self.log_change(
                    request, workshop, gettext("Imported from %(file)s.") % {"file": name}
                )
                self.message_user(
                    request,
                    gettext("Imported workshop “%(slug)s” from %(file)s: %(report)s.")
                    % {
                        "slug": workshop.slug,
                        "file": name,
                        "report": "; ".join(import_report(result)),
                    },
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:workshop_sessions_workshop_change", args=[workshop.pk])
                )
        return self._page(
            request,
            "admin/delegations/workshop/import.html",
            _("Import a workshop"),
            form=form,
            file_errors=errors,
        )

    def duplicate_view(self, request, object_id):
        """Copy the whole workshop under a new slug, its sessions as drafts."""
        workshop = self._workshop(request, object_id)
        form = WorkshopDuplicateForm(
            request.POST or None, initial={"slug": f"{workshop.slug}-copy"[:80]}
        )
        if request.method == "POST" and form.is_valid():
            try:
                copy = workshop_duplicate(workshop=workshop, slug=form.cleaned_data["slug"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(
                    request, copy, gettext("Duplicated from %(slug)s.") % {"slug": workshop.slug}
                )
                self.message_user(
                    request,
                    gettext("Workshop “%(slug)s” copied as “%(copy)s”; its sessions are drafts.")
                    % {"slug": workshop.slug, "copy": copy.slug},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:workshop_sessions_workshop_change", args=[copy.pk]))
        return self._page(
            request,
            "admin/delegations/workshop/duplicate.html",
            _("Duplicate a workshop"),
            form=form,
            original=workshop,
        )

    @admin.action(
        description=_("Create delegation accounts and print access sheets"),
        permissions=("delegation_accounts",),
    )
    def create_delegation_accounts(self, request, queryset):
        delegations = Delegation.objects.filter(workshop__in=queryset)
        if request.POST.get("apply") != "yes":
            return access_cards_confirmation(
                request, self, delegations, action="create_delegation_accounts"
            )
        return access_cards_print(request, self, delegations)
