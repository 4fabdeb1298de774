"""Who may do what in the news section (django-rules), in one place.

- Readers (anyone) see published articles only; a draft or a scheduled article is 404
  for them, so its existence does not leak.
- Editors write: they create articles and edit them while they are drafts.
- Publishers (and central administrators) edit any article, publish, schedule and
  unpublish, and moderate comments.
- Signed-in, active accounts with a confirmed email comment, react and report comments.
"""

from __future__ import annotations

import rules

from halyq.accounts.models import RoleAssignment
from halyq.accounts.roles import has_role, is_administrator


@rules.predicate
def is_active_account(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@rules.predicate
def is_confirmed_account(user) -> bool:
    return bool(is_active_account(user) and user.email_confirmed_at is not None)


@rules.predicate
def is_editor(user) -> bool:
    return is_active_account(user) and has_role(user, RoleAssignment.Role.EDITOR)


@rules.predicate
def is_publisher(user) -> bool:
    return is_active_account(user) and has_role(user, RoleAssignment.Role.PUBLISHER)


@rules.predicate
def is_news_administrator(user) -> bool:
    return is_active_account(user) and is_administrator(user)


@rules.predicate
def is_draft(user, article) -> bool:
    return article is not None and article.status == "draft"


@rules.predicate
def is_visible_to_readers(user, article) -> bool:
    return article is not None and article.is_published()


can_publish = is_publisher | is_news_administrator
is_newsroom = is_editor | can_publish

rules.add_perm("news.enter_newsroom", is_newsroom)
rules.add_perm("news.write_article", is_newsroom)
rules.add_perm("news.edit_article", can_publish | (is_editor & is_draft))
rules.add_perm("news.publish_article", can_publish)
rules.add_perm("news.read_article", is_visible_to_readers | is_newsroom)
rules.add_perm("news.moderate_comments", can_publish)
rules.add_perm("news.comment", is_confirmed_account)
rules.add_perm("news.react", is_active_account)
rules.add_perm("news.report_comment", is_active_account)
