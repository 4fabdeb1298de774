"""Signals other apps listen to, so accounts never imports the apps built on it."""

from django.dispatch import Signal

# Sent inside the transaction that confirms a citizen's email, with `user=`.
# Receivers' writes commit or roll back with the confirmation itself.
email_confirmed = Signal()
