"""Members-only content carries a unique marker; no response to a visitor or alumnus may contain it.

Every GET route of the URL map is requested, with the ids of the members-only objects wherever a
route takes an id, plus the list, feed and error surfaces.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models.user import Role
from tests.integration.test_access_matrix import GET_MATRIX, _url

MARKER = "ZZ-MEMBERS-ONLY-7Q4"
# Where a search page shows the query itself: the title, the two search fields, "Nothing found for “…”", and
# links back to the page (log in, language).
QUERY_ECHO = re.compile(r"<title>.*?</title>|<input[^>]*name=\"q\"[^>]*>|“[^”]*”|href=\"[^\"]*search[^\"]*\"", re.S)


@pytest.fixture
def secrets_world(app, make_user, make_post, add_comment, make_event):
    member = make_user(Role.MEMBER, name=f"Member {MARKER}-name-is-public-ok")
    secret = make_post(member, title=f"Title {MARKER}", body=f"Body {MARKER}", visibility="members")
    teaser = make_post(member, title="Teaser title", body="Public first lines. " * 20 + f"Hidden {MARKER}",
                       visibility="members", public_teaser=True)
    comment = add_comment(member, secret, f"Comment {MARKER}")
    public = make_post(member, title="Public post", body="nothing secret")
    add_comment(member, public, "public comment")
    event = make_event(title=f"Event {MARKER}", visibility="members", capacity=3)
    from tests.integration.test_polls import make_poll

    for post in (secret, teaser):  # a poll's question and options are as members-only as its post
        make_poll(app, post, question=f"Poll {MARKER}?", options=(f"Yes {MARKER}", f"No {MARKER}"))
    with app.app_context():
        from app.models.membership import Document, MemberProfile
        from app.models.post import Post
        from app.services import uploads

        db.session.get(Post, secret.id).like_count = 7
        from app.models.idea import Idea

        # Members-only ideas: the ideas page, their votes and the volunteers' answer stay inside.
        db.session.add_all([Idea(post_id=secret.id, vote_count=7, status="planned", status_reason=f"Answer {MARKER}"),
                            Idea(post_id=teaser.id, vote_count=5)])
        db.session.add(MemberProfile(user_id=member.id, listed=True, city=f"City {MARKER}", bio=f"Bio {MARKER}"))
        stored = uploads.store("documents", f"%PDF-1.4 {MARKER}".encode(), "pdf", "application/pdf")
        document = Document(title=f"Doc {MARKER}", original_name=f"{MARKER}.pdf", stored_name=stored,
                            content_type="application/pdf", size=20, uploaded_by_id=member.id)
        db.session.add(document)
        from app import storage
        from app.models.attachment import Attachment

        picture = Attachment(owner_id=member.id, kind="image", post_id=secret.id, alt_text=f"Alt {MARKER}",
                             width=320, height=240, content_type="image/webp", size=20, widths="320",
                             stored_name=f"secret-{secret.id}", original_name=f"{MARKER}.jpg")
        storage.current().put(picture.key(320), f"RIFF {MARKER}".encode(), "image/webp")
        db.session.add(picture)
        from app.models.opportunity import Opportunity
        from app.models.types import utcnow

        offer = Opportunity(kind="volunteer", title=f"Offer {MARKER}", organisation=f"Org {MARKER}",
                            body_source=f"Offer body {MARKER}", body_html=f"<p>Offer body {MARKER}</p>",
                            excerpt=f"Offer body {MARKER}", visibility="members", author_id=member.id,
                            expires_at=utcnow() + timedelta(days=30))
        db.session.add(offer)
        db.session.commit()
        offer_id = offer.id
        document_id = document.id
        picture_id = picture.id
        from app.models.user import User

        person = db.session.get(User, member.id)
        person.profile_visibility = "everyone"  # the widest choice: the activity list must still hold back
        handle = person.handle
        db.session.commit()
    return {"PUBLIC_POST": secret.id, "MEMBERS_POST": secret.id, "COMMENT": comment,
            "MEMBERS_COMMENT": comment, "REPORT": 1, "TARGET": member.id, "TEASER": teaser.id,
            "AUTHOR": member.id, "DOCUMENT": document_id, "EVENT": event.id, "MEMBERS_EVENT": event.id,
            "APPLICATION": 1, "INVITATION": 1, "INVITATION_TOKEN": "x", "SIGNUP": 1,
            "CANCEL_TOKEN": "x", "CALENDAR_TOKEN": "x" * 24, "NEWS_POST": secret.id, "UNSUBSCRIBE_TOKEN": "x",
            "CONSENT_TOKEN": "x", "PHOTO": picture_id, "MEMBERS_PHOTO": picture_id, "HANDLE": handle,
            "AUTHOR_HANDLE": handle, "SPARE": member.id, "PUBLIC_IDEA": secret.id, "MEMBERS_IDEA": secret.id,
            "OFFER": offer_id, "MEMBERS_OFFER": offer_id}


@pytest.mark.parametrize("role", [None, Role.ALUMNUS])
def test_members_only_marker_appears_in_no_response(app, client, make_user, secrets_world, role):
    if role is not None:
        client.login(make_user(role))
    urls = {_url(app, endpoint.split("#")[0], {k: secrets_world.get(v, v) if isinstance(v, str) else v
                                               for k, v in args.items()})
            for endpoint, (args, _expected) in GET_MATRIX.items()}
    urls |= {"/", "/?kind=discussion", "/feed.atom", f"/posts/{secrets_world['TEASER']}",
             f"/posts/{secrets_world['MEMBERS_POST']}/comments.atom", "/posts/999999", "/members/",
             "/events/", "/events/?when=past", "/events.ics", "/members/directory?city=City",
             f"/members/documents/{secrets_world['DOCUMENT']}/download", "/account/",
             f"/search?q={MARKER}", f"/search?q=Title+{MARKER}", "/search?q=Hidden", "/search?q=City",
             f"/search?q={MARKER}&kind=document", f"/search?q={MARKER}&kind=profile", "/search?q=Doc&sort=date",
             f'/search?q="{MARKER}"', "/search?q=ZZ*", f"/search?q={MARKER}&members_area=y",
             f"/people/{secrets_world['HANDLE']}", f"/people/{secrets_world['HANDLE']}/avatar.svg",
             "/ideas/", "/ideas/?sort=newest", "/ideas/?status=planned", "/ideas/?status=new",
             "/jobs/", "/jobs/?kind=volunteer", "/jobs/?q=Offer", "/jobs/feed.atom", "/search?q=Offer&kind=offer",
             f"/jobs/{secrets_world['OFFER']}/report"}
    for url in sorted(urls):
        response = client.get(url, follow_redirects=True)
        body = response.get_data(as_text=True).replace(f"{MARKER}-name-is-public-ok", "")
        if url.startswith("/search"):  # the page repeats what was typed: that is not a leak
            body = QUERY_ECHO.sub("", body)
        assert MARKER not in body, f"{url} ({response.status_code}) leaks members-only content"


def test_members_only_marker_is_pushed_to_no_former_member(app, client, make_user, secrets_world, push_keys,
                                                          push_service):
    """The push surface: a reply notification about the members-only thread, written while the person was a member,
    is not sent (not even its title) once they are not: the policy is asked when the message goes out."""
    from app import jobs
    from app.models.notification import Notification
    from app.models.types import utcnow
    from app.models.user import User
    from app.services import push_delivery
    from tests.integration.test_push import subscribe

    former = make_user(Role.ALUMNUS)
    client.login(former)
    subscribe(client, push_service.subscribe().to_json())
    with app.app_context():
        db.session.add(Notification(user_id=former.id, kind="reply", post_id=secrets_world["MEMBERS_POST"],
                                    comment_id=secrets_world["COMMENT"], actor_id=secrets_world["AUTHOR"],
                                    created_at=utcnow()))
        db.session.commit()
        jobs.run_job(push_delivery.run)
        assert db.session.get(User, former.id).role == Role.ALUMNUS
    assert not [message for message in push_service.messages() if MARKER in str(message.payload)]
    assert push_service.messages() == []
