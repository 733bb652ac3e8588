"""What delegations write: session summaries and answers, and the Day 3 plan.

Rows are written only through ``summaries.services``; every editable row is a
:class:`VersionedUnit` (a ``version`` for optimistic concurrency) and keeps its history
(django-simple-history). Text written by delegations is stored as written, with the
language it is in.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from delegations.models import Delegation
from sessions.models import GuidanceQuestion, InterventionArea, Session, content_language_choices

PLAN_HORIZON_MONTHS = 24


def _history():
    """Every editable row's history: one record per accepted change."""
    return HistoricalRecords()


class VersionedUnit(models.Model):
    """What every unit a delegation edits (a summary's details, an answer, an action, a
    TA request) shares: its ``version`` for optimistic concurrency, when it was last
    saved and who saved it last (``services.versioned.versioned_write`` sets them)."""

    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last edited by"),
    )
    # The writers of this version, as each laptop names its writer (a delegation shares
    # one account): the live document's typists since the last version, or the laptop
    # that saved it.
    written_by = models.CharField(_("written by"), max_length=300, blank=True)

    class Meta:
        abstract = True


class Summary(VersionedUnit):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("delegation")
    )
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("session")
    )
    participants = models.TextField(_("participants"), blank=True)
    rapporteur = models.CharField(_("rapporteur"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    timer_started_at = models.DateTimeField(_("timer started at"), null=True, blank=True)
    # The last save of the details (participants, rapporteur, by ``edited_by``): a
    # delegation's edit, which ``updated_at`` is not (a submit or a countdown started
    # changes it too).
    details_saved_at = models.DateTimeField(_("details last saved"), null=True, blank=True)
    history = _history()

    class Meta:
        ordering = ["session", "delegation"]
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        constraints = [
            models.UniqueConstraint(
                fields=["delegation", "session"], name="unique_summary_per_delegation_session"
            ),
        ]

    def __str__(self):
        return f"{self.delegation} – {self.session.code}"

    def get_absolute_url(self):
        return reverse(
            "summaries:summary",
            kwargs={
                "workshop": self.session.workshop.slug,
                "delegation": self.delegation.slug,
                "session": self.session.code,
            },
        )

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class Answer(VersionedUnit):
    summary = models.ForeignKey(
        Summary, on_delete=models.CASCADE, related_name="answers", verbose_name=_("summary")
    )
    question = models.ForeignKey(
        GuidanceQuestion,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    discussed = models.BooleanField(_("discussed"), default=False)
    text = models.TextField(_("answer"), blank=True)
    # The structured value of a question that is not free text; its shape per kind is
    # owned by ``sessions.kinds``. Empty for free text.
    data = models.JSONField(_("structured answer"), default=dict, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=content_language_choices, blank=True
    )
    history = _history()

    class Meta:
        ordering = ["summary", "question__order", "question__number"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "question"], name="unique_answer_per_summary_question"
            ),
        ]

    def __str__(self):
        return f"{self.summary} – Q{self.question.number}"


class ActionPlan(models.Model):
    """The Day 3 plan of one delegation: its actions and TA requests, draft until final."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    delegation = models.OneToOneField(
        Delegation, on_delete=models.CASCADE, related_name="plan", verbose_name=_("delegation")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked final by"),
    )
    finalised_at = models.DateTimeField(_("marked final at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        ordering = ["delegation"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self):
        return str(self.delegation)

    @property
    def is_final(self):
        return self.status == self.Status.FINAL


class PlanItemQuerySet(models.QuerySet):
    def live(self):
        """Items not removed: what the plan page, the PDFs and the exports show."""
        return self.filter(removed_at__isnull=True)


class PlanItem(VersionedUnit):
    """Fields shared by actions and TA requests.

    Removing an item keeps it (``removed_at``): it can be put back from the plan page
    until the plan is final, and a removed drafted item is not drafted again.
    """

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="+", verbose_name=_("delegation")
    )
    title = models.CharField(_("title"), max_length=300)
    intervention_area = models.ForeignKey(
        InterventionArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intervention area"),
    )
    estimated_cost = models.DecimalField(
        _("estimated cost"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD", blank=True)
    source_answer = models.ForeignKey(
        Answer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source answer"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=content_language_choices, blank=True
    )
    # Which part of a structured source answer the item was drafted from (a
    # milestone row, a chosen option): one drafted item per part, never two.
    source_key = models.CharField(_("drafted from"), max_length=60, blank=True, editable=False)
    prefilled = models.BooleanField(
        _("drafted from the summaries"),
        default=False,
        help_text=_("Created by 'draft from the summaries' and not edited since."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta(VersionedUnit.Meta):
        abstract = True
        ordering = ["delegation", "order", "pk"]


class ActionItem(PlanItem):
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="actions", verbose_name=_("delegation")
    )
    description = models.TextField(_("description"), blank=True)
    milestone = models.CharField(_("milestone"), max_length=300, blank=True)
    start_month = models.PositiveSmallIntegerField(
        _("start month"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(PLAN_HORIZON_MONTHS)],
    )
    end_month = models.PositiveSmallIntegerField(
        _("end month"),
        default=PLAN_HORIZON_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(PLAN_HORIZON_MONTHS)],
    )
    responsible = models.CharField(_("responsible"), max_length=300, blank=True)
    partners = models.CharField(_("partners"), max_length=500, blank=True)
    resources_needed = models.TextField(_("resources needed"), blank=True)
    history = _history()

    # What a delegation edits, in the order the plan page, the PDFs, the exports and
    # the admin show it; labels are the fields' verbose names. The one list to change
    # when an action gains a field.
    EDITABLE_FIELDS = (
        "title",
        "description",
        "intervention_area",
        "milestone",
        "start_month",
        "end_month",
        "responsible",
        "partners",
        "resources_needed",
        "estimated_cost",
        "currency",
    )
    # The long text a conflict merges (the others are compared whole).
    MERGEABLE_FIELD = "description"

    class Meta(PlanItem.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_month__gte=1)
                & models.Q(end_month__lte=PLAN_HORIZON_MONTHS)
                & models.Q(end_month__gte=models.F("start_month")),
                name="action_months_within_horizon",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.start_month and self.end_month and self.end_month < self.start_month:
            raise ValidationError(
                {"end_month": _("The end month cannot come before the start month.")},
                code="months",
            )


class TARequest(PlanItem):
    class Kind(models.TextChoices):
        EXPERTISE = "expertise", _("Expertise")
        TRAINING = "training", _("Training")
        TOOLS = "tools", _("Tools and systems")
        FINANCING = "financing", _("Financing advice")
        OTHER = "other", _("Other")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.CASCADE,
        related_name="ta_requests",
        verbose_name=_("delegation"),
    )
    need = models.TextField(_("need (what and why)"), blank=True)
    kind = models.CharField(
        _("kind of assistance"), max_length=20, choices=Kind, default=Kind.EXPERTISE
    )
    preferred_provider = models.CharField(_("preferred provider"), max_length=300, blank=True)
    timeframe_months = models.PositiveSmallIntegerField(
        _("timeframe (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(PLAN_HORIZON_MONTHS)],
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority, default=Priority.MEDIUM
    )
    action = models.ForeignKey(
        ActionItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ta_requests",
        verbose_name=_("linked action"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    history = _history()

    # See ``ActionItem.EDITABLE_FIELDS``.
    EDITABLE_FIELDS = (
        "title",
        "intervention_area",
        "need",
        "kind",
        "preferred_provider",
        "timeframe_months",
        "estimated_cost",
        "currency",
        "priority",
        "status",
        "action",
    )
    MERGEABLE_FIELD = "need"

    class Meta(PlanItem.Meta):
        verbose_name = _("TA request")
        verbose_name_plural = _("TA requests")

    def __str__(self):
        return self.title
