"""Push notifications, the settings side: enabling a device (JSON from our script, CSRF in a header), the list of
devices with "Remove", the per-kind choices as a plain form, and junk that is refused with a 400, never a 500."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.push import PushChoice, PushSubscription
from app.models.user import Role
from tests.conftest import text_of

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/131.0.0.0 Mobile Safari/537.36")


def subscribe(client, body, *, token=True, agent=ANDROID_CHROME):
    headers = {"User-Agent": agent, "Accept": "application/json"}
    if token:
        headers["X-CSRFToken"] = client.token("/notifications/settings")
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post("/notifications/push/devices", data=data, headers=headers, content_type="application/json")


def devices(app, user=None):
    with app.app_context():
        query = select(PushSubscription)
        if user is not None:
            query = query.where(PushSubscription.user_id == user.id)
        return list(db.session.scalars(query))


def test_without_keys_push_is_not_offered(app, client, make_user, push_service):
    client.login(make_user())
    page = text_of(client.get("/notifications/settings"))
    assert "the administrators of this site have not set them up" in page
    assert "Enable on this device" not in page
    assert subscribe(client, push_service.subscribe().to_json()).status_code == 409
    assert client.get("/healthz").get_json()["push"] == "not configured"


def test_enable_list_and_remove_a_device(app, client, make_user, push_keys, push_service):
    user = make_user()
    client.login(user)
    page = text_of(client.get("/notifications/settings"))
    assert "Enable on this device" in page and 'data-push-key="' in page
    assert "needs JavaScript and a browser that supports them" in page  # until the script has looked
    assert "No device receives push notifications from us." in page
    browser = push_service.subscribe()
    response = subscribe(client, browser.to_json())
    assert response.status_code == 201 and response.get_json()["device"] == "Chrome on Android"
    assert subscribe(client, browser.to_json()).status_code == 201  # again (a double click): still one device
    [device] = devices(app)
    assert device.user_id == user.id and device.endpoint == browser.endpoint and device.failures == 0
    page = text_of(client.get("/notifications/settings"))
    assert "Chrome on Android" in page
    assert client.get("/healthz").get_json()["push"] == "ok"
    response = client.submit(f"/notifications/push/devices/{device.id}/remove", form_url="/notifications/settings")
    assert response.status_code == 302 and response.headers["Location"].endswith("/notifications/settings#push")
    assert devices(app) == []
    again = client.submit(f"/notifications/push/devices/{device.id}/remove", form_url="/notifications/settings")
    assert again.status_code == 404


def test_someone_elses_device_is_not_found(app, client, new_client, make_user, push_keys, push_service):
    owner, other = make_user(), make_user(Role.ADMIN)
    client.login(owner)
    device_id = subscribe(client, push_service.subscribe().to_json()).get_json()["id"]
    intruder = new_client()
    intruder.login(other)
    response = intruder.submit(f"/notifications/push/devices/{device_id}/remove", form_url="/notifications/settings")
    assert response.status_code == 404
    assert "Chrome on Android" not in text_of(intruder.get("/notifications/settings"))
    assert len(devices(app, owner)) == 1


def test_a_browser_used_by_another_person_becomes_theirs(app, client, new_client, make_user, push_keys,
                                                        push_service):
    first, second = make_user(), make_user()
    browser = push_service.subscribe()
    client.login(first)
    subscribe(client, browser.to_json())
    other = new_client()
    other.login(second)
    assert subscribe(other, browser.to_json()).status_code == 201
    assert devices(app, first) == [] and len(devices(app, second)) == 1


def test_enabling_needs_the_csrf_token_and_a_login(app, client, make_user, push_keys, push_service):
    body = push_service.subscribe().to_json()
    assert subscribe(client, body, token=False).status_code == 400  # not logged in, and no token either
    anonymous = client.post("/notifications/push/devices", json=body)
    assert anonymous.status_code in (302, 400)
    client.login(make_user())
    assert subscribe(client, body, token=False).status_code == 400
    assert devices(app) == []


def _junk(origin):
    browser_keys = {"p256dh": "BPi2xQ" * 10, "auth": "AAAAAAAAAAAAAAAAAAAAAA"}
    return [
        "", "not json", "[]", "null", "12345678901234567890123456789", '{"endpoint": 5}', "\x00\xff", b"\xff\xfe",
        {"endpoint": f"{origin}/push/x"},  # no keys
        {"endpoint": f"{origin}/push/x", "keys": []},
        {"endpoint": f"{origin}/push/x", "keys": {"p256dh": 1, "auth": 2}},
        {"endpoint": f"{origin}/push/x", "keys": browser_keys},  # not a point on P-256
        {"endpoint": f"{origin}/push/x", "keys": {"p256dh": "!!!", "auth": "%%%"}},
        {"endpoint": "http://push.example.com/x", "keys": browser_keys},  # not https
        {"endpoint": "https://10.0.0.8/x", "keys": browser_keys},  # into our own network
        {"endpoint": "https://[::1]:99999/x", "keys": browser_keys},
        {"endpoint": "https://push.example.com/" + "x" * 2000, "keys": browser_keys},
        {"endpoint": "javascript:alert(1)", "keys": browser_keys},
        {"endpoint": "https://push.example.com/x", "keys": {"p256dh": "A" * 5000, "auth": "B"}},
    ]


def test_junk_bodies_are_refused_with_400(app, client, make_user, push_keys, push_service):
    client.login(make_user())
    good = push_service.subscribe().to_json()
    for junk in _junk(push_service.origin):
        response = subscribe(client, junk)
        assert response.status_code == 400, junk
        assert "error" in response.get_json(), junk
    wrong_auth = {**good, "keys": {**good["keys"], "auth": "AAAA"}}  # the auth secret is 16 bytes
    assert subscribe(client, wrong_auth).status_code == 400
    assert devices(app) == []


def test_loopback_endpoints_only_for_the_tests(app, client, make_user, push_keys, push_service):
    client.login(make_user())
    app.config["PUSH_ALLOW_LOOPBACK"] = False
    try:
        response = subscribe(client, push_service.subscribe().to_json())
    finally:
        app.config["PUSH_ALLOW_LOOPBACK"] = True
    assert response.status_code == 400
    assert "https" in response.get_json()["error"]


def test_real_push_service_endpoints_are_accepted(app, client, make_user, push_keys, push_service):
    client.login(make_user())
    body = push_service.subscribe().to_json()
    body["endpoint"] = "https://fcm.googleapis.com/fcm/send/abc:def"
    assert subscribe(client, body, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) "
                                          "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 "
                                          "Safari/604.1").get_json()["device"] == "Safari on iPhone"


def test_too_many_devices(app, client, make_user, push_keys, push_service, monkeypatch):
    from app.services import push

    monkeypatch.setattr(push, "MAX_DEVICES", 2)
    client.login(make_user())
    assert [subscribe(client, push_service.subscribe().to_json()).status_code for _ in range(3)] == [201, 201, 400]


def test_kinds_are_chosen_without_javascript(app, client, make_user, push_keys):
    user = make_user()
    client.login(user)
    page = text_of(client.get("/notifications/settings"))
    assert '<input checked id="replies"' in page and '<input id="followed"' in page  # the defaults
    assert 'name="applications"' not in page  # only for those who decide on membership applications
    response = client.submit("/notifications/push/kinds", {"followed": "y", "events": "y", "applications": "y"},
                             form_url="/notifications/settings")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(PushChoice, user.id)
        assert (row.replies, row.followed, row.events, row.applications) == (False, True, True, False)
    twice = client.submit("/notifications/push/kinds", {"followed": "y", "events": "y"},
                          form_url="/notifications/settings")
    assert twice.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PushChoice)) == 1
    assert "Your push settings are saved." in text_of(client.get("/notifications/settings"))


def test_volunteers_choose_applications_too(app, client, make_user, push_keys):
    user = make_user(Role.VOLUNTEER)
    client.login(user)
    assert 'name="applications"' in text_of(client.get("/notifications/settings"))
    client.submit("/notifications/push/kinds", {"replies": "y", "applications": "y"},
                  form_url="/notifications/settings")
    with app.app_context():
        assert db.session.get(PushChoice, user.id).applications is True


@pytest.mark.parametrize("agent, label", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge on macOS"),
    ("curl/8.0", "Unknown browser"),
    ("", "Unknown browser"),
])
def test_device_labels(app, agent, label):
    from app.services.push import device_label

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert device_label(agent) == label


def test_the_settings_page_reads_devices_in_one_statement(app, client, make_user, push_keys, push_service):
    from tests.integration.test_query_counts import count_queries

    client.login(make_user())
    subscribe(client, push_service.subscribe().to_json())
    with count_queries(app) as one:
        client.get("/notifications/settings")
    for _ in range(5):
        subscribe(client, push_service.subscribe().to_json())
    with count_queries(app) as six:
        page = text_of(client.get("/notifications/settings"))
    assert page.count('class="push-device-name"') == 6
    assert len(six) == len(one)


def test_flask_push_keys_writes_a_key_once(app, tmp_path):
    from app import push_keys

    path = tmp_path / "vapid.pem"
    app.config["VAPID_KEY_FILE"] = str(path)
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["push-keys"])
        assert first.exit_code == 0 and "Wrote" in first.output
        key = path.read_bytes()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        second = runner.invoke(args=["push-keys"])
        assert second.exit_code == 0 and "exists already" in second.output and path.read_bytes() == key
        with app.app_context():
            assert push_keys.public_key() in first.output
    finally:
        app.config["VAPID_KEY_FILE"] = ""


def test_logging_out_ends_push_on_that_browser(app, client, new_client, make_user, push_keys, push_service):
    user = make_user()
    client.login(user)
    phone = push_service.subscribe()
    subscribe(client, phone.to_json())
    laptop_browser = push_service.subscribe()
    laptop = new_client()
    laptop.login(user)
    subscribe(laptop, laptop_browser.to_json())
    client.logout()
    # The browser that logged out gets nobody's notices; the laptop keeps them until it logs out too (logging out
    # ends every session, so the laptop logs in again first).
    assert [device.endpoint for device in devices(app, user)] == [laptop_browser.endpoint]
