"""Workshop files: a whole workshop as one YAML or JSON document, exported and imported.

The document (format 1) holds, in this order::

    format: 1
    workshop: {slug, title, description, venue, start_date, end_date, time_zone,
               languages, default_language}
    intervention_areas: [{code, order, name, description}]
    financing_sources: [{code, order, name}]
    sessions: [{code, kind, day, time_box_minutes, status, deadline, order, title,
                guidance, instructions,
                questions: [{number, order, feeds, text, help_text, kind, multiple,
                             allow_other, option_note_label, financing_columns,
                             financing_unit, options: [{code, order, label, area}]}]}]
    delegations: [{slug, name, kind, country_code, language,
                   members: [{username, role}]}]

A translated field is a mapping of content language to text, non-empty languages
only: ``title: {en: ..., fr: ...}``. Dates are ISO 8601; a deadline without an
offset is read in the workshop's time zone and exported with the offset of that zone.

Importing is an upsert by natural key (workshop slug, session code, question
number, option code, area code, source code, delegation slug, username): it creates
and updates, never
deletes, and importing the same file twice changes nothing. Members that do not
exist become users with an unusable password; passwords are never in a file.
This is one of the two places (with the admin) that names per-language fields.
"""

from .export import workshop_export
from .importing import ImportResult, workshop_import
from .schema import FORMAT_VERSION, WorkshopFileError, workshop_file_validate
from .text import file_format_for, workshop_file_parse, workshop_file_render

__all__ = [
    "FORMAT_VERSION",
    "ImportResult",
    "WorkshopFileError",
    "file_format_for",
    "workshop_export",
    "workshop_file_parse",
    "workshop_file_render",
    "workshop_file_validate",
    "workshop_import",
]
