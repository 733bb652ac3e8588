"""A unit's values in a live document, the layout the page's script shares
(``static/portal/live/binding.js``): the unit ``u`` keeps its long texts (the fields
the server merges) as ``Y.Text`` ``t:<u>:<field>`` and its other fields in the
``Y.Map`` ``u:<u>``: a string, a boolean (a lone checkbox), or a list as one entry per
element (``<field>[]<element>``, its position as value), so that two laptops ticking
different options both keep theirs. The map ``meta`` holds each unit's version the
document was last written into (``v:<u>``)."""

from pycrdt import Map, Text

LIST = "[]"


def text_name(unit, field):
    return f"t:{unit}:{field}"


def map_name(unit):
    return f"u:{unit}"


def plain(value):
    """A form value as the page's controls hold it: a string, a boolean or a list."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    return "" if value is None else str(value)


def read_unit(doc, unit, fields, long_fields):
    """The values of ``unit``'s ``fields`` in ``doc``; ``None`` for a field the
    document does not hold yet."""
    entries = dict(doc.get(map_name(unit), type=Map))
    values = {}
    for field in fields:
        if field in long_fields:
            text = doc.get(text_name(unit, field), type=Text)
            values[field] = str(text) if f"has:{field}" in entries or str(text) else None
        elif field in entries:
            values[field] = entries[field]
        else:
            listed = sorted(
                (position, key[len(field) + len(LIST) :])
                for key, position in entries.items()
                if key.startswith(field + LIST)
            )
            values[field] = [item for _position, item in listed] if listed else None
            if values[field] is None and f"list:{field}" in entries:
                values[field] = []
    return values


def set_text(text, new):
    """Make ``text`` (a ``Y.Text``) read ``new`` with the least edit: what both share at
    the start and the end stays, so concurrent typing elsewhere in it survives."""
    old = str(text)
    if old == new:
        return
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    if len(old) - end > start:
        del text[start : len(old) - end]
    if len(new) - end > start:
        text.insert(start, new[start : len(new) - end])


def write_unit(doc, unit, values, long_fields):
    """Make ``doc`` hold ``values`` (by field name) for ``unit``, with the least edit;
    call inside a transaction."""
    entries = doc.get(map_name(unit), type=Map)
    for field, value in values.items():
        value = plain(value)
        if field in long_fields:
            set_text(doc.get(text_name(unit, field), type=Text), value)
            if f"has:{field}" not in entries:
                entries[f"has:{field}"] = True
        elif isinstance(value, list):
            held = {key for key in entries if key.startswith(field + LIST)}
            wanted = {field + LIST + item: position for position, item in enumerate(value)}
            for key in held - set(wanted):
                del entries[key]
            for key, position in wanted.items():
                if entries.get(key) != position:
                    entries[key] = position
            if f"list:{field}" not in entries:
                entries[f"list:{field}"] = True
        elif entries.get(field) != value:
            entries[field] = value


def synced_version(doc, unit):
    """The version of ``unit`` the document last matched, or ``None``."""
    version = dict(doc.get("meta", type=Map)).get(f"v:{unit}")
    return int(version) if version is not None else None


def mark_synced(doc, unit, version):
    meta = doc.get("meta", type=Map)
    if meta.get(f"v:{unit}") != version:
        meta[f"v:{unit}"] = version
