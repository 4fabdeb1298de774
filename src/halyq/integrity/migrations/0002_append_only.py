from django.db import migrations

from halyq.integrity import triggers


def create_head(apps, schema_editor):
    apps.get_model("integrity", "LedgerHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_initial")]
    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(
            lambda apps, schema_editor: triggers.install(schema_editor.connection),
            lambda apps, schema_editor: triggers.uninstall(schema_editor.connection),
        ),
    ]
