"""Named permission rules of the accounts app, for this app and others to build on.

`is_confirmed_citizen`: signed in, not deleted, email confirmed (what they file counts).
`accounts.manage_own_account`: any signed-in, active account may see, download and
delete its own data; nobody else's (the pages only ever act on request.user).
"""

import rules

from halyq.accounts import selectors


@rules.predicate
def is_confirmed_citizen(user) -> bool:
    return selectors.is_confirmed_citizen(user)


@rules.predicate
def is_active_account(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


rules.add_perm("accounts.manage_own_account", is_active_account)
rules.add_perm("accounts.file_counted_appeals", is_confirmed_citizen)
