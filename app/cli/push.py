"""`flask push-keys`: the site's VAPID key pair for Web Push, generated once (like the development secret key)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app import push_keys as keys


@click.command("push-keys")
@with_appcontext
def push_keys() -> None:
    """Generate the VAPID key pair into VAPID_KEY_FILE (instance/vapid.pem), once; print the public key."""
    if current_app.config.get("VAPID_PRIVATE_KEY"):
        click.echo(f"VAPID_PRIVATE_KEY is set in the environment; its public key: {keys.public_key()}")
        return
    path = Path(current_app.config["VAPID_KEY_FILE"] or "")
    if not current_app.config["VAPID_KEY_FILE"]:
        raise click.ClickException("VAPID_KEY_FILE is empty: set it, or VAPID_PRIVATE_KEY.")
    try:
        public = keys.write_keys(path)
    except FileExistsError:
        # A new pair would silently end every device's subscription: keep the one there is.
        click.echo(f"{path} exists already; its public key: {keys.public_key()}")
        return
    click.echo(f"Wrote {path}. Push notifications are offered from now on. Public key: {public}")


COMMANDS = (push_keys,)
