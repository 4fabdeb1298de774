from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "halyq.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from halyq.accounts import checks, personal_data
        from halyq.accounts.own_data import erase_account, export_account

        del checks  # imported for its @register side effect
        personal_data.register("account", export=export_account, erase=erase_account)
