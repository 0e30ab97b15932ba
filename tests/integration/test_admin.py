"""Roles are changed by admins only, and every change is recorded."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.user import Role, User
from tests.conftest import text_of


def role_of(app, user):
    with app.app_context():
        return db.session.get(User, user.id).role


def test_admin_changes_a_role_and_it_is_recorded(app, client, make_user):
    admin = make_user(Role.ADMIN, name="Ada Admin")
    person = make_user(name="Pat Person")
    client.login(admin)
    page = text_of(client.get("/admin/"))
    assert "Pat Person" in page
    response = client.submit(f"/admin/users/{person.id}/role", {"role": "member"}, form_url="/admin/")
    assert response.status_code == 302
    assert role_of(app, person) == "member"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.actor_id, entry.subject_id, entry.action, entry.old_value, entry.new_value) == (
            admin.id, person.id, "role.changed", "alumnus", "member")
        assert entry.created_at is not None
    audit = text_of(client.get("/admin/audit"))
    assert "Ada Admin" in audit and "Pat Person" in audit and "Role changed from Alumnus to Member" in audit


def test_role_change_is_logged_as_a_security_event(client, make_user, caplog):
    admin = make_user(Role.ADMIN)
    person = make_user()
    client.login(admin)
    caplog.set_level("INFO", logger="alumni.security")
    client.submit(f"/admin/users/{person.id}/role", {"role": "volunteer"}, form_url="/admin/")
    assert any("event=role.changed" in r.getMessage() and f"subject={person.id}" in r.getMessage()
               for r in caplog.records)


def test_non_admins_cannot_change_roles(app, client, make_user):
    person = make_user()
    for role in (Role.ALUMNUS, Role.MEMBER, Role.VOLUNTEER):
        actor = make_user(role)
        client.login(actor)
        token = client.token("/account/")
        response = client.post(f"/admin/users/{person.id}/role", data={"csrf_token": token, "role": "admin"})
        assert response.status_code == 403
        client.logout()
    assert role_of(app, person) == "alumnus"


def test_unknown_user_and_bad_role_are_handled(app, client, make_user):
    admin = make_user(Role.ADMIN)
    person = make_user()
    client.login(admin)
    assert client.submit("/admin/users/999999/role", {"role": "member"}, form_url="/admin/").status_code == 404
    response = client.submit(f"/admin/users/{person.id}/role", {"role": "emperor"}, form_url="/admin/",
                             follow_redirects=True)
    assert "Please choose a valid role." in text_of(response)
    assert role_of(app, person) == "alumnus"


def test_the_last_admin_cannot_step_down(app, client, make_user):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    response = client.submit(f"/admin/users/{admin.id}/role", {"role": "member"}, form_url="/admin/",
                             follow_redirects=True)
    assert "The last admin" in text_of(response)
    assert role_of(app, admin) == "admin"


def test_user_search(client, make_user):
    admin = make_user(Role.ADMIN)
    make_user(name="Findable Person", email="findme@example.org")
    make_user(name="Someone Else")
    client.login(admin)
    page = text_of(client.get("/admin/?q=findable"))
    assert "Findable Person" in page and "Someone Else" not in page
    assert "No accounts match" in text_of(client.get("/admin/?q=zzzznothing"))


def test_admin_edits_a_footer_page_with_sanitized_markdown(client, make_user):
    admin = make_user(Role.ADMIN)
    client.login(admin)
    body = "**Verein** e. V.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    response = client.submit("/admin/pages/imprint/en", {"title": "Imprint", "body": body})
    assert response.status_code == 302
    page = text_of(client.get("/imprint"))
    assert "<strong>Verein</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript' not in page
    # the other language is untouched: German falls back to nothing written yet
    client.get("/language/de")
    assert "Impressum" in text_of(client.get("/imprint"))


def test_page_editor_keeps_input_on_error_and_404s_unknown_pages(client, make_user):
    client.login(make_user(Role.ADMIN))
    response = client.submit("/admin/pages/privacy/en", {"title": "", "body": "kept text"})
    assert response.status_code == 400 and "kept text" in text_of(response)
    assert client.get("/admin/pages/nope/en").status_code == 404
    assert client.get("/admin/pages/imprint/fr").status_code == 404


def test_cli_create_user_set_role_and_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--email", "cli@example.org", "--name", "Cli Person", "--role", "volunteer"])
    assert result.exit_code == 0, result.output
    assert "Password: " in result.output
    password = result.output.split("Password: ")[1].strip()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "cli@example.org"))
        assert user.role == "volunteer" and user.is_verified
        from app.services.passwords import password_matches

        assert password_matches(user.password_hash, password)
    result = runner.invoke(args=["set-role", "cli@example.org", "admin"])
    assert result.exit_code == 0 and "now admin" in result.output
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        assert entry.actor_id is None and entry.new_value == "admin"
    result = runner.invoke(args=["set-role", "nobody@example.org", "admin"])
    assert result.exit_code != 0 and "No account" in result.output
    result = runner.invoke(args=["create-user", "--email", "cli@example.org", "--name", "Again"])
    # The command line speaks the site's default language, German.
    assert result.exit_code != 0 and "Es gibt bereits ein Konto" in result.output
    result = runner.invoke(args=["create-user", "--email", "p@example.org", "--name", "P", "--password", "short"])
    assert result.exit_code != 0
    result = runner.invoke(args=["set-password", "cli@example.org"])
    assert result.exit_code == 0 and "New password" in result.output


def test_seed_demo_prints_a_fresh_password_and_only_runs_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and "Password for all demo accounts: " in first.output
    password = first.output.split("Password for all demo accounts: ")[1].strip()
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        from app.services.passwords import password_matches

        assert password_matches(admin.password_hash, password)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already has accounts" in second.output


def test_fresh_database_has_no_accounts(app):
    with app.app_context():
        assert db.session.scalar(select(User)) is None
