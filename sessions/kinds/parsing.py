"""Parsing what a browser sent for a structured answer: cleaned at the door, checked,
refused field by field with a translated ``ValidationError``."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.text import clean_typed_line

from ..models import GuidanceQuestion
from .shapes import (
    CURRENCY,
    MAX_AMOUNT,
    MAX_MILESTONES,
    NOTE_MAX_LENGTH,
    PLAN_HORIZON_MONTHS,
    ROW_KEY,
    SEP,
    SHORT_MAX_LENGTH,
    Kind,
    from_fields,
    options,
    to_fields,
)

# --- parsing what a browser sent -------------------------------------------------------


def _text(value, name, limit):
    # Every text of an answer of these kinds is typed in a one-line box.
    value = clean_typed_line(value if isinstance(value, str) else "") or ""
    if len(value) > limit:
        raise ValidationError(
            {
                name: _("%(length)s characters: at most %(limit)s are allowed.")
                % {"length": len(value), "limit": limit}
            },
            code="too_long",
        )
    return value


def _number(value, name, *, unit):
    value = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if not value:
        return None
    text = value.replace("\u00a0", "").replace(" ", "").replace("\u202f", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({name: _("“%(value)s” is not a number.") % {"value": value}})
    if number < 0:
        raise ValidationError({name: _("Enter a number that is not negative.")}, code="negative")
    if unit == GuidanceQuestion.FinancingUnit.PERCENT and number > 100:
        raise ValidationError({name: _("A share is at most 100 %.")}, code="over_100")
    if number >= MAX_AMOUNT:
        raise ValidationError({name: _("This number is too large.")}, code="too_large")
    number = number.quantize(Decimal("0.01"))
    return int(number) if number == number.to_integral_value() else float(number)


def _month(value, name):
    value = (value if isinstance(value, str) else "" if value is None else str(value)).strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= PLAN_HORIZON_MONTHS:
        raise ValidationError(
            {name: _("Choose a month from 1 to %(months)s.") % {"months": PLAN_HORIZON_MONTHS}},
            code="month",
        )
    return int(value)


def _as_list(value):
    """A list field as posted: one value per control, or the values joined by commas
    in one (autosave's hidden list of ticked options); empty values left out. Codes
    and row keys never hold a comma."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]
    return [part for v in values for part in v.split(",") if part]


def field_names_posted(question, posted):
    """The flattened field names present in ``posted`` (a dict-like of what a form
    sent, list fields as lists): a save holds only what was sent."""
    return [name for name in posted if _is_field(question, name)]


def _is_field(question, name):
    if question.kind == Kind.CHOICE:
        return name in ("chosen", "other") or name.startswith("note" + SEP)
    if question.kind == Kind.FINANCING:
        return name == "currency" or name.partition(SEP)[0] in ("today", "target", "note")
    if question.kind == Kind.MILESTONES:
        return name == "rows" or name.partition(SEP)[0] in ("milestone", "month", "responsible")
    return False


def parse_fields(question, posted, *, current=None):
    """The flattened value of a save: ``posted`` maps field names to strings (list
    fields to lists of strings), as a form or a JSON save sends them; ``current``
    (the stored ``data``) supplies every field not sent, so a page showing fewer
    controls never erases what it did not show. Raises ``ValidationError`` (a dict
    by field name, translated) for anything that does not fit: nothing is cut or
    silently changed."""
    fields = to_fields(question, current or {})
    if question.kind == Kind.CHOICE:
        known = {option.code for option in options(question)}
        if "chosen" in posted:
            chosen = list(dict.fromkeys(_as_list(posted["chosen"])))
            stored = set(fields.get("chosen") or [])
            unknown = [code for code in chosen if code not in known and code not in stored]
            if unknown:
                raise ValidationError(
                    {"chosen": _("Unknown option: %(codes)s.") % {"codes": ", ".join(unknown)}},
                    code="unknown_option",
                )
            if not question.multiple and len(chosen) > 1:
                raise ValidationError({"chosen": _("Choose only one option.")}, code="one_option")
            order = {option.code: i for i, option in enumerate(options(question))}
            fields["chosen"] = sorted(chosen, key=lambda c: (order.get(c, len(order)), c))
        if "other" in posted:
            other = _text(posted["other"], "other", NOTE_MAX_LENGTH)
            if other and not question.allow_other and not fields.get("other"):
                raise ValidationError(
                    {"other": _("This question offers no “other” option.")}, code="no_other"
                )
            fields["other"] = other
        for name in posted:
            if name.startswith("note" + SEP):
                code = name.split(SEP, 1)[1]
                if name not in fields and code not in known:
                    raise ValidationError(
                        {name: _("Unknown option: %(codes)s.") % {"codes": code}},
                        code="unknown_option",
                    )
                fields[name] = _text(posted[name], name, NOTE_MAX_LENGTH)
        return fields
    if question.kind == Kind.FINANCING:
        for name in posted:
            prefix, _sep, code = name.partition(SEP)
            if name == "currency":
                currency = _text(posted[name], name, 3).strip().upper()
                if currency and not CURRENCY.match(currency):
                    raise ValidationError(
                        {name: _("Use a three-letter currency code, for example USD or XOF.")},
                        code="currency",
                    )
                fields[name] = currency
            elif prefix in ("today", "target", "note") and code:
                if name not in fields:
                    raise ValidationError(
                        {name: _("Unknown financing source: %(code)s.") % {"code": code}},
                        code="unknown_source",
                    )
                if prefix == "note":
                    fields[name] = _text(posted[name], name, NOTE_MAX_LENGTH)
                else:
                    fields[name] = _number(posted[name], name, unit=question.financing_unit)
        return fields
    if question.kind == Kind.MILESTONES:
        if "rows" in posted:
            keys = list(dict.fromkeys(_as_list(posted["rows"])))
            bad = [key for key in keys if not ROW_KEY.match(key)]
            if bad:
                raise ValidationError({"rows": _("Unknown row.")}, code="row_key")
            fields["rows"] = keys
        keys = set(fields.get("rows") or [])
        for name in posted:
            prefix, _sep, key = name.partition(SEP)
            if prefix not in ("milestone", "month", "responsible") or not key:
                continue
            if not ROW_KEY.match(key):
                raise ValidationError({name: _("Unknown row.")}, code="row_key")
            if key not in keys:
                if "rows" in posted:
                    continue  # a row not in the list of rows sent: not part of this save
                # A row typed into on a page that sends only the fields it changed.
                fields["rows"] = [*fields.get("rows", []), key]
                keys.add(key)
            if prefix == "month":
                fields[name] = _month(posted[name], name)
            else:
                fields[name] = _text(posted[name], name, SHORT_MAX_LENGTH)
        if len(fields.get("rows") or []) > MAX_MILESTONES:
            raise ValidationError(
                {"rows": _("At most %(count)s milestones.") % {"count": MAX_MILESTONES}},
                code="too_many_rows",
            )
        # Rows added by this save are blank until filled; blank new rows are dropped.
        for key in fields.get("rows") or []:
            fields.setdefault(f"milestone{SEP}{key}", "")
            fields.setdefault(f"month{SEP}{key}", None)
            fields.setdefault(f"responsible{SEP}{key}", "")
        data = from_fields(question, fields)
        return to_fields(question, data)
    return {}


def normalise(question, data):
    """``data`` checked and cleaned as a save would store it (for workshop files,
    the demo and tests): raises ``ValidationError`` like :func:`parse_fields`."""
    fields = to_fields(question, data)
    posted = {
        name: (value if isinstance(value, list) else "" if value is None else str(value))
        for name, value in fields.items()
    }
    return from_fields(question, parse_fields(question, posted))


def is_empty(question, data):
    # No list of sources needed: the rows ``data`` holds are all that can be filled.
    return not from_fields(question, to_fields(question, data or {}, sources=()))
