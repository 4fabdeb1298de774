from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionsConfig(AppConfig):
    name = "halyq.receptions"
    label = "receptions"
    verbose_name = _("Personal receptions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from halyq.accounts import personal_data
        from halyq.receptions.personal_data import erase_bookings, export_bookings

        personal_data.register("receptions", export=export_bookings, erase=erase_bookings)
