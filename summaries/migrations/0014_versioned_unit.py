"""One abstract base for the versioned units: an answer's ``edited_at`` becomes
``updated_at`` and a summary's ``details_saved_by`` becomes ``edited_by``, as on plan
items; renamed, so no value is lost."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("summaries", "0013_summary_details_saved"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("answer", "edited_at", "updated_at"),
        migrations.RenameField("historicalanswer", "edited_at", "updated_at"),
        migrations.RenameField("summary", "details_saved_by", "edited_by"),
        migrations.RenameField("historicalsummary", "details_saved_by", "edited_by"),
        migrations.AlterField(
            model_name="answer",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="last saved"),
        ),
        migrations.AlterField(
            model_name="historicalanswer",
            name="updated_at",
            field=models.DateTimeField(blank=True, editable=False, verbose_name="last saved"),
        ),
        migrations.AlterField(
            model_name="historicalsummary",
            name="edited_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last edited by",
            ),
        ),
        migrations.AlterField(
            model_name="summary",
            name="edited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last edited by",
            ),
        ),
    ]
