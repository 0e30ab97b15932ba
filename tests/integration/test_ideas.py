"""Ideas with votes: proposing, voting (once, also at once), the volunteers' answer and who hears of it, the
ideas page, and what stays inside the members area."""

from __future__ import annotations

import re
import threading

import pytest
from sqlalchemy import func, insert, select

from app.extensions import db
from app.models.audit import AuditAction, AuditEntry
from app.models.idea import Idea, IdeaVote
from app.models.notification import Follow, Notification, NotificationKind
from app.models.post import Post
from app.models.user import Role, User
from tests.conftest import english_client, run_together, text_of
from tests.integration.test_query_counts import count_queries


def make_idea(app, make_post, author=None, **fields):
    post = make_post(author, **fields)
    with app.app_context():
        db.session.add(Idea(post_id=post.id))
        db.session.commit()
    return post


def idea(app, post_id) -> Idea:
    with app.app_context():
        row = db.session.get(Idea, post_id)
        if row is not None:
            db.session.expunge(row)
        return row


def votes(app, post_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(IdeaVote).where(IdeaVote.post_id == post_id))


def set_setting(app, key, value):
    from app import site
    from app.services import settings

    with app.test_request_context():
        settings.save(None, {key: value})
        db.session.commit()
        site.forget()


def vote(client, post_id, voted="1", form_url=None):
    return client.submit(f"/ideas/{post_id}/vote", {"voted": voted}, form_url=form_url or f"/posts/{post_id}")


# ---------------------------------------------------------------- proposing


def test_the_start_discussion_form_makes_an_idea(app, client, make_user):
    author = make_user(Role.MEMBER)
    client.login(author)
    page = text_of(client.get("/posts/new"))
    assert "This is an idea: others can vote for it" in page and 'name="idea" type="checkbox" value="y">' in page
    assert re.search(r'<input checked id="idea"', text_of(client.get("/posts/new?idea=1")))  # "Propose an idea"
    response = client.submit("/posts/new", {"title": "Mentoring", "body": "Let us start mentoring.",
                                            "visibility": "public", "idea": "y"})
    assert response.status_code == 302
    post_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert idea(app, post_id).status == "new"
    shown = text_of(client.get(f"/posts/{post_id}"))
    assert "Idea: New" in shown and "0 votes" in shown and "Your idea" in shown
    assert f'action="/ideas/{post_id}/vote"' not in shown  # no vote for one's own idea


def test_news_form_offers_no_idea_and_plain_discussions_stay_plain(app, client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    assert "This is an idea" not in text_of(client.get("/posts/new?kind=news"))
    response = client.submit("/posts/new", {"title": "Plain", "body": "Just talk.", "visibility": "public"})
    post_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert idea(app, post_id) is None


def test_volunteers_turn_a_discussion_into_an_idea_and_back_audited(app, client, make_user, make_post):
    post = make_post(make_user(Role.MEMBER))
    volunteer = make_user(Role.VOLUNTEER)
    client.login(volunteer)
    assert "Make it an idea others can vote for" in text_of(client.get(f"/posts/{post.id}"))
    client.submit(f"/ideas/{post.id}/idea", {"is_idea": "1"}, form_url=f"/posts/{post.id}")
    client.submit(f"/ideas/{post.id}/idea", {"is_idea": "1"}, form_url=f"/posts/{post.id}")  # again: nothing new
    assert idea(app, post.id) is not None
    with app.app_context():
        db.session.add(IdeaVote(post_id=post.id, user_id=make_user(Role.MEMBER).id))
        db.session.commit()
    client.submit(f"/ideas/{post.id}/idea", {"is_idea": "0"}, form_url=f"/posts/{post.id}")
    assert idea(app, post.id) is None and votes(app, post.id) == 0
    with app.app_context():
        actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == volunteer.id)
                                          .order_by(AuditEntry.id)))
    assert actions == [AuditAction.IDEA_MARKED, AuditAction.IDEA_UNMARKED]


def test_members_cannot_turn_discussions_into_ideas(app, client, make_user, make_post):
    post = make_post(make_user(Role.MEMBER))
    client.login(make_user(Role.MEMBER))
    assert "Make it an idea" not in text_of(client.get(f"/posts/{post.id}"))
    token = client.token(f"/posts/{post.id}")
    assert client.post(f"/ideas/{post.id}/idea", data={"csrf_token": token, "is_idea": "1"}).status_code == 403
    assert idea(app, post.id) is None


# ---------------------------------------------------------------- voting


def test_a_member_votes_once_and_takes_it_back(app, client, make_user, make_post):
    post = make_idea(app, make_post, title="Online meet-ups")
    voter = make_user(Role.MEMBER)
    client.login(voter)
    response = vote(client, post.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{post.id}#idea")
    vote(client, post.id)  # a stale page or a second tab says "vote" again: still one
    assert idea(app, post.id).vote_count == 1 == votes(app, post.id)
    page = text_of(client.get(f"/posts/{post.id}"))
    assert 'name="voted" value="0"' in page and "1 vote" in page and 'aria-pressed="true"' in page
    vote(client, post.id, "0")
    vote(client, post.id, "0")
    assert idea(app, post.id).vote_count == 0 == votes(app, post.id)


def test_voting_follows_the_idea_unless_the_person_chose_otherwise(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    voter, quiet = make_user(Role.MEMBER), make_user(Role.MEMBER)
    with app.app_context():
        db.session.get(User, quiet.id).auto_follow = False
        db.session.commit()
    for person in (voter, quiet):
        browser = english_client(app)
        browser.login(person)
        vote(browser, post.id)
    with app.app_context():
        followers = set(db.session.scalars(select(Follow.user_id).where(Follow.target == "post",
                                                                          Follow.target_id == post.id)))
    assert voter.id in followers and quiet.id not in followers


def test_vote_goes_back_where_the_person_was(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    client.login(make_user(Role.MEMBER))
    response = client.submit(f"/ideas/{post.id}/vote", {"voted": "1", "next": "/ideas/?sort=newest"},
                             form_url="/ideas/")
    assert response.headers["Location"].endswith("/ideas/?sort=newest")
    response = client.submit(f"/ideas/{post.id}/vote", {"voted": "0", "next": "https://evil.example/"},
                             form_url="/ideas/")
    assert "evil" not in response.headers["Location"]


def test_alumni_vote_only_when_the_setting_allows(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    client.login(make_user(Role.ALUMNUS))
    assert f'action="/ideas/{post.id}/vote"' not in text_of(client.get(f"/posts/{post.id}"))
    assert vote(client, post.id).status_code == 403
    set_setting(app, "ideas_alumni_vote", True)
    try:
        assert f'action="/ideas/{post.id}/vote"' in text_of(client.get(f"/posts/{post.id}"))
        assert vote(client, post.id).status_code == 302
        assert idea(app, post.id).vote_count == 1
    finally:
        set_setting(app, "ideas_alumni_vote", False)


def test_unconfirmed_alumni_never_vote(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    set_setting(app, "ideas_alumni_vote", True)
    try:
        client.login(make_user(Role.ALUMNUS, verified=False))
        token = client.token("/account/")
        assert client.post(f"/ideas/{post.id}/vote", data={"csrf_token": token}).status_code == 403
    finally:
        set_setting(app, "ideas_alumni_vote", False)


def test_the_admins_settings_page_has_the_ideas_setting(app, client, make_user):
    client.login(make_user(Role.ADMIN))
    page = text_of(client.get("/admin/settings/participation"))
    assert 'name="ideas_alumni_vote"' in page


@pytest.mark.parametrize("state", ["hidden_at", "pending", "locked", "done", "declined"])
def test_no_votes_on_hidden_held_locked_or_answered_ideas(app, client, make_user, make_post, state):
    from app.models.types import utcnow

    post = make_idea(app, make_post)
    with app.app_context():
        row, idea_row = db.session.get(Post, post.id), db.session.get(Idea, post.id)
        if state == "hidden_at":
            row.hidden_at = utcnow()
        elif state == "pending":
            row.status = "pending"
        elif state == "locked":
            row.locked = True
        else:
            idea_row.status = state
        db.session.commit()
    client.login(make_user(Role.VOLUNTEER))  # a moderator sees hidden and held posts, and still may not vote
    token = client.token("/account/")
    assert client.post(f"/ideas/{post.id}/vote", data={"csrf_token": token, "voted": "1"}).status_code == 403
    assert votes(app, post.id) == 0


def test_voting_on_what_is_no_idea_or_unseen_is_a_404(app, client, make_user, make_post):
    plain = make_post()
    members_idea = make_idea(app, make_post, visibility="members")
    set_setting(app, "ideas_alumni_vote", True)
    try:
        client.login(make_user(Role.ALUMNUS))
        token = client.token("/account/")
        for post_id in (plain.id, members_idea.id, 999_999):
            assert client.post(f"/ideas/{post_id}/vote", data={"csrf_token": token}).status_code == 404
        assert client.post("/ideas/99999999999/vote", data={"csrf_token": token}).status_code == 404
    finally:
        set_setting(app, "ideas_alumni_vote", False)


@pytest.mark.concurrency
@pytest.mark.parametrize("round_number", range(3))
def test_votes_at_once_count_once_each(app, make_user, make_post, round_number):
    """One person's double click served by two processes, and many people at once: one row each, right count."""
    from app.services.ideas import set_vote

    post = make_idea(app, make_post)
    people = [make_user(Role.MEMBER) for _ in range(4)]
    work = [(person.id, copy) for person in people for copy in range(2)]

    for voted, expected in ((True, 4), (False, 0)):  # everyone votes twice at once, then takes it back twice

        def cast(item, voted=voted):
            set_vote(db.session.get(User, item[0]), db.session.get(Post, post.id), voted=voted)

        _results, errors = run_together(app, cast, work)
        assert not errors
        assert idea(app, post.id).vote_count == expected == votes(app, post.id)


@pytest.mark.concurrency
def test_two_tabs_pressing_vote_at_once_through_the_app(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    client.login(make_user(Role.MEMBER))
    token = client.token(f"/posts/{post.id}")
    other = english_client(app)
    other.set_cookie("session", client.get_cookie("session").value)
    barrier, statuses = threading.Barrier(2), []

    def send(browser):
        barrier.wait(timeout=10)
        statuses.append(browser.post(f"/ideas/{post.id}/vote", data={"csrf_token": token, "voted": "1"}).status_code)

    threads = [threading.Thread(target=send, args=(browser,)) for browser in (client, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [302, 302]
    assert idea(app, post.id).vote_count == 1 == votes(app, post.id)


# ---------------------------------------------------------------- the volunteers' answer


def test_a_volunteer_answers_an_idea_and_its_people_hear_of_it(app, client, new_client, make_user, make_post):
    author = make_user(Role.MEMBER, name="Ida Author")
    post = make_idea(app, make_post, author, title="Mentoring programme")
    supporter, bystander = make_user(Role.MEMBER), make_user(Role.MEMBER)
    browser = new_client()
    browser.login(supporter)
    vote(browser, post.id)
    volunteer = make_user(Role.VOLUNTEER, name="Vera Volunteer")
    client.login(volunteer)
    response = client.submit(f"/ideas/{post.id}/status", {"status": "planned", "reason": "We start in spring."})
    assert response.status_code == 302
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Planned</strong> — <span class=\"idea-reason\">We start in spring.</span>, by Vera Volunteer" in page
    assert "Idea: Planned" in page
    with app.app_context():
        told = set(db.session.scalars(select(Notification.user_id).where(
            Notification.kind == NotificationKind.IDEA_STATUS, Notification.post_id == post.id)))
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IDEA_STATUS)).one()
    assert told == {author.id, supporter.id}  # not the bystander, not the volunteer who answered
    assert bystander.id not in told
    assert entry.old_value == f"post:{post.id} new" and entry.new_value == f"post:{post.id} planned"
    bell = text_of(browser.get("/notifications/"))
    assert "The idea Mentoring programme has a new status" in bell
    # The same answer again (a double submit) tells nobody twice.
    client.submit(f"/ideas/{post.id}/status", {"status": "planned", "reason": "We start in spring."})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == NotificationKind.IDEA_STATUS)) == 2


def test_declining_needs_a_reason_and_keeps_what_was_typed(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    client.login(make_user(Role.VOLUNTEER))
    response = client.submit(f"/ideas/{post.id}/status", {"status": "declined", "reason": "   "})
    assert response.status_code == 400
    assert "Please say why the idea is declined" in text_of(response)
    assert 'value="declined" checked' in text_of(response) or re.search(r'checked[^>]*value="declined"',
                                                                        text_of(response))
    assert idea(app, post.id).status == "new"
    response = client.submit(f"/ideas/{post.id}/status", {"status": "declined", "reason": "x" * 2001})
    assert response.status_code == 400 and "x" * 2001 in text_of(response)
    response = client.submit(f"/ideas/{post.id}/status", {"status": "declined", "reason": "Too costly."})
    assert response.status_code == 302 and idea(app, post.id).status == "declined"


@pytest.mark.parametrize("value", ["", "nonsense", "DONE", "new'--", "9" * 40])
def test_status_values_out_of_range_are_a_400(app, client, make_user, make_post, value):
    post = make_idea(app, make_post)
    client.login(make_user(Role.VOLUNTEER))
    response = client.submit(f"/ideas/{post.id}/status", {"status": value, "reason": "because"})
    assert response.status_code == 400
    assert idea(app, post.id).status == "new"


def test_only_volunteers_answer(app, client, make_user, make_post):
    post = make_idea(app, make_post)
    client.login(make_user(Role.MEMBER))
    assert client.get(f"/ideas/{post.id}/status").status_code == 403
    token = client.token("/account/")
    assert client.post(f"/ideas/{post.id}/status", data={"csrf_token": token, "status": "done"}).status_code == 403
    assert idea(app, post.id).status == "new"


def test_the_status_mail_follows_the_persons_mail_choice(app, make_user, make_post, mailbox):
    from tests.integration.test_notifications import consent, run

    author = make_user(Role.MEMBER)
    post = make_idea(app, make_post, author, title="Lastschrift")
    consent(app, author, followed="immediately")
    from app.services.ideas import set_status

    volunteer = make_user(Role.VOLUNTEER)
    with app.test_request_context():
        set_status(db.session.get(User, volunteer.id), db.session.get(Post, post.id), "declined",
                   "Too much work for us.")
        db.session.commit()
    mailbox.clear()
    assert "1 mails queued." in run(app, "send-notifications")
    body = mailbox.body(mailbox.wait_for(author.email)[0])
    assert "Lastschrift" in body and "The idea is now: Declined" in body and "Too much work for us." in body


def test_members_only_ideas_tell_only_members(app, make_user, make_post):
    """A follower who is no longer a member hears nothing of a members-only idea's answer."""
    from app.services.ideas import set_status
    from app.services.notifications import follow

    post = make_idea(app, make_post, visibility="members")
    former = make_user(Role.ALUMNUS)
    volunteer = make_user(Role.VOLUNTEER)
    with app.test_request_context():
        follow(db.session.get(User, former.id), "post", post.id)
        set_status(db.session.get(User, volunteer.id), db.session.get(Post, post.id), "planned", "")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == former.id)) == 0


# ---------------------------------------------------------------- the ideas page


def test_ideas_page_sorts_filters_and_shows_each_line(app, client, make_user, make_post):
    author = make_user(Role.MEMBER)
    few = make_idea(app, make_post, author, title="Few votes")
    many = make_idea(app, make_post, author, title="Many votes")
    make_post(author, title="Not an idea")
    with app.app_context():
        db.session.get(Idea, many.id).vote_count = 5
        db.session.get(Idea, few.id).status = "planned"
        db.session.commit()
    voter = make_user(Role.MEMBER)
    client.login(voter)
    vote(client, few.id, form_url="/ideas/")
    page = text_of(client.get("/ideas/"))
    assert page.index("Many votes") < page.index("Few votes") and "Not an idea" not in page
    assert "5 votes" in page and "Idea: Planned" in page and "0 comments" in page
    assert 'name="voted" value="0"' in page  # the viewer's vote on "Few votes"
    newest = text_of(client.get("/ideas/?sort=newest"))
    assert newest.index("Many votes") < newest.index("Few votes")
    planned = text_of(client.get("/ideas/?status=planned"))
    assert "Few votes" in planned and "Many votes" not in planned


@pytest.mark.parametrize("query", ["?sort=junk", "?status=junk", "?page=abc", "?page=-1", "?page=99999999999999",
                                   "?page=0", "?status=planned%20", "?status=", "?sort=votes&status=planned&page=2", "?page=500"])
def test_ideas_page_ignores_junk(app, client, query):
    assert client.get(f"/ideas/{query}").status_code == 200


def test_ideas_page_pages_are_bounded(app, client, make_user):
    from app.models.types import utcnow
    from app.services.ideas import PAGE_SIZE

    author = make_user(Role.MEMBER)
    _seed_ideas(app, author.id, PAGE_SIZE + 3, utcnow())
    first = text_of(client.get("/ideas/"))
    assert "More ideas" in first and "?page=2" in first
    second = text_of(client.get("/ideas/?page=2"))
    assert second.count('class="idea-votes"') == 3 and "Previous ideas" in second


def _seed_ideas(app, author_id, count, now):
    with app.app_context():
        rows = [{"kind": "discussion", "title": f"Idea {n}", "body_source": "b", "body_html": "<p>b</p>",
                 "excerpt": "b", "visibility": "public", "public_teaser": False, "status": "published",
                 "pinned": False, "locked": False, "author_id": author_id, "created_at": now,
                 "last_activity_at": now, "comment_count": n, "like_count": 0} for n in range(count)]
        ids = db.session.scalars(insert(Post).returning(Post.id), rows).all()
        db.session.execute(insert(Idea), [{"post_id": post_id, "status": "new", "vote_count": n % 7,
                                           "created_at": now} for n, post_id in enumerate(ids)])
        db.session.commit()
        return ids


def test_ideas_page_statement_count_does_not_grow(app, client, make_user):
    from app.models.types import utcnow

    author = make_user(Role.MEMBER)
    voter = make_user(Role.MEMBER)
    client.login(voter)
    counts = []
    for batch in (3, 22):  # 3 ideas, then 25: more than a page
        ids = _seed_ideas(app, author.id, batch, utcnow())
        with app.app_context():
            db.session.execute(insert(IdeaVote), [{"post_id": post_id, "user_id": voter.id, "created_at": utcnow()}
                                                  for post_id in ids])
            db.session.commit()
        client.get("/ideas/")  # warm: the session's first page loads what every page then has
        with count_queries(app) as statements:
            response = client.get("/ideas/")
        assert response.status_code == 200 and text_of(response).count('aria-pressed="true"') == min(
            len(ids) if batch == 3 else 20, 20)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 6, counts


def test_post_page_and_feed_card_show_the_idea(app, client, make_user, make_post):
    post = make_idea(app, make_post, title="Card idea")
    with app.app_context():
        db.session.get(Idea, post.id).vote_count = 3
        db.session.get(Idea, post.id).status = "under_review"
        db.session.commit()
    feed = text_of(client.get("/"))
    card = feed[feed.index("Card idea") - 1500: feed.index("Card idea") + 1500]
    assert "Idea: Under review" in card and "3 votes" in card
    assert "Idea: Under review" in text_of(client.get(f"/posts/{post.id}"))
    assert 'href="/ideas/"' in feed


# ---------------------------------------------------------------- members-only ideas


def test_members_only_ideas_stay_inside(app, client, make_user, make_post):
    member = make_user(Role.MEMBER)
    make_idea(app, make_post, member, title="Inside idea", visibility="members")
    make_idea(app, make_post, member, title="Teaser idea", visibility="members", public_teaser=True)
    make_idea(app, make_post, member, title="Outside idea")
    set_setting(app, "ideas_alumni_vote", True)
    try:
        for role in (None, Role.ALUMNUS):
            browser = english_client(app)
            if role is not None:
                browser.login(make_user(role))
            for url in ("/ideas/", "/ideas/?sort=newest", "/ideas/?status=new"):
                page = text_of(browser.get(url))
                assert "Outside idea" in page
                assert "Inside idea" not in page and "Teaser idea" not in page, (role, url)
        client.login(make_user(Role.MEMBER))
        page = text_of(client.get("/ideas/"))
        assert "Inside idea" in page and "Teaser idea" in page
    finally:
        set_setting(app, "ideas_alumni_vote", False)


def test_a_teaser_shows_no_votes_or_answer(app, client, make_user, make_post):
    post = make_idea(app, make_post, title="Teaser idea", visibility="members", public_teaser=True)
    with app.app_context():
        db.session.get(Idea, post.id).vote_count = 9
        db.session.get(Idea, post.id).status_reason = "Secret answer"
        db.session.commit()
    for url in (f"/posts/{post.id}", "/"):
        page = text_of(client.get(url))
        assert "Teaser idea" in page and "9 votes" not in page and "Secret answer" not in page
        assert "Idea:" not in page, url


def test_an_erased_accounts_votes_go_with_their_count(app, make_user, make_post):
    from app.services.erasure import erase

    post = make_idea(app, make_post)
    voter, other = make_user(Role.MEMBER), make_user(Role.MEMBER)
    from app.services.ideas import set_vote

    with app.test_request_context():
        for person in (voter, other):
            set_vote(db.session.get(User, person.id), db.session.get(Post, post.id), voted=True)
        db.session.commit()
        erase(db.session.get(User, voter.id))
        db.session.commit()
    assert idea(app, post.id).vote_count == 1 == votes(app, post.id)
