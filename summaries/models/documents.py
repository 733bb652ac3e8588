"""What is made from the delegations' work and kept so that any app server or worker
can serve it: rendered PDFs and the organisers' bundles (a ZIP in pieces, one part per
delegation). None of it is delegation work: deleting it loses nothing typed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from delegations.models import Delegation


class RenderedDocument(models.Model):
    """A delegation's PDF, cached by a fingerprint of everything that goes into it.

    Kept in the database, like all state, so any app server or worker can use it.
    """

    DELEGATION_WORK = False  # made again from the delegations' work: no work of theirs

    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", _("Action plan")
        TA_REQUESTS = "ta_requests", _("TA requests")
        SUMMARY = "summary", _("Summary")  # of one session: ``session`` is set

    class Status(models.TextChoices):
        READY = "ready", _("Ready")
        QUEUED = "queued", _("Waiting for a worker")
        RENDERING = "rendering", _("Being made")
        FAILED = "failed", _("Failed")

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("delegation")
    )
    kind = models.CharField(_("document"), max_length=20, choices=Kind)
    session = models.ForeignKey(
        "workshop_sessions.Session",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("session"),
    )
    language = models.CharField(_("language"), max_length=8)
    fingerprint = models.CharField(
        _("fingerprint"), max_length=64, help_text=_("Of what the stored PDF shows.")
    )
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    pdf = models.BinaryField(_("PDF"), default=b"")
    rendered_at = models.DateTimeField(_("rendered at"), auto_now=True)
    # A download asks for ``wanted``; one worker claims it (status, lease) and renders it.
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.READY)
    wanted = models.CharField(
        _("fingerprint asked for"), max_length=64, blank=True, help_text=_("Of what was asked for.")
    )
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=20, blank=True)
    renders = models.PositiveIntegerField(_("times rendered"), default=0)

    class Meta:
        ordering = ["delegation", "kind", "language"]
        verbose_name = _("rendered document")
        verbose_name_plural = _("rendered documents")
        constraints = [
            # One row per document: the plans per (delegation, kind, language), a
            # session's summary per (delegation, session, language).
            models.UniqueConstraint(
                fields=["delegation", "kind", "language"],
                condition=models.Q(session__isnull=True),
                name="unique_rendered_document",
            ),
            models.UniqueConstraint(
                fields=["delegation", "kind", "language", "session"],
                condition=models.Q(session__isnull=False),
                name="unique_rendered_session_document",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="summary", session__isnull=False)
                | (~models.Q(kind="summary") & models.Q(session__isnull=True)),
                name="rendered_summary_has_session",
            ),
        ]

    def __str__(self):
        return f"{self.delegation} – {self.get_kind_display()} ({self.language})"


class Bundle(models.Model):
    """One run of "every PDF of a workshop as a ZIP", done in the background."""

    DELEGATION_WORK = False  # made again from the delegations' work: no work of theirs

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    workshop = models.ForeignKey(
        "workshop_sessions.Workshop",
        on_delete=models.CASCADE,
        related_name="bundles",
        verbose_name=_("workshop"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("delegations"), default=0)
    done = models.PositiveIntegerField(_("delegations done"), default=0)
    rendered = models.PositiveIntegerField(_("documents rendered"), default=0)
    reused = models.PositiveIntegerField(_("documents reused from cache"), default=0)
    # The ZIP is stored in ``BundleChunk`` rows of at most ``CHUNK_SIZE`` bytes, so
    # neither the worker that writes it nor the server that sends it holds it whole.
    size = models.PositiveBigIntegerField(_("ZIP size (bytes)"), default=0)
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        blank=True,
        help_text=_("Of every document and spreadsheet in the ZIP: an unchanged bundle is reused."),
    )
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    # Bumped when a part finishes: a bundle is stalled or abandoned by how long ago
    # it last moved, not by how long ago it started.
    progress_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # An unchanged workshop's bundle points at the earlier bundle holding the same ZIP
    # instead of storing another copy; it goes with that bundle (pruning never deletes
    # one a kept bundle points at). PROTECT would refuse deleting both in one go.
    archive_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reused_by",
        verbose_name=_("same ZIP as"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PDF bundle")
        verbose_name_plural = _("PDF bundles")
        constraints = [
            # A second click while one runs does not start another.
            models.UniqueConstraint(
                fields=["workshop"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_running_bundle_per_workshop",
            ),
        ]

    def __str__(self):
        return f"{self.workshop} – {self.created_at:%Y-%m-%d %H:%M}"


class BundleChunk(models.Model):
    """One piece of a done bundle's ZIP, in order (``index`` from 0)."""

    DELEGATION_WORK = False  # made again from the delegations' work: no work of theirs

    CHUNK_SIZE = 1024 * 1024

    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="chunks", verbose_name=_("PDF bundle")
    )
    index = models.PositiveIntegerField(_("index"))
    data = models.BinaryField(_("data"))

    class Meta:
        ordering = ["bundle", "index"]
        verbose_name = _("ZIP piece")
        verbose_name_plural = _("ZIP pieces")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "index"], name="unique_bundle_chunk"),
        ]

    def __str__(self):
        return f"{self.bundle} – {self.index}"


class BundlePart(models.Model):
    """One delegation's share of a bundle, claimed by one worker at a time with a
    lease that the worker renews while it renders; an expired lease means the worker
    died and the part may be taken again."""

    DELEGATION_WORK = False  # made again from the delegations' work: no work of theirs

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Being made")
        DONE = "done", _("Done")

    bundle = models.ForeignKey(
        Bundle, on_delete=models.CASCADE, related_name="parts", verbose_name=_("PDF bundle")
    )
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="+", verbose_name=_("delegation")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    leased_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)

    class Meta:
        ordering = ["bundle", "delegation"]
        verbose_name = _("bundle part")
        verbose_name_plural = _("bundle parts")
        constraints = [
            models.UniqueConstraint(fields=["bundle", "delegation"], name="unique_bundle_part"),
        ]

    def __str__(self):
        return f"{self.bundle} – {self.delegation}"
