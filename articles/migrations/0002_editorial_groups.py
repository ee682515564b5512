"""The two desk roles. Reporters write their own drafts; editors do everything, including publishing."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEWSROOM_MODELS = [
    "article", "byline", "citation", "backgroundnote", "correction", "taggedarticle",
    "section", "author", "source", "sourcealias", "tag", "desknote",
]  # fmt: skip

REPORTER = [
    "add_article", "change_article", "view_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_citation", "change_citation", "delete_citation", "view_citation",
    "add_backgroundnote", "change_backgroundnote", "delete_backgroundnote", "view_backgroundnote",
    "add_taggedarticle", "change_taggedarticle", "delete_taggedarticle", "view_taggedarticle",
    "add_desknote", "view_desknote",
    "view_correction", "view_section", "view_author", "view_source", "view_sourcealias", "view_tag",
]  # fmt: skip

EDITOR = [f"{action}_{model}" for model in NEWSROOM_MODELS for action in ("add", "change", "delete", "view")] + [
    "publish_article"
]


def create_groups(apps, schema_editor):
    # Permissions are normally made after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_desk_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def grant_desk_roles(Group, Permission):
    """Create (or complete) both groups; tests call it too, after a flush emptied the tables."""
    for name, codenames in (("Reporter", REPORTER), ("Editor", EDITOR)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="articles", codename__in=codenames))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reporter", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
