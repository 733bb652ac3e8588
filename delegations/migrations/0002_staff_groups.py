"""The two staff groups, ``Facilitators`` and ``Organisers``, with their permissions.

Why the migration does the whole job (groups *and* permissions) itself:

- ``migrate`` alone must leave a working site: a facilitator added to the group in
  the admin can work at once, with no extra command to remember on each server.
- Django creates permissions in a ``post_migrate`` signal, i.e. after every
  migration has run; on a fresh database none exist yet here. So this migration
  first calls ``create_permissions`` for each app of the migration state (which
  also creates the content types), then attaches the permissions it needs.
- It uses the historical models only (``apps.get_model``) and a frozen copy of the
  permission table, never ``delegations.services``: a migration must keep working
  when that code changes later.

The living definition of the roles is ``delegations.services.staff_groups_ensure()``
(called by ``load_demo`` and safe to run on any deploy); when it changes, run it, or
add a migration that calls a frozen copy like this one. The table below is the one
``staff_groups_ensure()`` had when this migration was written.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = (
    ("workshop_sessions", "workshop"),
    ("workshop_sessions", "session"),
    ("workshop_sessions", "guidancequestion"),
    ("workshop_sessions", "interventionarea"),
    ("delegations", "delegation"),
    ("delegations", "membership"),
)
WORK_MODELS = (
    ("auth", "user"),
    ("summaries", "summary"),
    ("summaries", "answer"),
    ("summaries", "actionitem"),
    ("summaries", "tarequest"),
    ("summaries", "actionplan"),
)
GROUP_PERMISSIONS = {
    "Facilitators": {
        *(
            (app, f"{action}_{model}")
            for app, model in CONTENT_MODELS
            for action in ("add", "change", "delete", "view")
        ),
        *((app, f"view_{model}") for app, model in WORK_MODELS),
        ("auth", "add_user"),
        ("auth", "change_user"),
    },
    "Organisers": {(app, f"view_{model}") for app, model in CONTENT_MODELS + WORK_MODELS},
}


def create_staff_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_config in apps.get_app_configs():
        # Historical app configs have no models module; create_permissions skips
        # an app without one.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        permissions = [
            Permission.objects.using(using).get(content_type__app_label=app, codename=codename)
            for app, codename in sorted(codenames)
        ]
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("delegations", "0001_initial"),
        ("summaries", "0001_initial"),
        ("workshop_sessions", "0001_initial"),
    ]

    operations = [
        # Going back leaves the groups: they may predate this migration and have members.
        migrations.RunPython(create_staff_groups, migrations.RunPython.noop),
    ]
