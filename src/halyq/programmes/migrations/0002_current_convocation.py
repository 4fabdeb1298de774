"""The maslikhats' current convocation (VIII, elected on 19 March 2023) ships as data."""

from datetime import date

from django.db import migrations


def add_convocation(apps, schema_editor):
    Convocation = apps.get_model("programmes", "Convocation")
    Convocation.objects.get_or_create(code="VIII", defaults={"start_date": date(2023, 3, 29)})


def remove_convocation(apps, schema_editor):
    Convocation = apps.get_model("programmes", "Convocation")
    Convocation.objects.filter(code="VIII", programmes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(add_convocation, remove_convocation)]
