"""Facilitators' admin for delegations, their members, and the accounts members sign in
with. It extends the workshop admin of ``sessions`` with the workshop's delegations, the
access sheets, and whole-workshop files: export, import and duplicate (a higher app may
extend a lower app's admin)."""

from itertools import groupby
from operator import attrgetter

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from sessions.admin import TypedTextAdmin
from sessions.admin import WorkshopAdmin as SessionsWorkshopAdmin
from sessions.admin_protection import KeepDelegationWorkAdmin
from sessions.models import Workshop
from sessions.services import _copied_values, sessions_duplicate

from .access_sheet import card_link_expires_at
from .models import AccessSheet, Delegation, Membership
from .services import (
    ACCESS_SHEET_KEPT,
    access_sheet_request,
    access_sheet_retry,
    access_sheet_state,
    delegation_card_holders,
)
from .tasks import render_access_sheet
from .workshop_files import (
    WorkshopFileError,
    file_format_for,
    workshop_export,
    workshop_file_parse,
    workshop_file_render,
    workshop_import,
)


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


def may_print_access_cards(request):
    """Superusers and facilitators: those who may add and change user accounts."""
    return request.user.has_perms(["auth.add_user", "auth.change_user"])


def access_cards_confirmation(request, model_admin, delegations, *, action=""):
    """The page that lists, before anything changes, every account that gets a new
    password (or is created) when ``delegations``' cards are printed."""
    delegations = list(delegations.select_related("workshop").order_by("workshop", "name", "pk"))
    now = timezone.now()
    ended = {d.workshop for d in delegations if card_link_expires_at(d.workshop) <= now}
    return TemplateResponse(
        request,
        "admin/delegations/access_cards.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": _("Print or reprint access cards"),
            "opts": model_admin.model._meta,
            "plan": [
                (delegation, delegation_card_holders(delegation)) for delegation in delegations
            ],
            "ended": ended,
            "action": action,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if action else [],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def access_cards_print(request, model_admin, delegations):
    """New passwords for ``delegations``' card holders, in one short transaction, and
    their sheet asked of a task worker: a redirect to the page that downloads it when
    it is ready, or ``None`` with a message. Each delegation's reprint is logged in
    its history."""
    try:
        sheet, issued = access_sheet_request(
            delegations=delegations,
            user=request.user,
            portal_url=settings.PORTAL_URL or request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        return None
    if sheet is None:
        model_admin.message_user(request, _("No access card to print."), messages.WARNING)
        return None
    render_access_sheet.enqueue(sheet.pk)
    for delegation, cards in groupby(issued, key=attrgetter("delegation")):
        usernames = ", ".join(card.user.get_username() for card in cards)
        model_admin.log_change(
            request,
            delegation,
            _("Access cards printed; new password for: %(accounts)s.") % {"accounts": usernames},
        )
    return redirect(reverse("admin:delegations_access_sheet", args=[sheet.pk]))


def access_sheet_failure_message(error):
    """Why an access sheet could not be made, in the active language."""
    if error == "worker":
        return gettext("The worker making this access sheet stopped before it was done.")
    return gettext(
        "This access sheet needed more time or memory than a PDF may take and was stopped. "
        "Try again, or print the cards of fewer delegations at once."
    )


class AccessCardsActionMixin:
    """Refuse, rather than Django's "No action selected", the access-card action to
    anyone who may not manage accounts (organisers)."""

    access_cards_action = ""

    def changelist_view(self, request, extra_context=None):
        if (
            request.method == "POST"
            and request.POST.get("action") == self.access_cards_action
            and not may_print_access_cards(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def has_delegation_accounts_permission(self, request):
        return may_print_access_cards(request)


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


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    ordering = ("user__username",)
    extra = 1


@admin.register(Delegation)
class DelegationAdmin(
    KeepDelegationWorkAdmin, TypedTextAdmin, AccessCardsActionMixin, admin.ModelAdmin
):
    list_display = ("name", "workshop", "kind", "country_code", "language", "member_count")
    list_filter = ("workshop", "kind", "language")
    list_select_related = ("workshop",)
    search_fields = ("name", "slug", "country_code")
    ordering = ("workshop", "name")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("workshop", "name", "slug", "kind")}),
        (_("Country and language"), {"fields": ("country_code", "language")}),
    )
    inlines = (MembershipInline,)
    actions = ("print_access_cards",)
    access_cards_action = "print_access_cards"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    def get_urls(self):
        return [
            path(
                "access-sheets/<int:pk>/",
                self.admin_site.admin_view(self.access_sheet_view),
                name="delegations_access_sheet",
            ),
            path(
                "<path:object_id>/access-cards/",
                self.admin_site.admin_view(self.access_cards_view),
                name="delegations_delegation_access_cards",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "may_print_access_cards": may_print_access_cards(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description=_("Print or reprint access cards"), permissions=("delegation_accounts",)
    )
    def print_access_cards(self, request, queryset):
        if request.POST.get("apply") != "yes":
            return access_cards_confirmation(request, self, queryset, action="print_access_cards")
        return access_cards_print(request, self, queryset)

    def access_cards_view(self, request, object_id):
        """One delegation's cards, from its page: confirm, then print."""
        if not may_print_access_cards(request):
            raise PermissionDenied
        delegation = self.get_object(request, unquote(object_id))
        if delegation is None or not self.has_view_or_change_permission(request, delegation):
            raise Http404
        delegations = Delegation.objects.filter(pk=delegation.pk)
        if request.method == "POST" and request.POST.get("apply") == "yes":
            response = access_cards_print(request, self, delegations)
            if response is not None:
                return response
            return redirect(reverse("admin:delegations_delegation_change", args=[delegation.pk]))
        return access_cards_confirmation(request, self, delegations)

    def access_sheet_view(self, request, pk):
        """The access sheet this person asked for: the file once a worker has made it,
        else a page that follows its rendering (polled by htmx) and then downloads it,
        as every PDF download does. Kept for ``ACCESS_SHEET_KEPT``, for them only."""
        if not may_print_access_cards(request):
            raise PermissionDenied
        sheet = AccessSheet.objects.filter(
            pk=pk,
            requested_by=request.user,
            created_at__gte=timezone.now() - ACCESS_SHEET_KEPT,
        ).first()
        if sheet is None:
            raise Http404
        if request.GET.get("retry") == "1" and access_sheet_retry(sheet):
            render_access_sheet.enqueue(sheet.pk)
            sheet.refresh_from_db()
        state = access_sheet_state(sheet)
        url = reverse("admin:delegations_access_sheet", args=[sheet.pk])
        polling = request.headers.get("HX-Request") == "true"
        if state.file is not None and not polling:
            return HttpResponse(
                state.file.content,
                content_type=state.file.content_type,
                headers={"Content-Disposition": f'attachment; filename="{state.file.filename}"'},
            )
        if state.file is not None and request.GET.get("fetch") == "1":
            return HttpResponse(headers={"HX-Redirect": url})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Access sheet"),
            "opts": self.opts,
            "state": state,
            "url": url,
            "error": access_sheet_failure_message(state.error) if state.error else "",
        }
        template = (
            "portal/_file_progress.html" if polling else "admin/delegations/access_sheet.html"
        )
        return TemplateResponse(request, template, context)

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, delegation):
        return delegation.member_count


class UserMembershipInline(admin.TabularInline):
    model = Membership
    fields = ("delegation", "role")
    autocomplete_fields = ("delegation",)
    extra = 0
    verbose_name_plural = _("delegations")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DelegationAccountAdmin(TypedTextAdmin, UserAdmin):
    """Django's user admin, narrowed for facilitators who create delegation accounts.

    Facilitators have ``add_user`` and ``change_user``. Django's own user admin would
    then let them make anyone (themselves included) staff or superuser, or reset a
    superuser's password. Here only a superuser edits staff accounts, staff flags,
    groups and permissions; everyone else edits non-staff accounts' names, e-mail,
    password and active flag.
    """

    list_display = ("username", "first_name", "last_name", "email", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups", "delegations__workshop")
    inlines = (UserMembershipInline,)
    account_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active",)}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.account_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_staff or obj.is_superuser):
            return False
        return super().has_change_permission(request, obj)
