"""Session codes travel in URLs: only letters, digits, "-", "_" and ".", starting with
a letter or a digit (``sessions.models.validate_session_code``).

A code saved before this rule (say ``V/2`` or ``Day 3``) would make every page that
links to its session fail, so such codes are rewritten: each character that is not
allowed becomes ``-``, a leading ``.``, ``-`` or ``_`` is dropped, and a number is
added when the result is already taken in the workshop.
"""

import re

import django.core.validators
from django.db import migrations, models

ALLOWED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_LENGTH = 20


def _safe_code(code):
    code = re.sub(r"[^A-Za-z0-9._-]", "-", code).lstrip(".-_")
    return code[:MAX_LENGTH] or "session"


def rewrite_codes(apps, schema_editor):
    Session = apps.get_model("workshop_sessions", "Session")
    using = schema_editor.connection.alias
    for session in Session.objects.using(using).order_by("pk"):
        if ALLOWED.match(session.code):
            continue
        taken = set(
            Session.objects.using(using)
            .filter(workshop_id=session.workshop_id)
            .exclude(pk=session.pk)
            .values_list("code", flat=True)
        )
        base = _safe_code(session.code)
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            suffix = f"-{number}"
            candidate = base[: MAX_LENGTH - len(suffix)] + suffix
        session.code = candidate
        session.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("workshop_sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(rewrite_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="session",
            name="code",
            field=models.CharField(
                help_text='For example "V".',
                max_length=20,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                        "Use only letters (A-Z, a-z), digits, hyphens, underscores and dots, "
                        "starting with a letter or a digit.",
                        code="invalid_session_code",
                    )
                ],
                verbose_name="code",
            ),
        ),
    ]
