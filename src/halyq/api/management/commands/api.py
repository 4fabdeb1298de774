"""`halyq api token create|revoke|list`: API tokens from the command line.

    halyq api token create --user operator@example.kz --name "Open311 gateway"
    halyq api token list --user operator@example.kz
    halyq api token revoke --prefix=Xy3k_9aQ   (with '=': a prefix may begin with '-')

`create` prints the secret once (it is not stored). A token acts with exactly the roles
of its user; for Open311, create it for the integration account (docs/api.md).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from halyq.accounts.models import User
from halyq.api import selectors, services
from halyq.api.models import ApiToken


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        parser.add_argument("subject", choices=["token"], help="what to manage")
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("--user", help="the account's email (create, list)")
        parser.add_argument("--name", help="what the token is for (create)")
        parser.add_argument(
            "--prefix",
            help="the token's prefix, as `list` shows it (revoke); write --prefix=VALUE, as a prefix may begin with '-'",
        )

    def handle(self, *args, action: str, **options):
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options)
        else:
            self._revoke(options)

    def _user(self, options) -> User:
        email = (options.get("user") or "").strip().lower()
        if not email:
            raise CommandError("Give the account with --user EMAIL.")
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No account has the email {email}.")
        return user

    def _create(self, options) -> None:
        user = self._user(options)
        try:
            token, secret = services.api_token_create(user=user, name=options.get("name") or "")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Token {token.prefix} created for {user.email}. The secret (shown once):"
        )
        self.stdout.write(secret)

    def _list(self, options) -> None:
        user = self._user(options)
        for token in selectors.api_token_list(user=user):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            used = (
                f"last used {token.last_used_at:%Y-%m-%d %H:%M}"
                if token.last_used_at
                else "never used"
            )
            self.stdout.write(f"{token.prefix}  {state:<18} {used:<28} {token.name}")

    def _revoke(self, options) -> None:
        prefix = (options.get("prefix") or "").strip()
        if not prefix:
            raise CommandError(
                "Give the token's prefix with --prefix=VALUE (see `halyq api token list`)."
            )
        try:
            token = selectors.api_token_find(prefix=prefix)
        except ApiToken.DoesNotExist:
            raise CommandError(f"No token has the prefix {prefix}.") from None
        except ApiToken.MultipleObjectsReturned:
            raise CommandError(
                f"Several tokens have the prefix {prefix}; revoke them on the site."
            ) from None
        services.api_token_revoke(token=token)
        self.stdout.write(f"Token {token.prefix} ({token.name}) of {token.user.email} is revoked.")
