"""Writing a workshop out as the plain data of a workshop file."""

import datetime as dt
import zoneinfo
from operator import attrgetter

from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from sessions.models import FinancingSource, InterventionArea

from .schema import (
    AREA_SPEC,
    DELEGATION_SPEC,
    FINANCING_SOURCE_SPEC,
    FORMAT_VERSION,
    MEMBER_SPEC,
    OPTION_SPEC,
    QUESTION_SPEC,
    SESSION_SPEC,
    WORKSHOP_SPEC,
    translated_languages,
)


def _export_entry(obj, spec, time_zone):
    entry = {}
    for name, key in spec.items():
        if key.kind == "list":
            entry[name] = []  # filled by the caller, keeping the key order
            continue
        if key.kind == "translated":
            entry[name] = {}
            for language in translated_languages():
                text = getattr(obj, build_localized_fieldname(name, language))
                if text:
                    entry[name][language] = text
            continue
        if key.kind == "ref":
            related = getattr(obj, name)
            entry[name] = related.code if related is not None else None
            continue
        value = attrgetter(key.attr or name)(obj)
        if key.kind == "date":
            value = value.isoformat()
        elif key.kind == "datetime" and value is not None:
            value = timezone.localtime(value, time_zone).isoformat()
        elif key.kind == "languages":
            value = [code.strip() for code in value.split(",") if code.strip()]
        entry[name] = value
    return entry


def workshop_zone(name):
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def workshop_export(*, workshop):
    """The whole workshop as plain data for :func:`workshop_file_render`.

    Lists are sorted (sessions, areas and sources by order, questions by order and
    number, options by order and code, delegations by slug, members by username) so
    the same database always gives the same file. Every intervention area and
    financing source is included: they are shared.
    """
    zone = workshop_zone(workshop.time_zone)
    areas = InterventionArea.objects.order_by("order", "code")
    sources = FinancingSource.objects.order_by("order", "code")
    sessions = workshop.sessions.order_by("order", "day", "code").prefetch_related(
        "questions__options__area"
    )
    delegations = workshop.delegations.order_by("slug").prefetch_related("memberships__user")
    exported_sessions = []
    for session in sessions:
        entry = _export_entry(session, SESSION_SPEC, zone)
        questions = sorted(session.questions.all(), key=attrgetter("order", "number"))
        entry["questions"] = []
        for question in questions:
            exported = _export_entry(question, QUESTION_SPEC, zone)
            options = sorted(question.options.all(), key=attrgetter("order", "code"))
            exported["options"] = [_export_entry(o, OPTION_SPEC, zone) for o in options]
            entry["questions"].append(exported)
        exported_sessions.append(entry)
    exported_delegations = []
    for delegation in delegations:
        entry = _export_entry(delegation, DELEGATION_SPEC, zone)
        members = sorted(delegation.memberships.all(), key=attrgetter("user.username"))
        entry["members"] = [_export_entry(m, MEMBER_SPEC, zone) for m in members]
        exported_delegations.append(entry)
    return {
        "format": FORMAT_VERSION,
        "workshop": _export_entry(workshop, WORKSHOP_SPEC, zone),
        "intervention_areas": [_export_entry(area, AREA_SPEC, zone) for area in areas],
        "financing_sources": [
            _export_entry(source, FINANCING_SOURCE_SPEC, zone) for source in sources
        ],
        "sessions": exported_sessions,
        "delegations": exported_delegations,
    }
