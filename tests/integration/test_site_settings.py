"""The association's settings in the admin: validated, audited, applied at once, and the look (logo, colour)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app import site
from app.extensions import db
from app.models.audit import AuditEntry
from app.models.user import Role
from app.services import branding
from tests.conftest import PARTICIPATION_FORM, text_of


def audit_entries(app, action="setting.changed"):
    with app.app_context():
        return [(e.actor_id, e.old_value, e.new_value) for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def stored(app, key):
    with app.app_context():
        site.forget()
        return site.get(key)


ASSOCIATION = {"site_name": "Alumni Sozialarbeit Köln", "tagline": "Das Netzwerk der Ehemaligen",
               "contact_email": "vorstand@example.org", "default_locale": "de"}


def test_admin_names_the_association_and_everyone_sees_it_audited(app, client, new_client, make_user, mailbox):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    response = client.submit("/admin/settings", ASSOCIATION)
    assert response.status_code == 302
    visitor = new_client()
    home = text_of(visitor.get("/"))
    assert "Alumni Sozialarbeit Köln" in home and "Das Netzwerk der Ehemaligen" in home
    assert "vorstand@example.org" in home  # the footer
    entries = audit_entries(app)
    assert (admin.id, "site_name=Alumni Commons", "site_name=Alumni Sozialarbeit Köln") in entries
    assert len(entries) == 3  # the default language was already "de": not changed, not recorded
    # Saving the same values again records nothing.
    client.submit("/admin/settings", ASSOCIATION)
    assert len(audit_entries(app)) == 3
    # Mail carries the new name as sender and in the text.
    visitor.submit("/auth/register", {"email": "neu@example.org", "display_name": "Neu", "password":
                                      "correct horse battery staple", "password_confirm": "correct horse battery staple",
                                      "accept_guidelines": "y"})
    message = mailbox.wait_for("neu@example.org")[0]
    assert message["From"].addresses[0].display_name == "Alumni Sozialarbeit Köln"
    assert "Alumni Sozialarbeit Köln" in message["Subject"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("posting_rate_limit", "lots", "10 per minute; 100 per day"),
    ("comment_edit_minutes", "99999999", "from 0 to 10080"),
    ("comment_edit_minutes", "abc", "whole number"),
    ("invitation_days", "0", "from 1 to 90"),
])
def test_a_wrong_value_is_refused_with_a_message_and_nothing_is_stored(app, client, make_user, field, value,
                                                                       message):
    client.login(make_user(Role.ADMIN))
    form = {**PARTICIPATION_FORM, field: value}
    response = client.submit("/admin/settings/participation", form)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert f'value="{value}"' in page  # what was typed stays
    assert audit_entries(app) == []
    assert stored(app, "comment_edit_minutes") == app.config["COMMENT_EDIT_MINUTES"]


def test_footer_and_social_links_are_checked_and_shown(app, client, make_user):
    client.login(make_user(Role.ADMIN))
    bad = client.submit("/admin/settings/links", {"footer_links": "Our website\njavascript:alert(1)",
                                                  "social_links": ""})
    assert bad.status_code == 400 and "Line 1" in text_of(bad)
    good = client.submit("/admin/settings/links", {
        "footer_links": "Unsere Website | https://example.org/",
        "social_links": "Mastodon | https://social.example/@verein"})
    assert good.status_code == 302
    page = text_of(client.get("/"))
    assert 'href="https://example.org/"' in page and 'href="https://social.example/@verein"' in page


def test_participation_settings_take_effect_at_once(app, client, make_user, make_post):
    client.login(make_user(Role.ADMIN))
    response = client.submit("/admin/settings/participation", {**PARTICIPATION_FORM,
        "comment_edit_minutes": "0", "posting_rate_limit": "1 per minute", "contact_rate_limit": "5 per hour",
        "invitation_days": "3", "reminder_hours": "48", "attachment_max_mb": "2", "attachments_per_item": "3",
        "uploads_per_hour": "20", "document_max_mb": "5", "hold_first_posts": "y", "thread_page_size": "40"})
    assert response.status_code == 302
    with app.app_context():
        site.forget()
        assert site.get("posting_rate_limit") == "1 per minute"
        assert site.byte_limit("attachment_max_mb", "ATTACHMENT_MAX_BYTES") == 2 * 1024 * 1024
        assert site.get("hold_first_posts") is True


def test_the_posting_limit_an_admin_sets_is_enforced(limited_app, make_user, make_post):
    from tests.conftest import english_client

    client = english_client(limited_app)
    admin = make_user(Role.ADMIN)
    with limited_app.app_context():
        from app.services import settings

        settings.save(admin, {"posting_rate_limit": "1 per minute"})
        db.session.commit()
    post = make_post()
    client.login(make_user())
    first = client.submit(f"/posts/{post.id}/comments", {"body": "Erster"}, form_url=f"/posts/{post.id}")
    second = client.submit(f"/posts/{post.id}/comments", {"body": "Zweiter"}, form_url=f"/posts/{post.id}")
    assert first.status_code == 302 and second.status_code == 429


def test_only_admins_change_settings(client, new_client, make_user):
    client.login(make_user(Role.VOLUNTEER))
    assert client.get("/admin/settings/access").status_code == 403
    assert client.get("/admin/settings/nonsense").status_code == 403
    admin = new_client()
    admin.login(make_user(Role.ADMIN))
    assert admin.get("/admin/settings/nonsense").status_code == 404


# ---------------------------------------------------------------- colour


@pytest.mark.parametrize("colour", ["#ffff00", "#7fb3ff", "#ffffff", "#00a000"])
def test_a_colour_too_light_for_text_is_darkened_until_it_meets_aa(colour):
    chosen = branding.readable(colour)
    assert branding.worst_contrast(chosen) >= 4.5
    assert branding.worst_contrast(colour) < 4.5  # these all fail as chosen
    assert chosen != colour


def test_a_readable_colour_is_kept():
    assert branding.readable("#7a1f5c") == "#7a1f5c"
    assert round(branding.contrast("#000000", "#ffffff"), 1) == 21.0


def test_admin_picks_a_colour_and_is_told_when_it_was_adjusted(app, client, new_client, make_user):
    client.login(make_user(Role.ADMIN))
    response = client.submit("/admin/settings/look", {"accent_color": "#ffcc00"}, follow_redirects=True)
    page = text_of(response)
    chosen = stored(app, "accent_color")
    assert chosen != "#ffcc00" and branding.worst_contrast(chosen) >= 4.5
    assert "#ffcc00 is too light" in page and chosen in page
    # Served as a stylesheet (no inline style under the CSP), linked from every page.
    home = text_of(new_client().get("/"))
    css_url = f"/brand/theme-{chosen.lstrip('#')}.css"
    assert css_url in home
    css = new_client().get(css_url)
    assert css.status_code == 200 and css.mimetype == "text/css" and f"--accent: {chosen}" in text_of(css)
    assert new_client().get("/brand/theme-ffcc00.css").status_code == 404
    bad = client.submit("/admin/settings/look", {"accent_color": "red"})
    assert bad.status_code == 400 and "#0b5cad" in text_of(bad)


# ---------------------------------------------------------------- logo


def png(width=400, height=200, colour=(200, 30, 30, 255)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def test_logo_is_re_encoded_and_used_in_header_favicon_and_touch_icon(app, client, new_client, make_user):
    client.login(make_user(Role.ADMIN))
    response = client.submit("/admin/settings/look", {"accent_color": "#0b5cad",
                                                      "logo": (io.BytesIO(png()), "logo.png")},
                             content_type="multipart/form-data")
    assert response.status_code == 302
    version = stored(app, "logo")
    assert version
    visitor = new_client()
    home = text_of(visitor.get("/"))
    assert f"/brand/{version}/header.png" in home and f"/brand/{version}/icon-180.png" in home
    header = visitor.get(f"/brand/{version}/header.png")
    assert header.status_code == 200 and header.mimetype == "image/png"
    assert "immutable" in header.headers["Cache-Control"]
    assert Image.open(io.BytesIO(header.data)).height == branding.HEADER_HEIGHT
    for size in (32, 180, 192, 512):
        icon = Image.open(io.BytesIO(visitor.get(f"/brand/{version}/icon-{size}.png").data))
        assert icon.size == (size, size) and icon.mode == "RGB"  # opaque: touch icons must not be transparent
    assert visitor.get("/favicon.ico").headers["Location"].endswith(f"/brand/{version}/icon-32.png")
    assert visitor.get(f"/brand/{version}/secret.png").status_code == 404
    assert visitor.get("/brand/../../etc/passwd.png").status_code == 404
    # Removing it brings our favicon back.
    client.submit("/admin/settings/look", {"accent_color": "#0b5cad", "remove_logo": "y"})
    assert stored(app, "logo") == ""
    assert "favicon.svg" in visitor.get("/favicon.ico").headers["Location"]


def test_a_logo_that_is_no_image_is_refused_and_the_colour_typed_stays(app, client, make_user):
    client.login(make_user(Role.ADMIN))
    response = client.submit("/admin/settings/look", {"accent_color": "#7a1f5c",
                                                      "logo": (io.BytesIO(b"%PDF-1.4 not a logo"), "logo.png")},
                             content_type="multipart/form-data")
    assert response.status_code == 400
    assert "logo.png" not in stored(app, "logo")
    assert stored(app, "logo") == ""
    assert 'value="#7a1f5c"' in text_of(response)


# ---------------------------------------------------------------- categories


def test_volunteers_rename_reorder_and_archive_categories(app, client, make_user, make_post):
    from app.models.post import Category

    client.login(make_user(Role.VOLUNTEER))
    for name in ("Karriere", "Stammtisch", "Archivthema"):
        client.submit("/moderation/categories", {"name": name})
    with app.app_context():
        ids = {c.name: c.id for c in db.session.scalars(select(Category))}

    def change(which, action, name=None):
        return client.submit(f"/moderation/categories/{ids[which]}", {"action": action, "name": name or which},
                             form_url="/moderation/categories")

    assert change("Karriere", "rename", "Jobs & Karriere").status_code == 302
    ids["Jobs & Karriere"] = ids.pop("Karriere")
    change("Archivthema", "up")
    change("Stammtisch", "archive")
    with app.app_context():
        ordered = [(c.name, c.archived_at is not None) for c in db.session.scalars(
            select(Category).order_by(Category.position))]
        slug = db.session.get(Category, ids["Jobs & Karriere"]).slug
    assert ordered == [("Jobs & Karriere", False), ("Archivthema", False), ("Stammtisch", True)]
    assert slug == "karriere"  # the address stays
    writing = text_of(client.get("/posts/new"))
    assert "Jobs &amp; Karriere" in writing and "Stammtisch" not in writing
    assert client.get("/?category=stammtisch").status_code == 200  # its posts are still found
    # A name that exists already is refused with a message; junk actions are 400.
    clash = client.submit(f"/moderation/categories/{ids['Archivthema']}", {"action": "rename",
                                                                          "name": "jobs & karriere"},
                          form_url="/moderation/categories", follow_redirects=True)
    assert "exists already" in text_of(clash)
    assert client.submit(f"/moderation/categories/{ids['Archivthema']}", {"action": "explode"},
                         form_url="/moderation/categories").status_code == 400
    assert client.submit("/moderation/categories/999999", {"action": "up"},
                         form_url="/moderation/categories").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "category.changed")) is not None


def test_html_mail_carries_the_logo_from_the_site_itself(app, make_user):
    from flask import render_template

    from app.services import branding as brand

    with app.app_context():
        version = brand.set_logo(None, io.BytesIO(png()))
        db.session.commit()
        site.forget()
    with app.test_request_context(base_url="https://verein.example"):
        html = render_template("email/_brand.html", site_name="Verein")
    assert f'src="https://verein.example/brand/{version}/header.png"' in html and 'alt="Verein"' in html


def test_another_process_sees_a_change_within_the_cache_time_and_admin_pages_at_once(app, client, make_user):
    """Two hosts: one saves, the other still has the old values cached; its admin pages read them fresh."""
    from app.services import settings

    client.login(make_user(Role.ADMIN))
    with app.app_context():
        site.forget()
        assert site.get("site_name") == "Alumni Commons"  # cached now, as on a host serving pages
        settings.save(None, {"site_name": "Neuer Name"})
        db.session.commit()
    # The save above went through this process, so pretend it came from elsewhere: put the old value back.
    from app import site as site_module

    site_module._cache["stored"] = {}  # noqa: SLF001
    site_module._cache["loaded_at"] = __import__("time").monotonic()  # noqa: SLF001
    assert "Neuer Name" not in text_of(client.get("/events/"))  # public pages: within SETTINGS_CACHE_SECONDS
    assert 'value="Neuer Name"' in text_of(client.get("/admin/settings"))  # the admin's form: at once
    assert "Neuer Name" in text_of(client.get("/events/"))  # and the fresh read refreshed this process
