"""Earlier versions of what a delegation wrote, field by field, with what changed from
one version to the next: the history pages of answers and plan items read these."""

from dataclasses import dataclass

from django.utils.text import capfirst

from sessions.i18n import localized
from sessions.models import InterventionArea


@dataclass(frozen=True)
class Segment:
    """A piece of a text compared with the version before: ``kind`` is ``"same"``,
    ``"added"`` or ``"removed"``."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldVersion:
    name: str
    label: str
    value: str
    changed: bool
    segments: tuple = ()  # for a changed text: the diff with the version before


@dataclass(frozen=True)
class Version:
    record: object  # the history record (version, history_date, history_user)
    fields: tuple
    is_current: bool

    @property
    def changed(self):
        return [field.name for field in self.fields if field.changed]


def text_diff(before, after):
    """Word-level differences of two texts, as :class:`Segment`\\ s (diff-match-patch)."""
    from diff_match_patch import diff_match_patch

    engine = diff_match_patch()
    diffs = engine.diff_main(before or "", after or "")
    engine.diff_cleanupSemantic(diffs)
    kinds = {engine.DIFF_EQUAL: "same", engine.DIFF_INSERT: "added", engine.DIFF_DELETE: "removed"}
    return tuple(Segment(kinds[operation], text) for operation, text in diffs)


def _display_values(model, records, names, language, fallbacks):
    """Each record's fields as a person reads them (choice labels, area names)."""
    fields = {name: model._meta.get_field(name) for name in names}
    area_ids = {
        getattr(r, "intervention_area_id", None) for r in records if "intervention_area" in names
    }
    areas = {
        area.pk: localized(area, "name", language, fallbacks).text
        for area in InterventionArea.objects.filter(pk__in=area_ids - {None})
    }
    action_ids = {getattr(r, "action_id", None) for r in records if "action" in names}
    actions = (
        dict(
            model._meta.get_field("action")
            .related_model.objects.filter(pk__in=action_ids - {None})
            .values_list("pk", "title")
        )
        if "action" in names
        else {}
    )

    def display(record, name):
        field = fields[name]
        value = getattr(record, field.attname)
        if value in (None, ""):
            return ""
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if name == "intervention_area":
            return areas.get(value, "")
        if name == "action":
            return actions.get(value, "")
        return str(value)

    return [{name: display(record, name) for name in names} for record in records]


def versions(row, names, *, language, fallbacks=(), long_fields=()):
    """Every saved version of ``row`` (an answer or a plan item), newest first, with
    ``names`` labelled, formatted and compared with the version before."""
    model = type(row)
    records = list(row.history.select_related("history_user").order_by("history_id"))
    shown = _display_values(model, records, names, language, fallbacks)
    result, previous = [], None
    for record, values in zip(records, shown, strict=True):
        fields = []
        for name in names:
            label = str(capfirst(model._meta.get_field(name).verbose_name))
            changed = previous is not None and previous[name] != values[name]
            segments = (
                text_diff(previous[name], values[name]) if changed and (name in long_fields) else ()
            )
            fields.append(FieldVersion(name, label, values[name], changed, segments))
        result.append(
            Version(record=record, fields=tuple(fields), is_current=record.version == row.version)
        )
        previous = values
    return tuple(reversed(result))
