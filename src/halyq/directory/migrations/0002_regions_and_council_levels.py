"""Ship the 20 regions of Kazakhstan and the council levels with the code."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("directory", "Region")
    CouncilLevel = apps.get_model("directory", "CouncilLevel")
    for row in json.loads((DATA / "regions.json").read_text(encoding="utf-8")):
        Region.objects.update_or_create(code=row["code"], defaults=row)
    for row in json.loads((DATA / "council_levels.json").read_text(encoding="utf-8")):
        CouncilLevel.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
