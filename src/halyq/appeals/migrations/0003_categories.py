"""The starting list of appeal categories (administrators manage it in the admin)."""

from django.db import migrations

CATEGORIES = [
    ("housing", "Тұрғын үй-коммуналдық шаруашылық", "Жилищно-коммунальное хозяйство", "Housing and utilities"),
    ("roads", "Жолдар және көлік", "Дороги и транспорт", "Roads and transport"),
    ("social", "Әлеуметтік қолдау", "Социальная поддержка", "Social support"),
    ("health", "Денсаулық сақтау", "Здравоохранение", "Health"),
    ("education", "Білім беру", "Образование", "Education"),
    ("land", "Жер қатынастары", "Земельные отношения", "Land"),
    ("employment", "Жұмыспен қамту", "Занятость", "Employment"),
    ("environment", "Экология және абаттандыру", "Экология и благоустройство", "Environment and public spaces"),
    ("public-order", "Қоғамдық тәртіп", "Общественный порядок", "Public order"),
    ("other", "Басқа", "Другое", "Other"),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    for order, (code, kk, ru, en) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "order": order * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0002_appeals")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
