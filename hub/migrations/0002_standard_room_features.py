"""The standard room features. seed_demo and the room forms rely on these slugs."""

from django.db import migrations

STANDARD_FEATURES = [
    ("kitchen", "Kitchen"),
    ("sports", "Sports hall floor"),
    ("av", "Projector and screen"),
    ("step-free", "Step-free access"),
    ("accessible-toilet", "Accessible toilet"),
    ("hearing-loop", "Hearing loop"),
    ("outdoor", "Outdoor space"),
    ("parking", "Parking"),
]


def create_features(apps, schema_editor):
    RoomFeature = apps.get_model("hub", "RoomFeature")
    for slug, name in STANDARD_FEATURES:
        RoomFeature.objects.get_or_create(slug=slug, defaults={"name": name})


def remove_unused_features(apps, schema_editor):
    RoomFeature = apps.get_model("hub", "RoomFeature")
    slugs = [slug for slug, _ in STANDARD_FEATURES]
    RoomFeature.objects.filter(slug__in=slugs, rooms__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_initial")]

    operations = [migrations.RunPython(create_features, remove_unused_features)]
