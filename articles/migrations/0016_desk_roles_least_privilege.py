"""Least privilege for the desk roles.

Corrections are a public record: once saved, nobody changes or deletes one (an editor retracts it, which
leaves a public note), so no role keeps ``change_correction`` or ``delete_correction``. Restoring,
recovering and merging are decided in articles.permissions, not by these model permissions.
"""

import importlib

from django.db import migrations

_roles = importlib.import_module("articles.migrations.0002_editorial_groups")

NEVER = ["change_correction", "delete_correction"]
REPORTER = _roles.REPORTER
EDITOR = [codename for codename in _roles.EDITOR if codename not in NEVER]


def grant_desk_roles(Group, Permission):
    """Create (or bring up to date) both groups; tests call it too, after a flush emptied the tables.

    Only the permissions named in NEVER are taken away, so grants made by other migrations stay.
    """
    for name, codenames in (("Reporter", REPORTER), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="articles", codename__in=NEVER))


def update_groups(apps, schema_editor):
    grant_desk_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def restore_groups(apps, schema_editor):
    _roles.grant_desk_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_correction_retraction")]

    operations = [migrations.RunPython(update_groups, restore_groups)]
