"""Roles are ordered; every capability follows from the order and the account state."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import policy
from app.models.user import Role
from app.security import is_safe_next

VISITOR = SimpleNamespace(is_authenticated=False)


def person(role: Role, verified=True, suspended=False, silenced=False, id=None):  # noqa: A002  (like the model)
    now = datetime.now(UTC)
    return SimpleNamespace(is_authenticated=True, role=role.value, is_verified=verified, id=id,
                           is_suspended=suspended, is_silenced=silenced, email_verified_at=now if verified else None)


def test_roles_are_ordered():
    ranks = [policy.rank_of(VISITOR)] + [policy.rank_of(person(role)) for role in policy.ROLE_ORDER]
    assert ranks == sorted(ranks) and len(set(ranks)) == 5


@pytest.mark.parametrize(
    ("who", "member", "volunteer", "admin"),
    [(VISITOR, False, False, False), (person(Role.ALUMNUS), False, False, False),
     (person(Role.MEMBER), True, False, False), (person(Role.VOLUNTEER), True, True, False),
     (person(Role.ADMIN), True, True, True)],
)
def test_capabilities_by_role(who, member, volunteer, admin):
    assert policy.can_enter_members_area(who) is member
    assert policy.is_volunteer(who) is volunteer
    assert policy.can_change_roles(who) is admin and policy.can_edit_pages(who) is admin


def test_posting_needs_a_verified_unsuspended_account():
    assert not policy.can_post(VISITOR)
    assert policy.can_post(person(Role.ALUMNUS))
    assert not policy.can_post(person(Role.ADMIN, verified=False))
    assert not policy.can_post(person(Role.MEMBER, suspended=True))


def test_a_silenced_person_takes_part_but_writes_nothing():
    silenced = person(Role.MEMBER, silenced=True)
    post = SimpleNamespace(is_members_only=False, is_pending=False, is_hidden=False, locked=False, author_id=0,
                           is_news=False)
    event = SimpleNamespace(is_members_only=False)
    assert not policy.can_post(silenced) and not policy.can_start_discussion(silenced)
    assert not policy.can_comment(silenced, post) and not policy.can_edit_post(silenced, post)
    assert policy.can_react(silenced, post) and policy.can_sign_up(silenced, event) and policy.can_report(silenced)
    assert not policy.can_write_news(person(Role.VOLUNTEER, silenced=True))
    assert not policy.can_manage_events(person(Role.VOLUNTEER, silenced=True))


@pytest.mark.parametrize(("actor", "subject", "sanction", "suspend"), [
    (Role.VOLUNTEER, Role.ALUMNUS, True, False),
    (Role.VOLUNTEER, Role.MEMBER, True, False),
    (Role.VOLUNTEER, Role.VOLUNTEER, False, False),  # not someone of the same rank
    (Role.VOLUNTEER, Role.ADMIN, False, False),
    (Role.ADMIN, Role.VOLUNTEER, True, True),
    (Role.ADMIN, Role.ADMIN, False, False),
    (Role.MEMBER, Role.ALUMNUS, False, False),  # members do not moderate
])
def test_sanctions_go_down_the_ranks_only(actor, subject, sanction, suspend):
    moderator, target = person(actor, id=1), person(subject, id=2)
    assert policy.can_sanction(moderator, target) is sanction
    assert policy.can_suspend(moderator, target) is suspend


def test_nobody_sanctions_themselves():
    admin = person(Role.ADMIN, id=1)
    assert not policy.can_sanction(admin, admin) and not policy.can_suspend(admin, admin)


def test_only_admins_assign_roles():
    assert policy.assignable_roles(person(Role.ADMIN)) == policy.ROLE_ORDER
    assert policy.assignable_roles(person(Role.VOLUNTEER)) == ()


@pytest.mark.parametrize("target", ["/", "/account/", "/members/?page=2", "/a/b#c", "/%C3%A4"])
def test_local_paths_are_safe(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", ["", None, "//evil", "\\\\evil", "/\\evil", "http:\\/evil", "https://evil",
                                    "javascript:alert(1)", "/%0d%0aX", "/\tx", "/%2F%2Fevil", " /x", "x/y",
                                    "/\u2028", "/%5Cevil"])
def test_foreign_and_tricky_targets_are_refused(target):
    assert not is_safe_next(target)


@given(st.text())
def test_a_safe_next_never_leaves_the_site(target):
    from urllib.parse import unquote, urlsplit

    if is_safe_next(target):
        for candidate in (target, unquote(target)):
            parts = urlsplit(candidate)
            assert not parts.scheme and not parts.netloc and candidate.startswith("/")
            assert not candidate.startswith("//") and "\\" not in candidate
