"""`event_recorded` is sent for every appended event (inside the writer's transaction).

Receivers that act on other tables must defer to `transaction.on_commit`, so an event
that rolls back changes nothing.
"""

from django.dispatch import Signal

event_recorded = Signal()
