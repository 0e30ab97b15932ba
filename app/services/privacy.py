"""The privacy page that tells the truth: its default text is generated from the same inventory the data
export and the account deletion use (app.services.data_export), so it names every kind of data stored, why,
and for how long. Admins start from it and edit it (Administration → Pages)."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from app import site
from app.services.data_export import EXPORTED


def _controller() -> list[str]:
    """Who is responsible (GDPR Art. 13 (1) a), from the imprint's facts, when they are known."""
    organisation = site.get("imprint_organisation") or site.get("site_name")
    lines = [_("## Who is responsible"), "", organisation + "  "]
    lines += [line.strip() + "  " for line in site.get("imprint_address").splitlines() if line.strip()]
    if site.get("contact_email"):
        lines.append(_("Email: %(address)s", address=site.get("contact_email")))
    return [*lines, ""]


def generated_policy(locale: str) -> str:
    """Markdown for the privacy page in `locale`, from the data inventory and the configured retention."""
    config = current_app.config
    with force_locale(locale):
        kinds = sorted({str(what) for _file, what in EXPORTED.values()})
        lines = [*_controller(), _("## What we store and why"),
            "",
            _("This site stores only what it needs to run the association's community. For every person with an "
              "account:"),
            "",
            "- " + _("Your account: email address, name, handle, language, role, password (only as a hash), when "
                     "you registered and last logged in, your consent to mail and its time."),
            "- " + _("Your public profile: picture, a few words about you, who may see it."),
        ]
        lines += [f"- {kind}" for kind in kinds]
        lines += [
            "- " + _("Mail we send you (kept %(days)d days after sending, then deleted).",
                     days=config["MAIL_KEEP_DAYS"]),
            "",
            _("We use this data to run the community: to show what you write to those you write for, to "
              "organise events, to decide on memberships and to send you the mail you chose. Nothing is "
              "sold or shared, and no page of this site loads anything from another company (no trackers, no "
              "fonts or pictures from elsewhere)."),
            "",
            _("## How long"),
            "",
            _("As long as your account exists. When you delete it, you are logged out at once; after %(days)d "
              "days (logging in before then undoes it) your personal data is erased, your sign-ups are "
              "cancelled, and what you wrote is kept under “Former member” or deleted, as you choose. Backups "
              "are kept for at most 30 days. Photos and files you uploaded but never used are deleted after a "
              "day. The web server's logs are kept by the operator for a few days.",
              days=config["ACCOUNT_DELETION_GRACE_DAYS"]),
            "",
            _("## Your rights"),
            "",
            _("Under the GDPR you may see all data about you (My account → My data: one download with "
              "everything), have it corrected (My account), have it erased (My account → Delete account), "
              "object to processing and complain to a data protection authority. Write to us through the "
              "address in the imprint."),
        ]
    return "\n".join(lines) + "\n"
