"""Reporters add and describe pictures; editors also delete them and manage the front page."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Reporter": [("images", "add_image"), ("images", "change_image"), ("images", "view_image")],
    "Editor": [("images", f"{action}_image") for action in ("add", "change", "delete", "view")]
    + [("frontpage", f"{action}_placement") for action in ("add", "change", "delete", "view")],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_desk_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_desk_roles(Group, Permission):
    """Give both groups their picture and front-page permissions; tests call it too, after a flush."""
    for name, perms in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("frontpage", "0001_initial"),
        ("articles", "0002_editorial_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
