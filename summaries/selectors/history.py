"""Earlier versions of what a delegation wrote, field by field, with what changed from
one version to the next: the history pages of answers, details and plan items read
these."""

from dataclasses import dataclass

from django.utils.text import capfirst

from common.text import split_segments
from sessions import kinds
from sessions.i18n import localized
from sessions.models import InterventionArea

from ..merge import merged_base


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
class MergeNote:
    """A version saved from a laptop that had an older one (``base``) and merged with
    what other laptops saved meanwhile (versions ``first`` to ``last``): its changes
    from the version before are what that laptop typed."""

    base: int
    first: int
    last: int


def merge_note(record):
    """The :class:`MergeNote` of a history record, or ``None`` for a plain save."""
    base = merged_base(getattr(record, "history_change_reason", None))
    if base is None or base >= record.version - 1:
        return None
    return MergeNote(base=base, first=base + 1, last=record.version - 1)


@dataclass(frozen=True)
class Version:
    record: object  # the history record (version, history_date, history_user)
    fields: tuple
    is_current: bool

    @property
    def changed(self):
        return [field.name for field in self.fields if field.changed]

    @property
    def merge(self):
        return merge_note(self.record)


def text_diff(before, after, language=""):
    """Word-level differences of two texts, as :class:`Segment`\\ s: diff-match-patch
    run on ICU's word segments (``common.text.split_segments``: Thai words too), so
    that a changed word shows whole, never as a few changed letters."""
    from diff_match_patch import diff_match_patch

    before, after = before or "", after or ""
    codes, tokens = {}, []

    def encode(text):
        encoded = []
        for token in split_segments(text, language):
            if token not in codes:
                codes[token] = chr(0xF0000 + len(tokens))  # a private-use plane
                tokens.append(token)
            encoded.append(codes[token])
        return "".join(encoded)

    engine = diff_match_patch()
    diffs = engine.diff_main(encode(before), encode(after), False)
    engine.diff_cleanupSemantic(diffs)
    kinds_ = {
        engine.DIFF_EQUAL: "same", engine.DIFF_INSERT: "added", engine.DIFF_DELETE: "removed"
    }  # fmt: skip
    return tuple(
        Segment(kinds_[operation], "".join(tokens[ord(code) - 0xF0000] for code in chunk))
        for operation, chunk in diffs
    )


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
    """Every saved version of ``row`` (an answer, a summary's details, a plan item),
    newest first, with ``names`` labelled, formatted and compared with the version
    before. One entry per version: a record that made no new version (a summary's
    status or countdown) is left out, so the first record of each version stands."""
    model = type(row)
    records, seen = [], set()
    for record in row.history.select_related("history_user").order_by("history_id"):
        if record.version not in seen:
            seen.add(record.version)
            records.append(record)
    shown = _display_values(model, records, names, language, fallbacks)
    result, previous = [], None
    for record, values in zip(records, shown, strict=True):
        fields = []
        for name in names:
            label = str(capfirst(model._meta.get_field(name).verbose_name))
            changed = previous is not None and previous[name] != values[name]
            segments = (
                text_diff(previous[name], values[name], getattr(record, "language", ""))
                if changed and (name in long_fields)
                else ()
            )
            fields.append(FieldVersion(name, label, values[name], changed, segments))
        result.append(
            Version(record=record, fields=tuple(fields), is_current=record.version == row.version)
        )
        previous = values
    return tuple(reversed(result))


@dataclass(frozen=True)
class AnswerVersion:
    """One saved version of an answer: its ``record``, the answer as it reads
    (``text``; a structured answer's rows as text) and, compared with the version
    before, its ``segments`` (empty for the first version or an unchanged text)."""

    record: object
    text: str
    segments: tuple
    merge: object  # a MergeNote, or None


def answer_versions(answer):
    """Every saved version of ``answer``, newest first, each compared with the one
    before (word by word) and saying whether it was merged from another laptop."""
    question = answer.question
    structured = kinds.is_structured(question)
    records = list(answer.history.select_related("history_user").order_by("version", "history_id"))
    result, previous = [], None
    for record in records:
        # A structured answer reads as its rows (chosen options, shares, milestones).
        text = kinds.as_text(question, record.data) if structured else record.text
        changed = previous is not None and previous != text
        segments = text_diff(previous, text, record.language) if changed else ()
        result.append(AnswerVersion(record, text, segments, merge_note(record)))
        previous = text
    return tuple(reversed(result))
