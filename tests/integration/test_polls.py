"""Polls through the real forms: with a new post or added later, the rules and the bad input, voting without
JavaScript, twice (also at once, in real threads), after closing, results as the author chose, anonymity (no
ballot says what, and the worker forgets who once closed), the members boundary, the watched words, the feed card.
On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_string
from email.policy import default

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditAction, AuditEntry
from app.models.poll import Poll, PollBallot, PollOption, ResultsShown
from app.models.post import Post
from app.models.types import utcnow
from app.models.user import Role, User
from tests.conftest import run_together, text_of
from tests.integration.test_watched_words import watch

NEW_POST = {"title": "Where shall we meet?", "body": "Let us decide together.", "visibility": "public"}


def make_poll(app, post, options=("Köln", "Bonn", "Aachen"), **fields):
    """A poll on a committed post, through the service (as its author)."""
    from app.services.polls import PollDraft, add_poll

    with app.test_request_context():
        stored = db.session.get(Post, post.id)
        add_poll(stored.author, stored, PollDraft(question=fields.pop("question", ""), options="\n".join(options),
                                                  **fields))
        db.session.commit()
        poll = db.session.scalar(select(Poll).where(Poll.post_id == post.id))
        return poll.id, [option.id for option in poll.options]


def counts(app, poll_id):
    with app.app_context():
        poll = db.session.get(Poll, poll_id)
        ballots = db.session.scalar(select(func.count()).select_from(PollBallot).where(PollBallot.poll_id == poll_id))
        return poll.voter_count, [option.vote_count for option in poll.options], ballots


def vote(client, post_id, *option_ids, **kwargs):
    return client.submit(f"/posts/{post_id}/poll/vote", {"option": [str(o) for o in option_ids]},
                         form_url=f"/posts/{post_id}", **kwargs)


@pytest.fixture
def member(client, make_user):
    person = make_user(Role.MEMBER, name="Mara Member")
    client.login(person)
    return person


# ---------------------------------------------------------------- making a poll


def test_a_poll_comes_with_a_new_discussion(app, client, member):
    response = client.submit("/posts/new", {**NEW_POST, "poll-options": "Köln\n\n  Bonn  \nAachen\n",
                                            "poll-multiple": "single", "poll-results": "after_vote"})
    assert response.status_code == 302
    post_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        poll = db.session.scalar(select(Poll).where(Poll.post_id == post_id))
        assert [(o.position, o.label) for o in poll.options] == [(1, "Köln"), (2, "Bonn"), (3, "Aachen")]
        assert poll.question == "" and not poll.multiple and poll.closes_at is None
    page = text_of(client.get(f"/posts/{post_id}"))
    assert 'id="poll"' in page and "Where shall we meet?</h2>" in page  # the title is the question
    assert page.count('type="radio" name="option"') == 3
    assert "Anonymous: nobody, not even the admins, can see who voted for what." in page


def test_a_post_without_poll_stays_without(app, client, member):
    assert client.submit("/posts/new", NEW_POST).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Poll)) == 0


@pytest.mark.parametrize(("fields", "message"), [
    ({"poll-options": "Only one"}, "Please enter at least 2 options"),
    ({"poll-question": "Which?", "poll-options": ""}, "Please enter at least 2 options"),
    ({"poll-options": "\n".join(f"Option {n}" for n in range(21))}, "you entered 21"),
    ({"poll-options": "\n".join(f"Option {n}" for n in range(500))}, "you entered 500"),
    ({"poll-options": "Short\n" + "x" * 10_000}, "Option 2 has 10000 characters"),
    ({"poll-options": "Köln\nköln"}, "is there twice"),
    ({"poll-options": "A\nB", "poll-closes_at": "2020-01-01T10:00"}, "The closing time must lie in the future."),
    ({"poll-options": "A\nB", "poll-closes_at": "not a time"}, "Not a valid datetime value."),
    ({"poll-options": "A\nB", "poll-closes_at": "9999-12-31T23:59"}, "within the next 10 years"),
    ({"poll-options": "A\nB\nC", "poll-multiple": "multiple", "poll-max_choices": "5"}, "from 2 to 3"),
    ({"poll-options": "A\nB", "poll-max_choices": "99999999999999999999"}, "Please enter a number"),
    ({"poll-options": "A\nB", "poll-question": "q" * 301}, "Use at most 300 characters."),
    ({"poll-options": "A\nB", "poll-multiple": "several"}, "Not a valid choice"),
])
def test_bad_polls_are_refused_with_the_text_kept(app, client, member, fields, message):
    response = client.submit("/posts/new", {**NEW_POST, **fields})
    page = text_of(response)
    assert response.status_code == 400, page[:500]
    assert message in page
    assert 'value="Where shall we meet?"' in page and "Let us decide together." in page
    typed = fields.get("poll-options", "").split("\n")[0]
    assert typed in page
    assert "<details class=\"poll-part\" open>" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_the_author_adds_a_poll_later_and_changes_it_until_the_first_vote(app, client, member, make_post,
                                                                          new_client, make_user):
    post = make_post(member, title="Sommerfest")
    assert f'href="/posts/{post.id}/poll"' in text_of(client.get(f"/posts/{post.id}"))
    response = client.submit(f"/posts/{post.id}/poll", {"poll-question": "Which day?",
                                                        "poll-options": "Saturday\nSunday",
                                                        "poll-multiple": "single", "poll-results": "after_close",
                                                        "poll-closes_at": (utcnow() + timedelta(days=3))
                                                        .strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{post.id}#poll")
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Which day?" in page and "Open until" in page
    form = text_of(client.get(f"/posts/{post.id}/poll"))
    assert "Saturday\nSunday" in form and 'value="Which day?"' in form
    assert client.submit(f"/posts/{post.id}/poll", {"poll-options": "Friday\nSaturday\nSunday",
                                                    "poll-multiple": "multiple", "poll-max_choices": "2",
                                                    "poll-results": "after_vote"}).status_code == 302
    with app.app_context():
        poll = db.session.scalar(select(Poll).where(Poll.post_id == post.id))
        assert [o.label for o in poll.options] == ["Friday", "Saturday", "Sunday"]
        assert poll.multiple and poll.max_choices == 2 and poll.closes_at is None and poll.question == ""
        first = poll.options[0].id
    voter = new_client()
    voter.login(make_user())
    vote(voter, post.id, first)
    response = client.get(f"/posts/{post.id}/poll")
    assert response.status_code == 302  # people voted: no more changes
    response = client.submit(f"/posts/{post.id}/poll", {"poll-options": "X\nY"}, form_url=f"/posts/{post.id}",
                             follow_redirects=True)
    assert "can no longer be changed" in text_of(response)
    assert counts(app, poll.id)[0] == 1


def test_only_the_author_adds_or_changes_a_poll(app, client, make_user, make_post):
    post = make_post()
    for role in (Role.ALUMNUS, Role.MEMBER, Role.ADMIN):
        client.login(make_user(role))
        assert client.get(f"/posts/{post.id}/poll").status_code == 403
        assert client.submit(f"/posts/{post.id}/poll", {"poll-options": "A\nB"},
                             form_url="/auth/reset").status_code == 403
        client.logout()
    assert client.get(f"/posts/{post.id}/poll").status_code == 302  # visitors: to the login


def test_a_post_has_one_poll(app, client, member, make_post):
    post = make_post(member)
    make_poll(app, post)
    response = client.get(f"/posts/{post.id}/poll")
    assert response.status_code == 200 and "Köln" in text_of(response)  # the one poll, to change
    with app.test_request_context():
        from flask_babel import force_locale

        from app.services.errors import DomainError
        from app.services.polls import PollDraft, add_poll

        stored = db.session.get(Post, post.id)
        with force_locale("en"), pytest.raises(DomainError, match="has a poll already"):
            add_poll(stored.author, stored, PollDraft(question="", options="A\nB"))


# ---------------------------------------------------------------- voting


def test_voting_without_javascript_counts_once_and_shows_the_results(app, client, make_user, make_post):
    post = make_post()
    poll_id, (koeln, bonn, _aachen) = make_poll(app, post)
    client.login(make_user())
    response = vote(client, post.id, bonn)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/posts/{post.id}#poll")
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "Thank you: your vote is counted." in page and "You have voted." in page
    assert 'name="option"' not in page  # no second ballot
    assert re.search(r'<meter min="0" max="100" value="100"[^>]*>', page) and "1 vote (100%)" in page
    assert "0 votes (0%)" in page and "1 person voted." in page
    assert 'style="' not in page.split('id="poll"')[1].split("</section>")[0]  # strict CSP: no inline style
    assert counts(app, poll_id) == (1, [0, 1, 0], 1)
    # The same person again (another tab kept the ballot): said so, nothing counted.
    response = vote(client, post.id, koeln, follow_redirects=True)
    assert "You have already voted in this poll." in text_of(response)
    assert counts(app, poll_id) == (1, [0, 1, 0], 1)


def test_a_ballot_records_only_that_someone_voted(app):
    assert {column.name for column in PollBallot.__table__.columns} == {"id", "poll_id", "user_id"}


def test_multiple_choice_with_a_limit(app, client, make_user, make_post):
    post = make_post()
    poll_id, (a, b, c) = make_poll(app, post, multiple=True, max_choices=2)
    client.login(make_user())
    page = text_of(client.get(f"/posts/{post.id}"))
    assert page.count('type="checkbox" name="option"') == 3 and "Choose up to 2 options" in page
    assert "Please choose at most 2 options." in text_of(vote(client, post.id, a, b, c, follow_redirects=True))
    assert counts(app, poll_id) == (0, [0, 0, 0], 0)
    vote(client, post.id, a, c)
    assert counts(app, poll_id) == (1, [1, 0, 1], 1)
    assert "1 vote (100%)" in text_of(client.get(f"/posts/{post.id}"))


@pytest.mark.parametrize(("choice", "message"), [
    ([], "Please choose an option."),
    (["abc"], "Please choose among the options of this poll."),
    (["99999999999999999999999"], "Please choose among the options of this poll."),
    (["-1"], "Please choose among the options of this poll."),
    (["OTHER"], "Please choose among the options of this poll."),
    (["FIRST", "SECOND"], "Please choose one option only."),
])
def test_bad_votes_count_nothing(app, client, make_user, make_post, choice, message):
    post, other = make_post(), make_post()
    poll_id, (first, second, _third) = make_poll(app, post)
    _other_poll, (foreign, *_rest) = make_poll(app, other)
    client.login(make_user())
    values = [{"FIRST": first, "SECOND": second, "OTHER": foreign}.get(v, v) for v in choice]
    response = vote(client, post.id, *values, follow_redirects=True)
    assert response.status_code == 200 and message in text_of(response)
    assert counts(app, poll_id) == (0, [0, 0, 0], 0)


def test_no_vote_after_closing(app, client, make_user, make_post):
    post = make_post()
    poll_id, (first, *_rest) = make_poll(app, post)
    with app.app_context():
        db.session.get(Poll, poll_id).closes_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    client.login(make_user())
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "This poll is closed." in page and 'name="option"' not in page and "0 votes (0%)" in page
    response = vote(client, post.id, first, follow_redirects=True)
    assert "This poll is closed: your vote was not counted." in text_of(response)
    assert counts(app, poll_id) == (0, [0, 0, 0], 0)


def test_who_may_vote(app, client, make_user, make_post):
    post = make_post()
    poll_id, (first, *_rest) = make_poll(app, post)
    page = text_of(client.get(f"/posts/{post.id}"))  # a visitor sees the options and how to vote
    assert "Köln" in page and "Log in to vote" in page and 'name="option"' not in page
    assert client.post(f"/posts/{post.id}/poll/vote", data={"csrf_token": client.token("/auth/reset"),
                                                            "option": str(first)}).status_code == 302
    unverified = make_user(verified=False)
    silenced = make_user()
    with app.app_context():
        person = db.session.get(User, silenced.id)
        person.silenced_at = utcnow()
        db.session.commit()
    for person, says in ((unverified, "Please confirm your email address to vote."),
                         (silenced, "You cannot vote while your account is silenced.")):
        client.login(person)
        assert says in text_of(client.get(f"/posts/{post.id}"))
        assert vote(client, post.id, first).status_code == 403
        client.logout()
    assert counts(app, poll_id) == (0, [0, 0, 0], 0)


# ---------------------------------------------------------------- results and closing


def test_results_after_closing_are_hidden_from_everyone_until_then(app, client, new_client, make_user, make_post):
    author = make_user(Role.MEMBER)
    post = make_post(author)
    poll_id, (first, *_rest) = make_poll(app, post, results_shown=ResultsShown.AFTER_CLOSE)
    client.login(make_user())
    vote(client, post.id, first)
    page = text_of(client.get(f"/posts/{post.id}"))
    assert "The results are shown once the poll is closed." in page and "<meter" not in page
    moderator = new_client()
    moderator.login(make_user(Role.VOLUNTEER))
    assert "<meter" not in text_of(moderator.get(f"/posts/{post.id}"))
    owner = new_client()
    owner.login(author)
    assert "<meter" not in text_of(owner.get(f"/posts/{post.id}"))
    assert owner.submit(f"/posts/{post.id}/poll/close", form_url=f"/posts/{post.id}").status_code == 302
    for reader in (client, moderator, owner, new_client()):
        page = text_of(reader.get(f"/posts/{post.id}"))
        assert "This poll is closed." in page and "1 vote (100%)" in page
    with app.app_context():  # the author's own closing is no moderator's decision
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_after_voting_the_author_and_moderators_see_the_results_from_the_start(app, client, make_user, make_post):
    author = make_user(Role.MEMBER)
    post = make_post(author)
    make_poll(app, post)
    client.login(make_user())
    assert "<meter" not in text_of(client.get(f"/posts/{post.id}"))
    assert "The results are shown after you voted." in text_of(client.get(f"/posts/{post.id}"))
    client.logout()
    for person in (author, make_user(Role.VOLUNTEER)):
        client.login(person)
        assert "<meter" in text_of(client.get(f"/posts/{post.id}"))
        client.logout()


def test_a_moderator_closes_a_poll_early_and_it_is_audited(app, client, make_user, make_post):
    post = make_post()
    poll_id, _ids = make_poll(app, post)
    client.login(make_user())
    assert client.submit(f"/posts/{post.id}/poll/close", form_url=f"/posts/{post.id}").status_code == 403
    client.logout()
    client.login(make_user(Role.VOLUNTEER))
    response = client.submit(f"/posts/{post.id}/poll/close", form_url=f"/posts/{post.id}", follow_redirects=True)
    assert "The poll is closed." in text_of(response)
    response = client.submit(f"/posts/{post.id}/poll/close", form_url=f"/posts/{post.id}", follow_redirects=True)
    assert "This poll is closed already." in text_of(response)
    with app.app_context():
        assert db.session.get(Poll, poll_id).closed_at is not None
        entry = db.session.scalar(select(AuditEntry))
        assert entry.action == AuditAction.POLL_CLOSED and entry.new_value == f"post:{post.id}"


def test_the_worker_forgets_who_voted_once_a_poll_is_closed(app, client, make_user, make_post):
    from app import jobs

    closed_post, open_post = make_post(), make_post()
    closed_id, (closed_option, *_r) = make_poll(app, closed_post)
    open_id, (open_option, *_s) = make_poll(app, open_post)
    for _n in range(2):
        client.login(make_user())
        vote(client, closed_post.id, closed_option)
        vote(client, open_post.id, open_option)
        client.logout()
    with app.app_context():
        db.session.get(Poll, closed_id).closed_at = utcnow()
        db.session.commit()
    with app.test_request_context():
        jobs.forget_poll_voters.call_local()
        jobs.forget_poll_voters.call_local()  # again: nothing left to do
    assert counts(app, closed_id) == (2, [2, 0, 0], 0)  # the totals stay, who voted is gone
    assert counts(app, open_id) == (2, [2, 0, 0], 2)  # still needed to refuse a second vote
    page = text_of(client.get(f"/posts/{closed_post.id}"))
    assert "2 people voted." in page and "2 votes (100%)" in page


# ---------------------------------------------------------------- at the same moment


def test_one_person_voting_in_several_requests_at_once_is_counted_once(app, make_user, make_post):
    from app.services import polls

    post = make_post()
    poll_id, (first, second, _third) = make_poll(app, post)
    voter = make_user().id

    def work(n):
        poll = db.session.get(Poll, poll_id)
        try:
            polls.vote(db.session.get(User, voter), db.session.get(Post, post.id), poll, [first if n % 2 else second])
        except polls.AlreadyVoted:
            return "again"
        return "counted"

    results, errors = run_together(app, work, list(range(6)))
    assert errors == []
    assert sorted(results.values()) == ["again"] * 5 + ["counted"]
    voters, options, ballots = counts(app, poll_id)
    assert voters == 1 and sum(options) == 1 and ballots == 1


def test_many_people_voting_at_once_are_all_counted(app, make_user, make_post):
    from app.services import polls

    post = make_post()
    poll_id, (first, second, _third) = make_poll(app, post)
    voters = [make_user().id for _n in range(8)]

    def work(user_id):
        polls.vote(db.session.get(User, user_id), db.session.get(Post, post.id), db.session.get(Poll, poll_id),
                   [first if user_id % 2 else second])

    _results, errors = run_together(app, work, voters)
    assert errors == []
    expected = [sum(1 for v in voters if v % 2), sum(1 for v in voters if not v % 2), 0]
    assert counts(app, poll_id) == (8, expected, 8)


def test_votes_arriving_while_the_poll_closes_are_counted_whole_or_not_at_all(app, make_user, make_post):
    from app.services import polls

    author = make_user(Role.MEMBER)
    post = make_post(author)
    poll_id, (first, *_rest) = make_poll(app, post)
    voters = [make_user().id for _n in range(7)]

    def work(who):
        person = db.session.get(User, author.id if who == "close" else who)
        stored, poll = db.session.get(Post, post.id), db.session.get(Poll, poll_id)
        try:
            if who == "close":
                polls.close_poll(person, stored, poll)
            else:
                polls.vote(person, stored, poll, [first])
        except polls.PollClosed:
            return "closed"
        return "done"

    results, errors = run_together(app, work, [*voters, "close"])
    assert errors == [] and results["close"] == "done"
    counted = sum(1 for who in voters if results[who] == "done")
    voter_count, options, ballots = counts(app, poll_id)
    assert voter_count == options[0] == ballots == counted


# ---------------------------------------------------------------- boundary, screening, the feed


def test_a_members_only_poll_stays_with_members(app, client, make_user, make_post):
    author = make_user(Role.MEMBER)
    post = make_post(author, visibility="members", title="Members vote")
    poll_id, (first, *_rest) = make_poll(app, post, question="Secret question?")
    client.login(make_user())
    assert client.get(f"/posts/{post.id}").status_code == 404
    assert vote(client, post.id, first).status_code == 404
    assert client.submit(f"/posts/{post.id}/poll/close", form_url="/auth/reset").status_code == 404
    assert "Secret question?" not in text_of(client.get("/")) + text_of(client.get("/search?q=Secret"))
    client.logout()
    client.login(make_user(Role.MEMBER))
    assert "Poll, open" in text_of(client.get("/members/"))
    vote(client, post.id, first)
    assert counts(app, poll_id)[0] == 1


def test_a_members_only_poll_is_in_no_mail(app, client, make_user):
    """The mail about a followed category's new post carries the post, never its poll (for anyone)."""
    from app.models.mail import OutgoingMail
    from app.models.notification import FollowTarget
    from app.models.post import Category
    from app.services import digests
    from app.services.notifications import follow
    from tests.integration.test_notifications import consent

    with app.app_context():
        category = Category(slug="verein", name="Verein")
        db.session.add(category)
        db.session.commit()
        category_id = category.id
    for reader in (make_user(Role.MEMBER), make_user()):
        with app.test_request_context():
            follow(db.session.get(User, reader.id), FollowTarget.CATEGORY, category_id)
            db.session.commit()
        consent(app, reader, followed="immediately")
    client.login(make_user(Role.MEMBER))
    response = client.submit("/posts/new", {**NEW_POST, "visibility": "members", "category": str(category_id),
                                            "poll-question": "Mail-secret question?",
                                            "poll-options": "Mail-secret A\nMail-secret B"})
    assert response.status_code == 302
    with app.test_request_context():
        digests.send_immediate(utcnow() + timedelta(minutes=10))
        db.session.commit()
    with app.app_context():
        raw = db.session.scalars(select(OutgoingMail.message)).all()
    texts = [" ".join(part.get_content() for part in message_from_string(message, policy=default).walk()
                      if part.get_content_maintype() == "text") for message in raw]
    assert any("Where shall we meet?" in text for text in texts), texts
    assert not any("Mail-secret" in text for text in texts)


def test_poll_texts_are_screened_like_the_post(app, client, member):
    watch(app, "Idiot", kind="substring", action="block")
    response = client.submit("/posts/new", {**NEW_POST, "poll-options": "Köln\nIdioten"})
    page = text_of(response)
    assert response.status_code == 400 and 'id="poll-options-error"' in page and "is not allowed here" in page
    assert "Köln\nIdioten" in page
    watch(app, "Mist", kind="substring", action="censor")
    watch(app, "Schrott", action="hold")
    response = client.submit("/posts/new", {**NEW_POST, "poll-question": "Mist oder nicht?",
                                            "poll-options": "Schrott\nGold"}, follow_redirects=True)
    assert "Your post is held for review" in text_of(response)
    with app.app_context():
        poll = db.session.scalar(select(Poll))
        assert poll.question == "■■■ oder nicht?" and poll.post.is_pending


def test_the_feed_card_says_poll_and_its_state(app, client, make_user, make_post):
    open_post = make_post(title="Open one")
    until = utcnow() + timedelta(days=2)
    make_poll(app, open_post, closes_at=until)
    closed_post = make_post(title="Closed one")
    closed_id, _ids = make_poll(app, closed_post)
    with app.app_context():
        db.session.get(Poll, closed_id).closed_at = utcnow()
        db.session.commit()
    make_post(title="No poll")
    page = text_of(client.get("/"))
    assert page.count('class="badge poll"') == 2
    assert "Poll, open until" in page and "Poll, closed" in page


def test_the_options_stored_are_at_most_twenty(app):
    from app.services.errors import DomainError
    from app.services.polls import parse_options

    assert parse_options("\n".join(f"o{n}" for n in range(20))) == [f"o{n}" for n in range(20)]
    with pytest.raises(DomainError):
        parse_options("\n".join(f"o{n}" for n in range(21)))
    assert PollOption.__table__.c.label.type.length == 200


def test_the_demo_has_a_poll_in_a_discussion(app, client):
    from app import demo

    with app.test_request_context():
        demo.seed("demo-password-for-tests")
        db.session.commit()
        poll = db.session.scalar(select(Poll))
        post_id = poll.post_id
        assert poll.voter_count == 2 and poll.multiple and not poll.post.is_members_only
    assert "Welche Angebote wünscht ihr euch hier?" in text_of(client.get(f"/posts/{post_id}"))


def test_polls_add_no_queries_that_grow_with_them(app, client, make_user, make_post):
    """The post page reads a poll in one query (and whether this person voted in one more), however many options
    and votes; the feed reads the posts' polls with the posts, however many carry one."""
    from tests.integration.test_query_counts import count_queries

    def page_queries(url):
        with count_queries(app) as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    client.login(make_user())
    small, large = make_post(title="Small"), make_post(title="Large")
    make_poll(app, small, options=("A", "B"))
    _poll, ids = make_poll(app, large, options=[f"Option {n}" for n in range(20)], multiple=True)
    for _n in range(5):
        voter = make_user()
        with app.test_request_context():
            from app.services import polls

            stored = db.session.get(Post, large.id)
            polls.vote(db.session.get(User, voter.id), stored, polls.poll_of(stored), ids[:3])
            db.session.commit()
    assert page_queries(f"/posts/{small.id}") == page_queries(f"/posts/{large.id}")
    before = page_queries("/")
    for number in range(6):
        make_poll(app, make_post(title=f"More {number}"))
    assert page_queries("/") == before
