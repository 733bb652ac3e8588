"""Reading a workshop file into the database: validate everything, then upsert."""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from common.text import clean_typed_line
from sessions.models import (
    FinancingSource,
    GuidanceQuestion,
    InterventionArea,
    QuestionOption,
    Session,
    Workshop,
)

from ..models import Delegation, Membership
from .export import workshop_zone
from .schema import (
    AREA_SPEC,
    DELEGATION_SPEC,
    FINANCING_SOURCE_SPEC,
    MEMBER_SPEC,
    OPTION_SPEC,
    QUESTION_SPEC,
    SESSION_SPEC,
    WORKSHOP_SPEC,
    WorkshopFileError,
    key_path,
    translated_languages,
    workshop_file_validate,
)


@dataclass
class ImportResult:
    workshop: Workshop
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)


class _Plan:
    """Instances to save, in order, each validated with ``full_clean()`` first."""

    def __init__(self):
        self.errors = []
        self.steps = []  # (kind, instance, state) with state created/updated/unchanged

    def add(self, kind, instance, path, *, spec=None, values=None, exclude=(), related=None):
        """Assign ``values`` (per ``spec``) and ``related`` (objects by field name)
        to ``instance`` and validate it."""
        before = _snapshot(instance) if instance.pk else None
        if spec:
            _assign(instance, spec, values)
        for name, obj in (related or {}).items():
            setattr(instance, name, obj)
        translated = _translated_fields(type(instance))
        try:
            # Translated fields are checked per language; the base field only
            # mirrors the active language, which may legitimately be empty.
            instance.full_clean(exclude=[*exclude, *translated])
        except ValidationError as exc:
            self.errors.extend(_error_lines(exc, path, type(instance)))
        if before is None:
            state = "created"
        else:
            state = "unchanged" if _snapshot(instance) == before else "updated"
        self.steps.append((kind, instance, state))
        return instance


def _snapshot(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _assign(instance, spec, values):
    for name, key in spec.items():
        if key.kind == "translated":
            for language in translated_languages():
                text = _one_line(instance, name, values[name].get(language)) or None
                setattr(instance, build_localized_fieldname(name, language), text)
        elif key.kind not in ("list", "mapping", "ref") and not key.attr:
            setattr(instance, name, _one_line(instance, name, values[name]))


def _one_line(instance, name, value):
    """``value`` (cleaned by the schema) for a one-line field as the admin's box would
    store it: line breaks as spaces, no surrounding spaces."""
    model_field = instance._meta.get_field(name)
    one_line = isinstance(model_field, models.CharField) and not model_field.choices
    if isinstance(value, str) and one_line:
        return clean_typed_line(value).strip()
    return value


def _translated_fields(model):
    if model not in translator.get_registered_models():
        return ()
    return translator.get_options_for_model(model).fields


def _error_lines(exc, path, model):
    names = {}
    for name in _translated_fields(model):
        for language in translated_languages():
            names[build_localized_fieldname(name, language)] = f"{name}.{language}"
    lines = []
    for name, messages in exc.message_dict.items():
        where = path if name == NON_FIELD_ERRORS else key_path(path, names.get(name, name))
        lines.extend(f"{where}: {message}" for message in messages)
    return lines


def _aware(value, zone):
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, zone)


@transaction.atomic
def workshop_import(*, data):
    """Create or update the workshop in ``data`` (parsed file content).

    Everything is validated (format, then ``full_clean()`` of every row) before
    anything is saved; on any problem ``WorkshopFileError`` lists them all by key
    path and the database is left as it was. Never deletes and never sets a password.
    """
    content = workshop_file_validate(data)
    values = content["workshop"]
    plan = _Plan()
    for index, area in enumerate(content["intervention_areas"]):
        instance = InterventionArea.objects.filter(code=area["code"]).first()
        instance = instance or InterventionArea(code=area["code"])
        plan.add(
            "intervention areas",
            instance,
            f"intervention_areas[{index}]",
            spec=AREA_SPEC,
            values=area,
        )
    areas = {area.code: area for area in InterventionArea.objects.all()}
    areas |= {
        instance.code: instance
        for kind, instance, _state in plan.steps
        if kind == "intervention areas"
    }
    for index, entry in enumerate(content["financing_sources"]):
        instance = FinancingSource.objects.filter(code=entry["code"]).first()
        plan.add(
            "financing sources",
            instance or FinancingSource(code=entry["code"]),
            f"financing_sources[{index}]",
            spec=FINANCING_SOURCE_SPEC,
            values=entry,
        )
    workshop = Workshop.objects.filter(slug=values["slug"]).first() or Workshop()
    plan.add("workshops", workshop, "workshop", spec=WORKSHOP_SPEC, values=values)
    zone = workshop_zone(workshop.time_zone)
    new_workshop = ["workshop"] if workshop.pk is None else []
    for index, entry in enumerate(content["sessions"]):
        path = f"sessions[{index}]"
        session = workshop.pk and workshop.sessions.filter(code=entry["code"]).first()
        session = session or Session(workshop=workshop)
        entry = {**entry, "deadline": _aware(entry["deadline"], zone)}
        plan.add("sessions", session, path, spec=SESSION_SPEC, values=entry, exclude=new_workshop)
        for number, question in enumerate(entry["questions"]):
            existing = session.pk and session.questions.filter(number=question["number"]).first()
            question_path = f"{path}.questions[{number}]"
            instance = plan.add(
                "questions",
                existing or GuidanceQuestion(session=session),
                question_path,
                spec=QUESTION_SPEC,
                values=question,
                exclude=[] if session.pk else ["session"],
            )
            for o_index, option in enumerate(question["options"]):
                known = instance.pk and instance.options.filter(code=option["code"]).first()
                known = known or QuestionOption(question=instance)
                plan.add(
                    "options",
                    known,
                    f"{question_path}.options[{o_index}]",
                    spec=OPTION_SPEC,
                    values=option,
                    related={"area": areas.get(option["area"]) if option["area"] else None},
                    exclude=["question", "area"] if not instance.pk else ["area"],
                )
    users = {}
    for index, entry in enumerate(content["delegations"]):
        path = f"delegations[{index}]"
        delegation = workshop.pk and workshop.delegations.filter(slug=entry["slug"]).first()
        delegation = delegation or Delegation(workshop=workshop)
        plan.add(
            "delegations",
            delegation,
            path,
            spec=DELEGATION_SPEC,
            values=entry,
            exclude=new_workshop,
        )
        for number, member in enumerate(entry["members"]):
            member_path = f"{path}.members[{number}]"
            user = users.get(member["username"]) or _user_for(plan, member["username"], member_path)
            users[member["username"]] = user
            membership = None
            if user.pk and delegation.pk:
                membership = Membership.objects.filter(user=user, delegation=delegation).first()
            membership = membership or Membership(user=user, delegation=delegation)
            unsaved = [
                name for name, obj in (("user", user), ("delegation", delegation)) if not obj.pk
            ]
            plan.add(
                "memberships",
                membership,
                member_path,
                spec=MEMBER_SPEC,
                values=member,
                exclude=unsaved,
            )
    if workshop.pk:
        # The file may drop a language some delegation that it does not list writes in.
        listed = [entry["slug"] for entry in content["delegations"]]
        for delegation in workshop.delegations.exclude(slug__in=listed).order_by("slug"):
            if delegation.language not in workshop.language_codes:
                plan.errors.append(
                    f"workshop.languages: delegation {delegation.slug!r} writes in "
                    f"{delegation.language!r}, which would no longer be a language of the workshop"
                )
    if plan.errors:
        raise WorkshopFileError(plan.errors)
    result = ImportResult(workshop=workshop)
    # The base column of a translated field takes the active language's text: save
    # under one language so that column does not depend on who runs the import.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        for kind, instance, state in plan.steps:
            if state != "unchanged":
                # save() links a child to its parent saved just before it.
                instance.save()
            getattr(result, state)[kind] += 1
    return result


def _user_for(plan, username, path):
    """The member's account, created if new. A staff or superuser account is refused,
    as card printing refuses it (``services.card_eligible``): a file must not make a
    facilitator a delegation member, nor its cards reset their password."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is not None and (user.is_staff or user.is_superuser):
        plan.errors.append(
            key_path(path, "username")
            + ": "
            + gettext(
                "“%(username)s” is a staff account (facilitator, organiser or administrator); "
                "a staff account cannot be a member of a delegation"
            )
            % {"username": username}
        )
    elif user is None:
        user = user_model(username=username)
        user.set_unusable_password()
        plan.add("users", user, path)
    return user
