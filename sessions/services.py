"""Writes to workshop content: sessions, questions, workshops.

Functions here are called by the admin, the management commands and the tests;
each one validates its input and says what it guarantees.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from .models import GuidanceQuestion, QuestionOption, Session


@transaction.atomic
def session_set_status(*, sessions, status):
    """Set ``status`` (a ``Session.Status`` value) on every session of ``sessions``.

    For facilitators opening and closing sessions (admin actions). Sessions that
    already have ``status`` are left alone. Returns the sessions that changed, in
    their ordering. Raises ``ValueError`` for an unknown status and writes nothing.
    """
    if status not in Session.Status.values:
        raise ValueError(f"Unknown session status: {status!r}")
    changed = list(
        Session.objects.filter(pk__in=[session.pk for session in sessions]).exclude(status=status)
    )
    Session.objects.filter(pk__in=[session.pk for session in changed]).update(status=status)
    for session in changed:
        session.status = status
    return changed


def _copied_values(obj, *, exclude):
    """``obj``'s stored values by field name: every language of each translated field
    (``title_en``, ``title_fr``, ...), never the language-less proxy (``title``)."""
    translated = translator.get_options_for_model(type(obj)).get_field_names()
    values = {
        build_localized_fieldname(name, language): getattr(
            obj, build_localized_fieldname(name, language)
        )
        for name in translated
        for language in settings.MODELTRANSLATION_LANGUAGES
    }
    for field in type(obj)._meta.concrete_fields:
        if field.primary_key or field.name in exclude or field.name in translated:
            continue
        values.setdefault(field.attname, getattr(obj, field.attname))
    return values


@transaction.atomic
def session_duplicate(*, session, workshop, code=None):
    """Copy ``session`` and its questions (with their options), in every content
    language, into ``workshop``.

    For facilitators reusing a session in another workshop (admin action). The copy
    is a draft with no deadline (the source's deadline belongs to the source's dates)
    under ``code`` (default: the source's code). Raises ``ValidationError`` if
    ``workshop`` already has a session with that code, or the copy is invalid; then
    nothing is written. Returns the new session.
    """
    code = code or session.code
    if Session.objects.filter(workshop=workshop, code=code).exists():
        raise ValidationError(
            _("The workshop “%(workshop)s” already has a session %(code)s."),
            code="code_taken",
            params={"workshop": workshop, "code": code},
        )
    copy = Session(
        **_copied_values(session, exclude={"workshop", "code", "status", "deadline"}),
        workshop=workshop,
        code=code,
        status=Session.Status.DRAFT,
        deadline=None,
    )
    copy.full_clean()
    copy.save()
    for question in session.questions.all():
        question_copy = GuidanceQuestion(
            **_copied_values(question, exclude={"session"}), session=copy
        )
        question_copy.full_clean()
        question_copy.save()
        for option in question.options.all():
            QuestionOption.objects.create(
                **_copied_values(option, exclude={"question"}), question=question_copy
            )
    return copy


@transaction.atomic
def sessions_duplicate(*, sessions, workshop, code_suffix=""):
    """Copy each of ``sessions`` into ``workshop`` with :func:`session_duplicate`.

    A session whose code ``workshop`` already has is copied under its code followed
    by ``code_suffix`` ("V" → "V-2"). All or nothing: if one copy is refused (its code
    is taken and no suffix helps), ``ValidationError`` is raised and no session is
    copied. Returns the new sessions, in the order of ``sessions``.
    """
    taken = set(Session.objects.filter(workshop=workshop).values_list("code", flat=True))
    copies = []
    for session in sessions:
        code = session.code
        if code in taken and code_suffix:
            code = f"{code}{code_suffix}"
        copy = session_duplicate(session=session, workshop=workshop, code=code)
        taken.add(copy.code)
        copies.append(copy)
    return copies
