"""The format of a workshop file, derived from the models, and its validation by key path."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from common.text import clean_typed_text
from sessions.models import (
    FinancingSource,
    GuidanceQuestion,
    InterventionArea,
    QuestionOption,
    Session,
    Workshop,
)

from ..models import Delegation, Membership

FORMAT_VERSION = 1
# The format nests five levels (sessions[0].questions[0].text.en); anything much
# deeper is not a workshop file, and walking it would exhaust Python's stack.
MAX_DEPTH = 20
# Mappings, lists and texts in one file: far above any workshop, bounds the work.
MAX_VALUES = 200_000


class WorkshopFileError(Exception):
    """The file is refused; ``errors`` lists one message per problem, each naming
    the line (syntax) or the key path (content) it is about."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True)
class Key:
    kind: str  # text, int, bool, date, datetime, choice, translated, languages, list, ref
    required: bool = False
    default: object = None
    choices: tuple = ()
    spec: dict | None = None  # the entries of a list
    natural_key: str = ""  # of a list: the entry key that must be unique
    attr: str = ""  # where export reads the value when it is not the key itself
    # of a ref: the model whose ``code`` the text names, in the file or the database
    model: type | None = None


def _model_key(model, name, kind, *, required=False, **extra):
    model_field = model._meta.get_field(name)
    choices = tuple(value for value, _label in model_field.flatchoices) if kind == "choice" else ()
    default = None if required else model_field.get_default()
    return Key(kind, required=required, default=default, choices=choices, **extra)


def _translated(required=False):
    return Key("translated", required=required, default={})


WORKSHOP_SPEC = {
    "slug": _model_key(Workshop, "slug", "text", required=True),
    "title": _translated(required=True),
    "description": _translated(),
    "venue": _translated(),
    "start_date": _model_key(Workshop, "start_date", "date", required=True),
    "end_date": _model_key(Workshop, "end_date", "date", required=True),
    "time_zone": _model_key(Workshop, "time_zone", "text"),
    "languages": Key("languages", default=Workshop._meta.get_field("languages").get_default()),
    "default_language": _model_key(Workshop, "default_language", "choice"),
}
AREA_SPEC = {
    "code": _model_key(InterventionArea, "code", "text", required=True),
    "order": _model_key(InterventionArea, "order", "int"),
    "name": _translated(required=True),
    "description": _translated(),
}
FINANCING_SOURCE_SPEC = {
    "code": _model_key(FinancingSource, "code", "text", required=True),
    "order": _model_key(FinancingSource, "order", "int"),
    "name": _translated(required=True),
}
OPTION_SPEC = {
    "code": _model_key(QuestionOption, "code", "text", required=True),
    "order": _model_key(QuestionOption, "order", "int"),
    "label": _translated(required=True),
    # The intervention area (by code) an action drafted from this option goes in.
    "area": Key("ref", model=InterventionArea),
}
QUESTION_SPEC = {
    "number": _model_key(GuidanceQuestion, "number", "int", required=True),
    "order": _model_key(GuidanceQuestion, "order", "int"),
    "feeds": _model_key(GuidanceQuestion, "feeds", "choice"),
    "text": _translated(required=True),
    "help_text": _translated(),
    "kind": _model_key(GuidanceQuestion, "kind", "choice"),
    "multiple": _model_key(GuidanceQuestion, "multiple", "bool"),
    "allow_other": _model_key(GuidanceQuestion, "allow_other", "bool"),
    "option_note_label": _translated(),
    "financing_columns": _model_key(GuidanceQuestion, "financing_columns", "choice"),
    "financing_unit": _model_key(GuidanceQuestion, "financing_unit", "choice"),
    "options": Key("list", default=[], spec=OPTION_SPEC, natural_key="code"),
}
SESSION_SPEC = {
    "code": _model_key(Session, "code", "text", required=True),
    "kind": _model_key(Session, "kind", "choice"),
    "day": _model_key(Session, "day", "int"),
    "time_box_minutes": _model_key(Session, "time_box_minutes", "int"),
    "status": _model_key(Session, "status", "choice"),
    "deadline": _model_key(Session, "deadline", "datetime"),
    "order": _model_key(Session, "order", "int"),
    "title": _translated(required=True),
    "guidance": _translated(),
    "instructions": _translated(),
    "questions": Key("list", default=[], spec=QUESTION_SPEC, natural_key="number"),
}
MEMBER_SPEC = {
    "username": Key("text", required=True, attr="user.username"),
    "role": _model_key(Membership, "role", "choice"),
}
DELEGATION_SPEC = {
    "slug": _model_key(Delegation, "slug", "text", required=True),
    "name": _model_key(Delegation, "name", "text", required=True),
    "kind": _model_key(Delegation, "kind", "choice"),
    "country_code": _model_key(Delegation, "country_code", "text"),
    "language": _model_key(Delegation, "language", "choice"),
    "members": Key("list", default=[], spec=MEMBER_SPEC, natural_key="username"),
}
FILE_SPEC = {
    "format": Key("int", default=FORMAT_VERSION, choices=(FORMAT_VERSION,)),
    "workshop": Key("mapping", required=True, spec=WORKSHOP_SPEC),
    "intervention_areas": Key("list", default=[], spec=AREA_SPEC, natural_key="code"),
    "financing_sources": Key("list", default=[], spec=FINANCING_SOURCE_SPEC, natural_key="code"),
    "sessions": Key("list", default=[], spec=SESSION_SPEC, natural_key="code"),
    "delegations": Key("list", default=[], spec=DELEGATION_SPEC, natural_key="slug"),
}


def translated_languages():
    return tuple(settings.MODELTRANSLATION_LANGUAGES)


def key_path(parent, key):
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else str(key)


def _type_name(value):
    return {
        str: "text",
        int: "an integer",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _check_text(value, path, errors):
    if not isinstance(value, str):
        errors.append(f"{path}: expected text, got {_type_name(value)}")
        return None
    if "\x00" in value:
        # PostgreSQL refuses NUL characters; SQLite would store them.
        errors.append(f"{path}: contains a NUL character")
        return None
    return value


def _check_value(value, key, path, errors):
    """``value`` as the model wants it, or ``None`` after appending to ``errors``."""
    if key.kind == "mapping":
        return _check_mapping(value, key.spec, path, errors)
    if key.kind == "list":
        return _check_list(value, key, path, errors)
    if key.kind == "translated":
        return _check_translated(value, key, path, errors)
    if key.kind == "languages":
        return _check_languages(value, path, errors)
    if key.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(f"{path}: expected an integer, got {_type_name(value)}")
            return None
    elif key.kind == "bool":
        if not isinstance(value, bool):
            errors.append(f"{path}: expected true or false, got {_type_name(value)}")
            return None
    elif key.kind in ("text", "choice", "ref"):
        value = _check_text(value, path, errors)
    elif key.kind == "date":
        value = _check_date(value, path, errors)
    elif key.kind == "datetime":
        value = _check_datetime(value, path, errors)
    if value is not None and key.choices and value not in key.choices:
        allowed = ", ".join(str(choice) for choice in key.choices)
        errors.append(f"{path}: {value!r} is not one of {allowed}")
        return None
    return value


def _check_date(value, path, errors):
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    errors.append(f"{path}: expected a date such as 2026-11-23, got {value!r}")
    return None


def _check_datetime(value, path, errors):
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    elif isinstance(value, dt.datetime):
        return value
    errors.append(f"{path}: expected a date and time such as 2026-11-24T18:00:00+00:00")
    return None


def _check_translated(value, key, path, errors):
    if not isinstance(value, dict):
        errors.append(f"{path}: expected a mapping of language to text, got {_type_name(value)}")
        return None
    texts = {}
    for language, text in value.items():
        if language not in translated_languages():
            errors.append(_unknown_language(key_path(path, language), language))
        elif text is not None and _check_text(text, key_path(path, language), errors):
            if text.strip():  # only spaces, or only control characters before cleaning
                texts[language] = text
    if key.required and not texts and not any(e.startswith(f"{path}.") for e in errors):
        errors.append(f"{path}: required in at least one language")
    return texts


def _unknown_language(path, language):
    known = ", ".join(translated_languages())
    return f"{path}: unknown language {language!r} (use {known})"


def _check_languages(value, path, errors):
    if not isinstance(value, list) or not value:
        errors.append(f"{path}: expected a non-empty list of language codes")
        return None
    for index, language in enumerate(value):
        if language not in translated_languages():
            errors.append(_unknown_language(key_path(path, index), language))
    if len(set(map(str, value))) != len(value):
        errors.append(f"{path}: a language is listed twice")
    return ",".join(map(str, value))


def _check_list(value, key, path, errors):
    if not isinstance(value, list):
        errors.append(f"{path}: expected a list, got {_type_name(value)}")
        return None
    entries, seen = [], {}
    for index, item in enumerate(value):
        entry = _check_mapping(item, key.spec, key_path(path, index), errors)
        natural = entry and entry.get(key.natural_key)
        if natural is not None and natural in seen:
            errors.append(
                f"{key_path(key_path(path, index), key.natural_key)}: {natural!r} is already used "
                f"by {key_path(path, seen[natural])}"
            )
        elif natural is not None:
            seen[natural] = index
        entries.append(entry)
    return entries


def _check_mapping(value, spec, path, errors):
    if not isinstance(value, dict):
        errors.append(f"{path or 'the file'}: expected a mapping, got {_type_name(value)}")
        return None
    for name in value:
        if name not in spec:
            errors.append(f"{key_path(path, name)}: unknown key")
    entry = {}
    for name, key in spec.items():
        if value.get(name) is None:
            if key.required:
                errors.append(f"{key_path(path, name)}: required")
            entry[name] = key.default.copy() if hasattr(key.default, "copy") else key.default
        else:
            entry[name] = _check_value(value[name], key, key_path(path, name), errors)
    return entry


def _has_lone_surrogate(text):
    return any("\ud800" <= char <= "\udfff" for char in text)


def _clean_tree(data):
    """``data`` with every text through ``clean_typed_text``, after checking what any
    parser may hand over: at most ``MAX_DEPTH`` levels and ``MAX_VALUES`` values,
    text keys, texts that are valid Unicode (a lone surrogate cannot be stored).
    Iterative, so a deep structure cannot exhaust the stack. Raises
    ``WorkshopFileError`` naming the key path of the first problems found."""
    errors = []
    root = [None]
    # (container to fill, index or key in it, value, key path, depth)
    stack = [(root, 0, data, "", 0)]
    count = 0
    while stack and len(errors) < 20:
        parent, slot, value, path, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise WorkshopFileError([f"the file holds more than {MAX_VALUES} values"])
        if depth > MAX_DEPTH:
            raise WorkshopFileError([f"{path}: nested more than {MAX_DEPTH} levels deep"])
        if isinstance(value, str):
            if _has_lone_surrogate(value):
                errors.append(f"{path or 'the file'}: contains a character that is not valid text")
            parent[slot] = clean_typed_text(value)
        elif isinstance(value, dict):
            mapping = parent[slot] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    errors.append(f"{key_path(path, str(key))}: a key must be text")
                    continue
                if _has_lone_surrogate(key):
                    errors.append(f"{path or 'the file'}: a key is not valid text")
                    continue
                mapping[key] = None
                stack.append((mapping, key, item, key_path(path, key), depth + 1))
        elif isinstance(value, list):
            items = parent[slot] = [None] * len(value)
            for index, item in enumerate(value):
                stack.append((items, index, item, key_path(path, index), depth + 1))
        else:
            parent[slot] = value
    if errors:
        raise WorkshopFileError(sorted(errors))
    return root[0]


def _check_delegation_languages(content, errors):
    """Each delegation writes in one of its workshop's languages (its PDFs are made
    in that language, which must be one the workshop's texts exist in)."""
    languages = (content["workshop"].get("languages") or "").split(",")
    for index, delegation in enumerate(content["delegations"] or ()):
        language = delegation and delegation.get("language")
        if language and language not in languages:
            errors.append(
                f"delegations[{index}].language: {language!r} is not one of the workshop's "
                f"languages ({', '.join(languages)})"
            )


def _check_question_kinds(content, errors):
    """A choose-from-a-list question has options; no other kind has any."""
    for s_index, session in enumerate(content["sessions"] or ()):
        for q_index, question in enumerate((session or {}).get("questions") or ()):
            if not question:
                continue
            path = f"sessions[{s_index}].questions[{q_index}]"
            is_choice = question.get("kind") == GuidanceQuestion.Kind.CHOICE
            if is_choice and not question.get("options"):
                errors.append(f"{path}.options: a choose-from-a-list question needs options")
            elif not is_choice and question.get("options"):
                errors.append(
                    f"{path}.options: only a question of kind "
                    f"{GuidanceQuestion.Kind.CHOICE.value!r} has options"
                )


def _check_references(content, errors):
    """Each option's area is an intervention area of the file or of the database."""
    known = {area["code"] for area in content["intervention_areas"] or () if area}
    in_database = None  # read once, and only when an option names an area not in the file
    for s_index, session in enumerate(content["sessions"] or ()):
        for q_index, question in enumerate((session or {}).get("questions") or ()):
            for o_index, option in enumerate((question or {}).get("options") or ()):
                code = option and option.get("area")
                if not code or code in known:
                    continue
                if in_database is None:
                    in_database = set(InterventionArea.objects.values_list("code", flat=True))
                if code not in in_database:
                    errors.append(
                        f"sessions[{s_index}].questions[{q_index}].options[{o_index}].area: "
                        f"{code!r} is not an intervention area of the file or of the portal"
                    )


def workshop_file_validate(data):
    """The content of a parsed file with defaults filled in; ``WorkshopFileError``
    listing every problem by key path when it does not follow the format.

    Before anything else the whole structure is checked and its texts cleaned
    (:func:`_clean_tree`), whichever parser produced it."""
    if data is None:
        raise WorkshopFileError(["the file is empty"])
    data = _clean_tree(data)
    errors = []
    cleaned = _check_mapping(data, FILE_SPEC, "", errors)
    if not errors:
        _check_delegation_languages(cleaned, errors)
        _check_question_kinds(cleaned, errors)
        _check_references(cleaned, errors)
    if errors:
        raise WorkshopFileError(errors)
    return cleaned
