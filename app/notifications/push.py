"""Push notifications: a device subscribes (JSON from our script), devices are removed, kinds are chosen.

The settings page itself is app.notifications.routes.settings; these are the actions on its push section.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.forms import ConfirmForm
from app.notifications import bp
from app.notifications.forms import PushChoicesForm
from app.services import push
from app.services.push import InvalidSubscription


@bp.post("/push/devices")
@login_required
def subscribe_device():
    """The browser's PushSubscription as JSON (CSRF token in the X-CSRFToken header): 201 with the device."""
    if push.public_key() is None:
        return jsonify(error=_("Push notifications are not set up on this site.")), 409
    data = request.get_json(silent=True)
    try:
        device = push.subscribe(current_user, push.parse_subscription(data), request.user_agent.string)
    except InvalidSubscription as error:
        return jsonify(error=str(error.message)), 400
    session["push_device"] = device.id  # logging out on this browser removes it (app.auth.routes.logout)
    return jsonify(id=device.id, device=push.device_name(device.device)), 201


@bp.post("/push/devices/<int:device_id>/remove")
@login_required
def remove_device(device_id: int):
    """"Remove" in the list (a plain form), or our script after the browser unsubscribed."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not push.remove_device(current_user, device_id):
        abort(404)  # not one of this person's devices
    if request.accept_mimetypes.best == "application/json":
        return jsonify(removed=device_id)
    flash(_("The device receives no more push notifications from us."), "success")
    return redirect(url_for("notifications.settings", _anchor="push"))


@bp.post("/push/kinds")
@login_required
def push_kinds():
    form = PushChoicesForm()
    if not policy.can_decide_membership(current_user):
        del form.applications
    if not form.validate_on_submit():
        abort(400)
    push.set_choices(current_user, {name: field.data for name, field in form._fields.items() if name != "csrf_token"})
    flash(_("Your push settings are saved."), "success")
    return redirect(url_for("notifications.settings", _anchor="push"))
