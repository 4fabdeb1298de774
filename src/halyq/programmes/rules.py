"""Who may do what with programmes, measures, mandates and confirmations.

- Anyone may read what is in a public region (`visibility.public_region_ids`); the
  region's staff (its moderators, the administrators, the region's deputies) also read
  a pilot region's tracker.
- A deputy responsible for an item (their account's `person` monitors it) reports its
  progress and status with evidence; deputies of a region may register voters'
  mandates there.
- A regional moderator manages the programmes, measures and mandates of their region,
  cancels items, accepts or declines mandates, and decides disputes and held
  confirmations; administrators may do all of this everywhere.
- A resident (a confirmed account living in the item's territory) confirms a reported
  delivery once per report round; the deputies who monitor the item may not.
"""

from __future__ import annotations

import rules

from halyq.accounts import roles


def _region_id(obj) -> int | None:
    if obj is None:
        return None
    if hasattr(obj, "region_id"):
        return obj.region_id
    item = getattr(obj, "item", None)  # a Confirmation or a DisputeReview
    return getattr(item, "region_id", None)


def _item(obj):
    return getattr(obj, "item", None) if not hasattr(obj, "monitors") else obj


def monitor_ids(item) -> set[int]:
    """Person ids monitoring an item, from the prefetch cache when there is one."""
    cache = getattr(item, "_prefetched_objects_cache", {})
    if "monitors" in cache:
        return {person.pk for person in cache["monitors"]}
    return set(item.monitors.values_list("pk", flat=True))


def _person_region_id(user) -> int | None:
    if not user.is_authenticated or user.person_id is None:
        return None
    cached = getattr(user, "_person_region_id", None)
    if cached is None:
        from halyq.directory.models import Person

        cached = (
            Person.objects.filter(pk=user.person_id).values_list("region_id", flat=True).first()
        )
        user._person_region_id = cached
    return cached


@rules.predicate
def is_administrator(user) -> bool:
    return roles.is_administrator(user)


@rules.predicate
def moderates_its_region(user, obj) -> bool:
    return user.is_authenticated and _region_id(obj) in roles.moderated_region_ids(user)


@rules.predicate
def monitors_the_item(user, obj) -> bool:
    item = _item(obj)
    if item is None or not user.is_authenticated or user.person_id is None:
        return False
    return user.person_id in monitor_ids(item)


@rules.predicate
def is_deputy_of_its_region(user, obj) -> bool:
    region_id = _person_region_id(user)
    return region_id is not None and region_id == _region_id(obj)


@rules.predicate
def can_see_its_region(user, obj) -> bool:
    from halyq.programmes.visibility import visible_region_ids

    return _region_id(obj) in visible_region_ids(user)


@rules.predicate
def is_resident_of_its_territory(user, obj) -> bool:
    if not user.is_authenticated or user.email_confirmed_at is None:
        return False
    if user.region_id is None or user.region_id != obj.region_id:
        return False
    return obj.district_id is None or user.district_id == obj.district_id


can_manage = is_administrator | moderates_its_region

rules.add_rule("programmes.view", can_see_its_region)
rules.add_rule("programmes.manage", can_manage)
rules.add_rule("programmes.report_item", can_manage | monitors_the_item)
rules.add_rule("programmes.cancel_item", can_manage)
rules.add_rule("programmes.register_mandate", can_manage | is_deputy_of_its_region)
rules.add_rule("programmes.decide_mandate", can_manage)
rules.add_rule("programmes.decide_review", can_manage)
rules.add_rule("programmes.decide_confirmation", can_manage)
rules.add_rule(
    "programmes.confirm_item",
    can_see_its_region & is_resident_of_its_territory & ~monitors_the_item,
)
rules.add_rule("programmes.see_staff_details", can_manage)
