"""Who writes: delegations (a country, a province, a community group) and their members."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sessions.models import Workshop, content_language_choices


class Delegation(models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province")
        COMMUNITY = "community", _("Community")
        OTHER = "other", _("Other")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("workshop")
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COUNTRY)
    country_code = models.CharField(
        _("country code"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters (ISO 3166-1)."))],
        help_text=_("ISO 3166-1 alpha-2, for example SN."),
    )
    language = models.CharField(
        _("document language"),
        max_length=8,
        choices=content_language_choices,
        default="en",
        help_text=_("The language of its documents (action plan, TA requests)."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="delegations",
        verbose_name=_("members"),
    )

    class Meta:
        ordering = ["workshop", "name"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "slug"], name="unique_delegation_slug"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "summaries:delegation", kwargs={"workshop": self.workshop.slug, "delegation": self.slug}
        )

    def clean(self):
        if self.workshop_id and self.language not in self.workshop.language_codes:
            message = _("Choose one of the workshop's languages: %(codes)s.")
            codes = ", ".join(self.workshop.language_codes)
            raise ValidationError(
                {"language": ValidationError(message, code="language", params={"codes": codes})}
            )

    def get_plan_url(self):
        return reverse(
            "summaries:plan", kwargs={"workshop": self.workshop.slug, "delegation": self.slug}
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        RAPPORTEUR = "rapporteur", _("Rapporteur")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("delegation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)

    class Meta:
        ordering = ["delegation", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "delegation"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} – {self.delegation} ({self.get_role_display()})"


def interface_language_choices():
    return list(settings.LANGUAGES)


class LanguagePreference(models.Model):
    """The interface language a person chose last with the language switcher, kept on
    their account so that the next sign-in, on any browser, opens in it
    (see ``workshop_portal.middleware``)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="language_preference",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("interface language"), max_length=8, choices=interface_language_choices
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("interface language preference")
        verbose_name_plural = _("interface language preferences")

    def __str__(self):
        return f"{self.user} – {self.language}"


class AccessSheet(models.Model):
    """One print of access cards, rendered by a task worker (``delegations.tasks``).

    The passwords were changed when it was asked for; until its PDF is made they are
    kept here (``cards``), and only here, for the worker. Once rendered, ``cards`` is
    emptied and the PDF is kept for the person who asked, until ``KEPT`` has passed
    (``services.access_sheets_prune``)."""

    DELEGATION_WORK = False  # printed again at will: no work of the delegations

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RENDERING = "rendering", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    # [[delegation id, user id, password], ...] in print order, until rendered.
    cards = models.JSONField(_("cards to print"), default=list, blank=True)
    portal_url = models.CharField(_("portal address"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    pdf = models.BinaryField(_("PDF"), default=b"")
    error = models.CharField(_("error"), max_length=20, blank=True)
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access sheet")
        verbose_name_plural = _("access sheets")

    def __str__(self):
        return f"{self.filename or self.pk} ({self.get_status_display()})"
