"""Workshop content that facilitators configure: workshops, sessions, guidance questions.

Text that delegations read is translated with django-modeltranslation (see
``translation.py``); read it in the active language, never as ``text_en``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_content_languages(value):
    known = {code for code, _name in settings.CONTENT_LANGUAGES}
    codes = [code.strip() for code in value.split(",") if code.strip()]
    if not codes:
        raise ValidationError(_("Choose at least one language."), code="empty")
    unknown = sorted(set(codes) - known)
    if unknown:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s. Use: %(known)s."),
            code="unknown_language",
            params={"codes": ", ".join(unknown), "known": ", ".join(sorted(known))},
        )


# A session code is a URL path segment (sessions.converters): letters, digits,
# "-", "_" and ".", starting with a letter or a digit (never "." or "..").
SESSION_CODE_MAX_LENGTH = 20
SESSION_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
validate_session_code = RegexValidator(
    SESSION_CODE_PATTERN,
    _(
        "Use only letters (A-Z, a-z), digits, hyphens, underscores and dots, "
        "starting with a letter or a digit."
    ),
    code="invalid_session_code",
)


def content_language_choices():
    return list(settings.CONTENT_LANGUAGES)


class Workshop(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", help_text=_("For example Africa/Dakar.")
    )
    languages = models.CharField(
        _("languages"),
        max_length=40,
        default="en,fr",
        validators=[validate_content_languages],
        help_text=_("Content language codes, comma separated, for example en,fr or vi,en."),
    )
    default_language = models.CharField(
        _("default language"), max_length=8, choices=content_language_choices, default="en"
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshop", kwargs={"workshop": self.slug})

    @property
    def language_codes(self):
        """The workshop's content languages, default language first."""
        codes = [code.strip() for code in self.languages.split(",") if code.strip()]
        if self.default_language in codes:
            codes.remove(self.default_language)
        return [self.default_language, *codes]

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The workshop cannot end before it starts.")}, code="dates"
            )
        if self.time_zone:
            import zoneinfo

            try:
                zoneinfo.ZoneInfo(self.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValidationError(
                    {"time_zone": _("Unknown time zone.")}, code="time_zone"
                ) from None
        if self.languages and self.default_language:
            codes = [code.strip() for code in self.languages.split(",")]
            if self.default_language not in codes:
                raise ValidationError(
                    {"default_language": _("The default language must be one of the languages.")},
                    code="default_language",
                )


class InterventionArea(models.Model):
    """One of UNDP's intervention areas for community systems strengthening.

    A shared taxonomy: action items and TA requests of every workshop are tagged with it.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("intervention area")
        verbose_name_plural = _("intervention areas")

    def __str__(self):
        return self.name


class Session(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        GROUP_WORK = "group_work", _("Group work (summary)")
        ACTION_PLANNING = "action_planning", _("Action planning (Day 3)")

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("workshop")
    )
    code = models.CharField(
        _("code"),
        max_length=SESSION_CODE_MAX_LENGTH,
        validators=[validate_session_code],
        help_text=_('For example "V".'),
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GROUP_WORK)
    day = models.PositiveSmallIntegerField(
        _("day"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    time_box_minutes = models.PositiveSmallIntegerField(
        _("time box (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    guidance = models.TextField(_("guidance"), blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    deadline = models.DateTimeField(
        _("summary deadline"), null=True, blank=True, help_text=_("In the workshop's time zone.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["workshop", "order", "day", "code"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "code"], name="unique_session_code"),
        ]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def get_absolute_url(self):
        return reverse(
            "summaries:session", kwargs={"workshop": self.workshop.slug, "session": self.code}
        )

    def closed_reason(self, now=None):
        """Why delegations can no longer write, or ``None`` while they can."""
        if self.status == self.Status.CLOSED:
            return _("This session is closed.")
        if self.status == self.Status.DRAFT:
            return _("This session is not open yet.")
        if self.deadline and (now or timezone.now()) > self.deadline:
            return _("The deadline for this session has passed.")
        return None

    @property
    def is_writable(self):
        return self.closed_reason() is None

    @property
    def deadline_passed(self):
        return self.deadline is not None and timezone.now() > self.deadline


class FinancingSource(models.Model):
    """A kind of source in a financing mix (domestic public budget, donors, ...).

    A shared list like :class:`InterventionArea`, edited by facilitators; every
    financing-mix question offers all of it, in this order.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("financing source")
        verbose_name_plural = _("financing sources")

    def __str__(self):
        return self.name


class GuidanceQuestion(models.Model):
    class Feeds(models.TextChoices):
        NOTHING = "nothing", _("Nothing")
        ACTION_PLAN = "action_plan", _("Action plan")
        TA_REQUEST = "ta_request", _("TA request")

    class Kind(models.TextChoices):
        TEXT = "text", _("Free text")
        CHOICE = "choice", _("Choose from a list")
        FINANCING = "financing", _("Financing mix")
        MILESTONES = "milestones", _("Milestones")

    class FinancingColumns(models.TextChoices):
        TODAY = "today", _("Today")
        TARGET = "target", _("Target")
        BOTH = "both", _("Today and target")

    class FinancingUnit(models.TextChoices):
        PERCENT = "percent", _("Share in %")
        AMOUNT = "amount", _("Amount with currency")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="questions", verbose_name=_("session")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    help_text = models.TextField(_("help text"), blank=True)
    feeds = models.CharField(_("answers feed"), max_length=20, choices=Feeds, default=Feeds.NOTHING)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=Kind, default=Kind.TEXT)
    multiple = models.BooleanField(
        _("several choices allowed"),
        default=True,
        help_text=_("Choose from a list: a delegation may choose more than one option."),
    )
    allow_other = models.BooleanField(
        _('offer "other" with a text'),
        default=False,
        help_text=_("Choose from a list: a delegation may add an option of its own."),
    )
    option_note_label = models.CharField(
        _("short text per chosen option"),
        max_length=200,
        blank=True,
        help_text=_(
            "Choose from a list: the label of a short text asked for each chosen option, "
            'for example "Why it is urgent". Blank: none.'
        ),
    )
    financing_columns = models.CharField(
        _("financing columns"),
        max_length=10,
        choices=FinancingColumns,
        default=FinancingColumns.TODAY,
    )
    financing_unit = models.CharField(
        _("financing unit"), max_length=10, choices=FinancingUnit, default=FinancingUnit.PERCENT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["session", "order", "number"]
        verbose_name = _("guidance question")
        verbose_name_plural = _("guidance questions")
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="unique_question_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:80]}"


class QuestionOption(models.Model):
    """One option of a choose-from-a-list question."""

    question = models.ForeignKey(
        GuidanceQuestion,
        on_delete=models.CASCADE,
        related_name="options",
        verbose_name=_("question"),
    )
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    area = models.ForeignKey(
        InterventionArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intervention area"),
        help_text=_("Drafting the plan adds an action in this area when the option is chosen."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="unique_option_code"),
        ]

    def __str__(self):
        return self.label
