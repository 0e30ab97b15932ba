"""THE rules of who may see and do what.

Views and templates ask the `can_*` predicates; every list, feed, count, calendar and mail builds its
query from the clauses here (`public_feed_posts`, `syndicated_posts`, `news_for_mail`, ...). Permission
decisions compare roles only here; services store roles and count admins, but never decide with them.
Roles are ordered: visitor (anonymous) < alumnus < member < volunteer < admin.

One namespace (`policy.can_comment`, `policy.public_feed_posts`), written in areas: roles, account, content (posts,
comments, ideas, polls), events, membership (directory, documents, profiles), files, search, offers."""

from __future__ import annotations

from app.policy.account import *  # noqa: F403
from app.policy.content import *  # noqa: F403
from app.policy.events import *  # noqa: F403
from app.policy.files import *  # noqa: F403
from app.policy.membership import *  # noqa: F403
from app.policy.offers import *  # noqa: F403
from app.policy.roles import *  # noqa: F403
from app.policy.search import *  # noqa: F403
