"""The live documents of the pages several laptops edit at once (``summaries.live``): a
Yjs document per page, kept as a snapshot and the updates received since, so that a
server killed while laptops type loses nothing it acknowledged. The versioned rows stay
the one source of truth: a live document is written into them (``live.sync``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from delegations.models import Delegation


class LiveDocument(models.Model):
    """One page's shared document: a session's summary of one delegation, or its plan."""

    DELEGATION_WORK = False  # its text is written into the versioned rows, which are

    key = models.CharField(_("key"), max_length=100, unique=True)
    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="+", verbose_name=_("delegation")
    )
    # The document up to ``snapshot_seq`` (the last update compacted into it).
    snapshot = models.BinaryField(_("snapshot"), default=b"")
    snapshot_seq = models.BigIntegerField(_("compacted up to"), default=0)
    # Who typed since each unit's last version (writer names, from the laptops).
    authors = models.JSONField(_("writers since the last version"), default=dict, blank=True)
    # An update received since the last checkpoint into the versioned rows.
    dirty = models.BooleanField(_("changed since the last version"), default=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("live document")
        verbose_name_plural = _("live documents")

    def __str__(self):
        return self.key


class LiveUpdate(models.Model):
    """One Yjs update of a live document, in the order received (``pk``)."""

    DELEGATION_WORK = False

    document = models.ForeignKey(
        LiveDocument, on_delete=models.CASCADE, related_name="updates", verbose_name=_("document")
    )
    data = models.BinaryField(_("update"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["document", "pk"]
        verbose_name = _("live update")
        verbose_name_plural = _("live updates")

    def __str__(self):
        return f"{self.document} #{self.pk}"
