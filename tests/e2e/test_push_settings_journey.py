"""Push notifications in a real Chromium: the settings page's "Enable on this device" up to the browser's
permission step and `pushManager.subscribe`, at phone width, axe clean.

The site's own service worker (/sw.js, registered by static/js/webapp.js) pulls in /static/js/push-sw.js.
Headless Chromium has no vendor push service, so subscribing fails: then the page must say so clearly. (Where it
succeeds, the device is stored and listed: test_push.py posts such a subscription.)
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app.models.user import Role
from tests.e2e.conftest import PHONE, assert_fits_viewport, log_in_as

pytestmark = pytest.mark.e2e
STATUS = ".push-device .push-status"
SLOW_MS = 20_000  # the browser's own push machinery, on a shared machine, may take longer than a click


def test_enable_is_refused_when_notifications_are_blocked(page_factory, make_user, push_keys, axe_check):
    page = page_factory(PHONE)
    log_in_as(page, make_user(Role.MEMBER), through_form=False)
    page.goto("/notifications/settings")
    enable = page.get_by_role("button", name="Enable on this device")
    expect(page.locator(STATUS)).to_have_text("Push notifications are off on this device.")
    expect(enable).to_be_visible()
    expect(page.get_by_role("button", name="Turn off on this device")).to_be_hidden()
    assert_fits_viewport(page, "push settings")
    axe_check(page, "push settings")
    asked = page.evaluate("Notification.permission")
    assert asked in ("default", "denied")  # nothing was asked before the click
    enable.click()
    expect(page.locator(STATUS)).to_contain_text(re.compile("blocked|not ready"), timeout=SLOW_MS)


def test_enable_reaches_push_manager_subscribe(page_factory, make_user, push_keys, browser_problems):
    page = page_factory(PHONE)
    page.context.grant_permissions(["notifications"])
    log_in_as(page, make_user(), through_form=False)
    page.goto("/notifications/settings")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")  # the site's worker, with the push handlers
    page.evaluate("""() => {
        window.__subscribeCalls = [];
        const original = PushManager.prototype.subscribe;
        PushManager.prototype.subscribe = function (options) {
            window.__subscribeCalls.push(options.userVisibleOnly && options.applicationServerKey.byteLength);
            return original.call(this, options);
        };
    }""")
    # Headless Chromium (an incognito-like profile) refuses the Push API and logs why: that error is expected.
    with browser_problems.expect_console_error("Push API"):
        page.get_by_role("button", name="Enable on this device").click()
        page.wait_for_function("window.__subscribeCalls.length > 0", timeout=SLOW_MS)
        assert page.evaluate("window.__subscribeCalls") == [65]  # userVisibleOnly, the site's P-256 key
        outcome = page.locator(STATUS)
        expect(outcome).to_contain_text("Your browser could not sign up for push notifications", timeout=SLOW_MS)
    expect(page.get_by_role("button", name="Enable on this device")).to_be_enabled()  # try again later
    expect(page.locator(".push-devices li")).to_have_count(0)


def test_a_device_is_removed_from_the_list(page_factory, make_user, push_keys, push_service, app, screenshot_dir):
    """Turning a device off from another one (the phone was lost): "Remove" in the list, a plain form."""
    from app.extensions import db
    from app.models.user import User
    from app.services import push

    user = make_user()
    with app.test_request_context():
        push.subscribe(db.session.get(User, user.id), push.parse_subscription(push_service.subscribe().to_json()),
                       "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36")
        db.session.commit()
    page = page_factory(PHONE)
    log_in_as(page, user, through_form=False)
    page.goto("/notifications/settings")
    devices = page.locator(".push-devices li")
    expect(devices).to_have_count(1)
    expect(devices.first).to_contain_text("Chrome on Android")
    assert_fits_viewport(page, "push devices")
    page.locator("#push").screenshot(path=str(screenshot_dir / "push-settings-phone.png"))
    devices.first.get_by_role("button", name=re.compile("Remove")).click()
    expect(page.get_by_text("The device receives no more push notifications from us.")).to_be_visible()
    expect(page.get_by_text("No device receives push notifications from us.")).to_be_visible()
