"""Facilitators can't destroy delegation work by accident in the admin.

Deleting a workshop, a session, a question or a delegation cascades to what
delegations wrote (summaries, answers, plan items). Django's delete page already
refuses when the user may not delete those rows and, for a superuser, lists exactly
what would go before asking to confirm. Inline deletes (ticking "Delete" on a line of
the workshop's sessions or the session's questions) skip both checks; this formset
closes that hole: an inline line whose deletion would take delegation work with it is
refused with a message that says what it holds and where it can be deleted instead.
Django's check also misses rows of models the admin does not register (answers): the
delete page and the bulk "delete selected" action of every admin that can reach
delegation work (:class:`KeepDelegationWorkAdmin`) refuse anyone but a superuser, naming
what would go and how many.

"Delegation work" is any row the deletion would cascade to outside the app that owns
the deleted object and the admin's own bookkeeping, but for models that say they are
none (``DELEGATION_WORK = False``: cached PDFs and bundles, made again from the work):
found with the admin's own collector, so this module needs to know nothing about the
apps above it.
"""

from django.contrib.admin.utils import NestedObjects
from django.core.exceptions import ValidationError
from django.db import router
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .kinds import uses_option, uses_source
from .models import GuidanceQuestion

# What a deletion may take along without anyone having written it.
BOOKKEEPING_APPS = {"admin", "contenttypes"}


def _work_models(objs):
    """``{model: count}`` of the rows outside the deleted objects' own app that deleting
    ``objs`` would delete (history rows excluded: they go with their rows)."""
    objs = list(objs)
    if not objs:
        return {}
    collector = NestedObjects(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    own_app = objs[0]._meta.app_label
    counts = {}
    for model, instances in collector.data.items():
        meta = model._meta
        history = meta.model_name.startswith("historical")
        bookkeeping = meta.app_label in BOOKKEEPING_APPS | {own_app} or history
        if bookkeeping or not getattr(model, "DELEGATION_WORK", True) or not instances:
            continue
        counts[model] = counts.get(model, 0) + len(instances)
    return counts


def delegation_work(obj):
    """``{verbose name plural: count}`` of the delegation work deleting ``obj`` would delete."""
    return {
        str(capfirst(model._meta.verbose_name_plural)): count
        for model, count in _work_models([obj]).items()
    }


class KeepDelegationWorkAdmin:
    """ModelAdmin mixin: its delete page and its "delete selected" action refuse anyone
    but a superuser when the deletion would take delegation work with it; the page says
    which rows and how many (a superuser sees Django's full list and confirms)."""

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        work = {} if request.user.is_superuser else _work_models(objs)
        if work:
            names = {str(model._meta.verbose_name) for model in work}
            perms_needed = {name for name in perms_needed if str(name) not in names} | {
                f"{capfirst(model._meta.verbose_name_plural)} ({count})"
                for model, count in work.items()
            }
        return deleted, model_count, perms_needed, protected


class KeepDelegationWorkFormSet(BaseInlineFormSet):
    """Inline formset that refuses to delete a line holding delegation work."""

    def clean(self):
        super().clean()
        errors = []
        for form in self.deleted_forms:
            instance = form.instance
            if instance.pk is None:
                continue
            work = delegation_work(instance)
            if work:
                errors.append(
                    _(
                        "“%(object)s” was not deleted: delegations have written %(work)s for it. "
                        "To delete it with all of that, a superuser opens it and uses "
                        "Delete, which lists everything that would be deleted first."
                    )
                    % {
                        "object": instance,
                        "work": ", ".join(f"{count} × {label}" for label, count in work.items()),
                    }
                )
        if errors:
            raise ValidationError(errors, code="delegation_work")


def _answers_data(questions):
    # Through the reverse relation of the app above: this module imports none of it.
    return [
        data
        for question in questions
        for data in question.answers.exclude(data={}).values_list("data", flat=True)
    ]


def option_in_use(option):
    """How many answers chose ``option`` (or wrote a note on it)."""
    return sum(uses_option(data, option.code) for data in _answers_data([option.question]))


def source_in_use(source):
    """How many financing answers hold a row for ``source``."""
    questions = GuidanceQuestion.objects.filter(kind=GuidanceQuestion.Kind.FINANCING)
    return sum(uses_source(data, source.code) for data in _answers_data(questions))


def _in_use_message(obj, count):
    return _(
        "“%(object)s” was not deleted and its code was not changed: delegations' answers "
        "hold it (answers: %(count)s). Change its label instead."
    ) % {"object": obj, "count": count}


def options_missing_message():
    return _(
        "A “choose from a list” question needs at least one option: delegations would "
        "have nothing to choose. Write its options in the table below, or choose another "
        "kind of answer."
    )


class KeepChosenOptionsFormSet(BaseInlineFormSet):
    """Options inline: an option that delegations chose cannot be deleted or get
    another code (their answers name it by its code); a choose-from-a-list question
    keeps at least one option."""

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms
            and (form.instance.pk is not None or form.has_changed())
        ]
        if self.instance.kind == GuidanceQuestion.Kind.CHOICE and not kept:
            raise ValidationError(options_missing_message(), code="no_options")
        errors = []
        for form in self.forms:
            instance = form.instance
            if instance.pk is None or not (
                form in self.deleted_forms or "code" in form.changed_data
            ):
                continue
            original = type(instance).objects.get(pk=instance.pk)
            count = option_in_use(original)
            if count:
                errors.append(_in_use_message(original, count))
        if errors:
            raise ValidationError(errors, code="delegation_work")
