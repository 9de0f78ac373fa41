"""The moved models' content types follow them: (reviews, transaction) becomes (transactions,
transaction), and so on for finding, device, processingoption and intakesettings.

Renaming the rows keeps their ids, so everything that points at them stays attached: the
permissions (now ``transactions.review_transaction`` …), every group's and user's grants of them,
and the audit rows about those objects. Without it ``migrate``'s post_migrate step would create new
content types and permissions beside the old ones, and the old grants and audit rows would stay
on rows no model has.

A database on which the new rows exist already (a ``migrate transactions 0001`` followed by its
post_migrate step) keeps the old rows' ids all the same: what points at a new row is moved to the
old one (a grant of a new permission to the old permission of the same name), then the new row
is deleted and the old one renamed. Reversible the same way.
"""

from django.db import migrations, router, transaction

# model -> the app it came from
MOVED = {
    "transaction": "reviews",
    "finding": "reviews",
    "device": "intake",
    "processingoption": "intake",
    "intakesettings": "intake",
}
CORE = "transactions"


def _is(model, label: str) -> bool:
    return model is not None and model._meta.label_lower == label


def _fold_permission(apps, db, stale, kept) -> None:
    """Give the holders of permission ``stale`` permission ``kept`` instead, then delete ``stale``."""
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            if not _is(field.related_model, "auth.permission"):
                continue
            through = field.remote_field.through
            owner, target = f"{field.m2m_field_name()}_id", field.m2m_reverse_field_name()
            holders = list(through.objects.using(db).filter(**{target: kept}).values_list(owner, flat=True))
            through.objects.using(db).filter(**{target: stale}).exclude(**{f"{owner}__in": holders}).update(
                **{target: kept}
            )
    stale.delete()


def _fold_content_type(apps, db, stale, kept) -> None:
    """Point everything that points at content type ``stale`` at ``kept``, then delete ``stale``."""
    Permission = apps.get_model("auth", "Permission")
    kept_codenames = dict(Permission.objects.using(db).filter(content_type=kept).values_list("codename", "pk"))
    for permission in Permission.objects.using(db).filter(content_type=stale):
        if permission.codename in kept_codenames:
            same = Permission.objects.using(db).get(pk=kept_codenames[permission.codename])
            _fold_permission(apps, db, permission, same)
        else:
            permission.content_type = kept
            permission.save(update_fields=["content_type"])
    for model in apps.get_models():
        if _is(model, "auth.permission"):
            continue
        for field in model._meta.concrete_fields:
            if field.many_to_one and _is(field.related_model, "contenttypes.contenttype"):
                model.objects.using(db).filter(**{field.name: stale}).update(**{field.name: kept})
    stale.delete()


def _move(apps, schema_editor, *, forwards: bool) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not router.allow_migrate_model(db, ContentType):
        return
    types = ContentType.objects.using(db)
    with transaction.atomic(using=db):
        for model, old_app in MOVED.items():
            source, target = (old_app, CORE) if forwards else (CORE, old_app)
            moving = types.filter(app_label=source, model=model).first()
            if moving is None:
                continue  # a fresh database: post_migrate creates it under its new name
            already = types.filter(app_label=target, model=model).first()
            if already is not None:
                _fold_content_type(apps, db, already, moving)
            moving.app_label = target
            moving.save(update_fields=["app_label"])
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, schema_editor, forwards=True)


def backwards(apps, schema_editor):
    _move(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):

    dependencies = [
        ("transactions", "0001_models_from_reviews_and_intake"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # Everything that may point at a content type: audit rows, and on a fresh database the
        # first role groups' permissions (made under reviews, renamed here).
        ("audit", "0002_fewer_indexes"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
