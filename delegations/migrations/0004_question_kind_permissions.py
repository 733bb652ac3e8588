"""The staff groups' permissions on the models of question kinds (options of a list,
financing sources): facilitators edit them, organisers view them. A frozen copy, as
in 0002_staff_groups (see its docstring for why the migration creates permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = (("workshop_sessions", "questionoption"), ("workshop_sessions", "financingsource"))
GROUP_ACTIONS = {
    "Facilitators": ("add", "change", "delete", "view"),
    "Organisers": ("view",),
}


def add_permissions(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("workshop_sessions")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GROUP_ACTIONS.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *(
                Permission.objects.using(using).get(
                    content_type__app_label=app, codename=f"{action}_{model}"
                )
                for app, model in MODELS
                for action in actions
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0003_interface_language"),
        ("workshop_sessions", "0004_financing_sources"),
    ]

    operations = [
        migrations.RunPython(add_permissions, migrations.RunPython.noop),
    ]
