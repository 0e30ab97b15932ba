"""The settings pages' forms. Each form lists the settings (app.site) it edits, in groups; a field is named
like its setting, so one view loads and saves them all (app.admin.settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from app.forms import strip_text
from app.i18n import LANGUAGE_NAMES, MAIL_INTRO_TITLES


def _text(label, maximum=200, required=False, **kwargs) -> StringField:
    validators = [DataRequired(_l("Please fill in this field."))] if required else [Optional()]
    return StringField(label, filters=[strip_text], validators=[*validators, Length(
        max=maximum, message=_l("Use at most %(max)d characters."))], **kwargs)


def _lines(label, rows=4, maximum=2000, **kwargs) -> TextAreaField:
    return TextAreaField(label, filters=[strip_text], render_kw={"rows": rows}, validators=[
        Length(max=maximum, message=_l("Use at most %(max)d characters."))], **kwargs)


def _number(label, **kwargs) -> StringField:
    """A whole number, checked against its setting's range by the service (which says which range)."""
    return StringField(label, filters=[strip_text], render_kw={"inputmode": "numeric"},
                       validators=[InputRequired(_l("Please enter a whole number."))], **kwargs)


class SettingsForm(FlaskForm):
    """Base: GROUPS names the settings of this page, as (legend or None, [setting keys])."""

    GROUPS: tuple = ()

    @classmethod
    def setting_keys(cls) -> list[str]:
        return [key for _legend, keys in cls.GROUPS for key in keys]


class AssociationForm(SettingsForm):
    GROUPS = ((None, ("site_name", "tagline", "contact_email", "default_locale")),)
    site_name = _text(_l("Name of the association (shown in the header, in mail and in the browser tab)"),
                      maximum=80, required=True)
    tagline = _text(_l("A short description, one line"),
                    description=_l("E.g. “The alumni network of the Institute of Social Work”."))
    contact_email = EmailField(_l("Contact address"), filters=[strip_text], validators=[
        Optional(), Email(_l("Please enter a valid email address, e.g. name@example.org."),
                          check_deliverability=False), Length(max=254)],
        description=_l("Shown in the footer, the imprint and the privacy policy."))
    default_locale = SelectField(_l("Default language"),
                                 choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
                                 description=_l("For visitors whose browser asks for neither language, and for "
                                                "mail to people who never chose one."))


class LookForm(FlaskForm):
    logo = FileField(_l("Logo (PNG, JPEG or WebP)"),
                     description=_l("Shown in the header and in mail, and used as the icon in browser tabs and on "
                                    "phone home screens. Best square or wide, on a transparent or white "
                                    "background."))
    remove_logo = BooleanField(_l("Remove the logo"))
    accent_color = StringField(_l("Main colour"), filters=[strip_text], render_kw={"type": "color"},
                               validators=[Optional(), Length(max=7)],
                               description=_l("Used for links and buttons. A colour too light for readable text "
                                              "is darkened until it meets WCAG AA contrast."))


class AccessForm(SettingsForm):
    GROUPS = (
        (None, ("registration_mode",)),
        (_l("Members area"), ("members_area", "members_area_name_de", "members_area_name_en", "member_name_de",
                              "member_name_en")),
        (_l("New accounts"), ("new_accounts_follow_events",)),
    )
    registration_mode = RadioField(_l("Who may create an account?"), choices=[
        ("open", _l("Everyone (after confirming their email address)")),
        ("approval", _l("Everyone, but an admin approves each new account before it can log in")),
        ("invitation", _l("Only people who were invited")),
    ], validators=[InputRequired(_l("Please choose one of the options."))])
    members_area = BooleanField(_l("The association has a members area (exclusive posts, events, directory, "
                                   "documents)"))
    members_area_name_de = _text(_l("Name of the members area in German (empty: “Mitgliederbereich”)"), maximum=60)
    members_area_name_en = _text(_l("Name of the members area in English (empty: “Members area”)"), maximum=60)
    member_name_de = _text(_l("What members are called, in German (empty: “Mitglied”)"), maximum=60)
    member_name_en = _text(_l("What members are called, in English (empty: “Member”)"), maximum=60)
    new_accounts_follow_events = BooleanField(_l("New accounts follow the events calendar (a notification in the "
                                                 "bell for each new event; mail stays off until they choose it)"))


class ParticipationForm(SettingsForm):
    GROUPS = (
        (_l("Comments and discussions"), ("hold_first_posts", "comment_edit_minutes", "thread_page_size",
                                          "posting_rate_limit", "contact_rate_limit")),
        (_l("Ideas"), ("ideas_alumni_vote",)),
        (_l("Links from new accounts"), ("new_account_link_limit", "new_account_link_posts")),
        (_l("Invitations and events"), ("invitation_days", "reminder_hours")),
        (_l("Uploads"), ("attachment_max_mb", "attachments_per_item", "uploads_per_hour", "document_max_mb")),
        (_l("New accounts in their first days"), ("new_account_days", "new_account_posts_per_day",
                                                  "new_account_links_per_post", "new_account_uploads_per_day")),
    )
    hold_first_posts = BooleanField(
        _l("Hold the first comment or discussion of new accounts until a moderator approves it"))
    ideas_alumni_vote = BooleanField(_l("Registered alumni may vote for ideas too (otherwise members only)"))
    comment_edit_minutes = _number(_l("Minutes in which a comment can still be edited"))
    thread_page_size = _number(_l("Top-level comments shown at once in a discussion (with their replies)"),
                               description=_l("Long discussions show this many, then “Show more comments”."))
    posting_rate_limit = _text(_l("How much one person may write"), maximum=100,
                               description=_l("Comments, discussions and event sign-ups, e.g. “10 per minute; 100 "
                                              "per day”."))
    contact_rate_limit = _text(_l("Messages through the member directory per person"), maximum=100,
                               description=_l("E.g. “5 per hour”."))
    new_account_link_limit = _number(
        _l("Links a new account may put in one post or comment"),
        description=_l("More links hold it for approval, with the reason in the moderation queue."))
    new_account_link_posts = _number(
        _l("An account counts as new until this many of its posts and comments are published"),
        description=_l("0 turns the link rule off. The words watched for are under Moderation → Watched words."))
    invitation_days = _number(_l("Days an invitation link stays valid"))
    reminder_hours = _number(_l("Hours before an event its reminder is sent"))
    attachment_max_mb = _number(_l("Largest photo or file in posts and comments (MB)"))
    attachments_per_item = _number(_l("Photos and files per post, comment or event"))
    uploads_per_hour = _number(_l("Uploads per person and hour"))
    document_max_mb = _number(_l("Largest document in the members area (MB)"))
    new_account_days = _number(_l("Days an account counts as new (0: no limits for new accounts)"),
                               description=_l("Members, volunteers and admins never have these limits."))
    new_account_posts_per_day = _number(_l("Posts and comments a new account may write per day"))
    new_account_links_per_post = _number(_l("Links a new account may put into one post or comment (0: none)"))
    new_account_uploads_per_day = _number(_l("Photos and files a new account may upload per day (0: none)"))


class ReportsForm(SettingsForm):
    """Community flagging: when reports hide a post or comment until a moderator looks at it."""

    GROUPS = ((_l("Community flagging"), ("flag_hide_threshold",)),)
    flag_hide_threshold = _number(
        _l("Reports that hide a post or comment until a moderator has looked at it (0: never)"),
        description=_l("Reports from different people add up: an alumnus counts 1, a member 1½, an alumni "
                       "account in its first days (Participation → New accounts) ½, a volunteer’s report is "
                       "enough on its own. Unconfirmed and suspended accounts and the author count nothing. The "
                       "author is told why and can edit it; moderators restore it or confirm the hiding."))


class LinksForm(SettingsForm):
    GROUPS = ((None, ("footer_links", "social_links")),)
    footer_links = _lines(_l("More links in the footer"),
                          description=_l("One per line: “Label | https://address”, e.g. “Our website | "
                                         "https://example.org”."))
    social_links = _lines(_l("The association elsewhere (plain links, nothing is loaded from there)"),
                          description=_l("One per line, e.g. “Mastodon | https://social.example/@verein”."))


class ImprintForm(SettingsForm):
    GROUPS = ((None, ("imprint_organisation", "imprint_address", "contact_email", "imprint_phone",
                      "imprint_represented_by", "imprint_register", "imprint_vat_id", "imprint_responsible")),)
    imprint_organisation = _lines(_l("Name and legal form"), rows=2, maximum=500,
                                  description=_l("E.g. “Alumni des Instituts für Soziale Arbeit e. V.”"))
    imprint_address = _lines(_l("Postal address (a street address, not a PO box)"), rows=3, maximum=500)
    contact_email = EmailField(_l("Email address"), filters=[strip_text], validators=[
        Optional(), Email(_l("Please enter a valid email address, e.g. name@example.org."),
                          check_deliverability=False), Length(max=254)])
    imprint_phone = _text(_l("Phone (optional)"), maximum=100)
    imprint_represented_by = _lines(_l("Represented by (the board, with their functions)"), rows=3, maximum=500)
    imprint_register = _lines(_l("Register entry (court and number, e.g. Amtsgericht Köln VR 12345)"), rows=2,
                              maximum=500)
    imprint_vat_id = _text(_l("VAT identification number (if any)"), maximum=100)
    imprint_responsible = _lines(_l("Responsible for the content according to § 18 (2) MStV (name and address)"),
                                 rows=3, maximum=500)


class MailTextsForm(SettingsForm):
    """The editable intro of four system mails, per language (Markdown, sanitized)."""

    GROUPS = tuple((title, (f"mail_intro_{kind}_de", f"mail_intro_{kind}_en"))
                   for kind, title in MAIL_INTRO_TITLES.items())
    mail_intro_welcome_de = _lines(_l("German"), maximum=2000)
    mail_intro_welcome_en = _lines(_l("English"), maximum=2000)
    mail_intro_invitation_de = _lines(_l("German"), maximum=2000)
    mail_intro_invitation_en = _lines(_l("English"), maximum=2000)
    mail_intro_membership_accepted_de = _lines(_l("German"), maximum=2000)
    mail_intro_membership_accepted_en = _lines(_l("English"), maximum=2000)
    mail_intro_event_confirmation_de = _lines(_l("German"), maximum=2000)
    mail_intro_event_confirmation_en = _lines(_l("English"), maximum=2000)


class GuidelinesForm(FlaskForm):
    text_de = _lines(_l("Community guidelines in German (Markdown)"), rows=16, maximum=20_000)
    text_en = _lines(_l("Community guidelines in English (Markdown)"), rows=16, maximum=20_000)


class PrivacyForm(FlaskForm):
    """The generated privacy policy, published as it is (edit it afterwards under Pages)."""
