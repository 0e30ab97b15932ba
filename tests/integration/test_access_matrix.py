"""Every route × every role, enumerated from the URL map: a new route without an entry here
fails the suite, so nobody adds a page without deciding who may open it."""

from __future__ import annotations

import pytest

from app.models.user import Role

ROLES = ("visitor", "alumnus", "member", "volunteer", "admin")
ALL = dict.fromkeys(ROLES, 200)
LOGGED_IN_ONLY = {"visitor": 302, "alumnus": 200, "member": 200, "volunteer": 200, "admin": 200}
VISITOR_ONLY = {"visitor": 200, "alumnus": 302, "member": 302, "volunteer": 302, "admin": 302}
MEMBERS = {"visitor": 302, "alumnus": 403, "member": 200, "volunteer": 200, "admin": 200}
ADMINS = {"visitor": 302, "alumnus": 403, "member": 403, "volunteer": 403, "admin": 200}
MODERATORS = {"visitor": 302, "alumnus": 403, "member": 403, "volunteer": 200, "admin": 200}
MEMBERS_READ = {"visitor": 404, "alumnus": 404, "member": 200, "volunteer": 200, "admin": 200}
MEMBERS_AREA = {"visitor": 302, "alumnus": 403, "member": 200, "volunteer": 200, "admin": 200}
NOT_THE_AUTHOR = {"visitor": 302, **dict.fromkeys(ROLES[1:], 403)}

# endpoint (or "endpoint#variant") -> (url arguments, expected GET status per role). Arguments in
# capitals name objects of the `world` fixture: a public discussion and a members-only post by another
# alumnus, a comment on the public one, an open report, and a target account.
GET_MATRIX = {
    "feed.index": ({}, ALL),
    "feed.atom": ({}, ALL),
    "feed.show": ({"post_id": "PUBLIC_POST"}, ALL),
    "feed.show#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ),
    "feed.comments_atom": ({"post_id": "PUBLIC_POST"}, ALL),
    "feed.comments_atom#members-only": ({"post_id": "MEMBERS_POST"}, dict.fromkeys(ROLES, 404)),
    "feed.new_post": ({}, LOGGED_IN_ONLY),
    "feed.edit_post": ({"post_id": "PUBLIC_POST"}, NOT_THE_AUTHOR),
    "feed.edit_post#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ | {
        "visitor": 302, "member": 403, "volunteer": 403, "admin": 403}),
    "feed.permalink": ({"comment_id": "COMMENT"}, dict.fromkeys(ROLES, 302)),
    "feed.permalink#members-only": ({"comment_id": "MEMBERS_COMMENT"}, MEMBERS_READ | {
        "member": 302, "volunteer": 302, "admin": 302}),
    "feed.reply": ({"comment_id": "COMMENT"}, LOGGED_IN_ONLY),
    "feed.replies": ({"comment_id": "COMMENT"}, ALL),
    "feed.replies#members-only": ({"comment_id": "MEMBERS_COMMENT"}, MEMBERS_READ),
    "feed.edit_comment": ({"comment_id": "COMMENT"}, NOT_THE_AUTHOR),
    "feed.delete_comment": ({"comment_id": "COMMENT"}, NOT_THE_AUTHOR),
    "feed.report_post": ({"post_id": "PUBLIC_POST"}, LOGGED_IN_ONLY),
    "feed.report_post#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ | {"visitor": 302}),
    "feed.report_comment": ({"comment_id": "COMMENT"}, LOGGED_IN_ONLY),
    "moderation.queue": ({}, MODERATORS),
    "moderation.categories": ({}, MODERATORS),
    "moderation.thread_settings": ({"post_id": "PUBLIC_POST"}, MODERATORS),
    "moderation.words": ({}, MODERATORS),
    "admin.settings": ({}, ADMINS),
    "admin.settings#section": ({"section": "imprint"}, ADMINS),
    "admin.settings#unknown": ({"section": "nonsense"}, ADMINS | {"admin": 404}),
    "admin.look": ({}, ADMINS),
    "admin.mail_preview": ({"kind": "welcome", "locale": "de"}, ADMINS),
    "admin.setup": ({}, ADMINS | {"admin": 302}),
    "admin.setup_step": ({"step": "privacy"}, ADMINS),
    "admin.setup_step#unknown": ({"step": "nonsense"}, ADMINS | {"admin": 404}),
    "auth.first_admin": ({"token": "forged"}, dict.fromkeys(ROLES, 302)),  # refused: to the login
    "main.favicon": ({}, dict.fromkeys(ROLES, 302)),
    "main.logo": ({"version": "abc123", "name": "header"}, dict.fromkeys(ROLES, 404)),
    "main.theme": ({"version": "0b5cad"}, ALL),
    # The installable web app (app.webapp): the same for everyone; an icon of another version is gone.
    "webapp.manifest": ({}, ALL),
    "webapp.icon": ({"version": "ICON_VERSION", "name": "icon-192"}, ALL),
    "webapp.icon#old-version": ({"version": "abc123", "name": "icon-192"}, dict.fromkeys(ROLES, 404)),
    "webapp.icon#unknown-name": ({"version": "ICON_VERSION", "name": "secret"}, dict.fromkeys(ROLES, 404)),
    "webapp.service_worker": ({}, ALL),
    "webapp.offline": ({}, ALL),
    "events.mine": ({}, LOGGED_IN_ONLY),
    "events.show": ({"event_id": "EVENT"}, ALL),
    "events.show#members-only": ({"event_id": "MEMBERS_EVENT"}, MEMBERS_READ),
    "events.new": ({}, MODERATORS),
    "events.edit": ({"event_id": "EVENT"}, MODERATORS),
    "events.photos": ({"event_id": "EVENT"}, NOT_THE_AUTHOR),  # photos come after the event
    "events.edit#members-only": ({"event_id": "MEMBERS_EVENT"}, MODERATORS),
    "events.cancel": ({"event_id": "EVENT"}, MODERATORS),
    "events.event_calendar": ({"event_id": "EVENT"}, ALL),
    "events.event_calendar#members-only": ({"event_id": "MEMBERS_EVENT"}, MEMBERS_READ),
    "events.public_calendar": ({}, ALL),
    "events.personal_calendar": ({"token": "CALENDAR_TOKEN"}, ALL),
    "events.personal_calendar#forged": ({"token": "forged-token-forged-token-forged"}, dict.fromkeys(ROLES, 404)),
    "events.cancel_by_link": ({"token": "CANCEL_TOKEN"}, ALL),
    "events.cancel_by_link#forged": ({"token": "forged"}, dict.fromkeys(ROLES, 400)),
    "events.attendees": ({"event_id": "EVENT"}, MODERATORS),
    "events.cancel_signup": ({"event_id": "EVENT"}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 404)}),
    "events.attendees#members-only": ({"event_id": "MEMBERS_EVENT"}, MODERATORS),
    "events.attendees_csv": ({"event_id": "EVENT"}, MODERATORS),
    "events.message": ({"event_id": "EVENT"}, MODERATORS),
    "members.apply": ({}, {"visitor": 302, "alumnus": 200, "member": 302, "volunteer": 302, "admin": 302}),
    "members.applications": ({}, MODERATORS),
    "members.invitations": ({}, MODERATORS),
    "members.leave": ({}, {"visitor": 302, "alumnus": 403, "member": 200, "volunteer": 403, "admin": 403}),
    "members.directory_index": ({}, MEMBERS_AREA),
    "members.profile": ({"user_id": "AUTHOR"}, MEMBERS_AREA),
    "members.profile#unlisted": ({"user_id": "TARGET"}, MEMBERS_AREA | {"member": 404, "volunteer": 404,
                                                                        "admin": 404}),
    "members.photo": ({"user_id": "AUTHOR"}, MEMBERS_AREA),
    "members.edit_profile": ({}, MEMBERS_AREA),
    "members.contact": ({"user_id": "AUTHOR"}, MEMBERS_AREA),
    "members.documents_index": ({}, MEMBERS_AREA),
    "members.download_document": ({"document_id": "DOCUMENT"}, MEMBERS_AREA),
    "members.download_document#unknown": ({"document_id": 999999}, MEMBERS_AREA | {
        "member": 404, "volunteer": 404, "admin": 404}),
    "members.accept_invitation": ({"token": "INVITATION_TOKEN"}, ALL),
    "members.accept_invitation#forged": ({"token": "forged"}, dict.fromkeys(ROLES, 400)),
    "notifications.index": ({}, LOGGED_IN_ONLY),
    "notifications.settings": ({}, LOGGED_IN_ONLY),
    "notifications.unsubscribe": ({"token": "UNSUBSCRIBE_TOKEN"}, ALL),
    "notifications.unsubscribe#forged": ({"token": "forged"}, dict.fromkeys(ROLES, 400)),
    "notifications.confirm_mail": ({"token": "CONSENT_TOKEN"}, ALL),
    "notifications.announce": ({"post_id": "NEWS_POST"}, MODERATORS),
    "notifications.announce#discussion": ({"post_id": "PUBLIC_POST"}, MODERATORS | {"volunteer": 404, "admin": 404}),
    "main.imprint": ({}, ALL),
    "main.privacy": ({}, ALL),
    "main.guidelines": ({}, ALL),
    "main.switch_language": ({"code": "en"}, dict.fromkeys(ROLES, 302)),
    "main.healthz": ({}, ALL),
    "auth.register": ({}, VISITOR_ONLY),
    "auth.check_email": ({}, ALL),
    "auth.verify_email": ({"token": "any"}, ALL),
    "auth.login": ({}, VISITOR_ONLY),
    "auth.reset_request": ({}, ALL),
    "auth.reset_password": ({"token": "forged"}, dict.fromkeys(ROLES, 302)),
    "account.settings": ({}, LOGGED_IN_ONLY),
    "account.change_email": ({}, LOGGED_IN_ONLY),
    "account.change_password": ({}, LOGGED_IN_ONLY),
    "account.confirm_email": ({"token": "any"}, ALL),
    "members.home": ({}, MEMBERS),
    "events.index": ({}, ALL),
    "search.index": ({}, ALL),
    "people.show": ({"handle": "AUTHOR_HANDLE"}, LOGGED_IN_ONLY | {"visitor": 404}),  # default: registered alumni
    "people.generated_avatar": ({"handle": "AUTHOR_HANDLE"}, ALL),
    "people.avatar": ({"handle": "AUTHOR_HANDLE", "size": 64}, dict.fromkeys(ROLES, 404)),  # none uploaded
    "account.profile": ({}, LOGGED_IN_ONLY),
    "account.download_data": ({}, LOGGED_IN_ONLY),
    "account.delete_account": ({}, LOGGED_IN_ONLY),
    "files.show": ({"attachment_id": "PHOTO"}, ALL),
    "files.show#members-only": ({"attachment_id": "MEMBERS_PHOTO"}, MEMBERS_READ),
    "files.image": ({"attachment_id": "PHOTO", "width": 320}, ALL),
    "files.image#members-only": ({"attachment_id": "MEMBERS_PHOTO", "width": 320}, MEMBERS_READ),
    "files.download": ({"attachment_id": "PHOTO"}, ALL),
    "files.report": ({"attachment_id": "PHOTO"}, LOGGED_IN_ONLY),
    "files.report#members-only": ({"attachment_id": "MEMBERS_PHOTO"}, MEMBERS_READ | {"visitor": 302}),
    "files.download#members-only": ({"attachment_id": "MEMBERS_PHOTO"}, MEMBERS_READ),
    "search.index#query": ({"q": "Sommerfest"}, ALL),
    "admin.users": ({}, ADMINS),
    "admin.erase": ({"user_id": "SPARE"}, ADMINS),
    "admin.audit_log": ({}, ADMINS),
    "admin.jobs": ({}, ADMINS),
    "moderation.person": ({"user_id": "TARGET"}, MODERATORS),
    "moderation.person#unknown": ({"user_id": 999999}, MODERATORS | {"volunteer": 404, "admin": 404}),
    "moderation.sanction": ({"user_id": "TARGET", "kind": "silence"}, MODERATORS),
    "moderation.sanction#suspension": ({"user_id": "TARGET", "kind": "suspension"}, ADMINS),
    "admin.pages": ({}, ADMINS),
    "admin.edit_page": ({"slug": "imprint", "locale": "de"}, ADMINS),
    "organizer.dashboard_page": ({}, MODERATORS),
    "organizer.dashboard_page#months": ({"period": "month"}, MODERATORS),
    "organizer.export": ({"key": "active_people"}, MODERATORS),
    "organizer.export#unknown": ({"key": "nonsense"}, MODERATORS | {"volunteer": 404, "admin": 404}),
    "organizer.goals": ({}, ADMINS),
    "admin.import_consent": ({}, ADMINS),
    "ideas.index": ({}, ALL),
    "ideas.status": ({"post_id": "PUBLIC_IDEA"}, MODERATORS),
    "ideas.status#members-only": ({"post_id": "MEMBERS_IDEA"}, MODERATORS),
    "ideas.status#not-an-idea": ({"post_id": "NEWS_POST"}, MODERATORS | {"volunteer": 404, "admin": 404}),
    # Polls (the world's two posts carry one, see the `world` fixture below): only the post's author changes it.
    "polls.edit": ({"post_id": "PUBLIC_POST"}, NOT_THE_AUTHOR),
    "polls.edit#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ | {
        "visitor": 302, "member": 403, "volunteer": 403, "admin": 403}),
    "opportunities.index": ({}, ALL),
    "opportunities.atom": ({}, ALL),
    "opportunities.show": ({"offer_id": "OFFER"}, ALL),
    "opportunities.show#members-only": ({"offer_id": "MEMBERS_OFFER"}, MEMBERS_READ),
    "opportunities.show#unknown": ({"offer_id": 999999}, dict.fromkeys(ROLES, 404)),
    "opportunities.new": ({}, LOGGED_IN_ONLY),
    "opportunities.edit": ({"offer_id": "OFFER"}, MODERATORS),  # the author and moderators
    "opportunities.edit#members-only": ({"offer_id": "MEMBERS_OFFER"}, MEMBERS_READ | {
        "visitor": 302, "member": 403}),
    "opportunities.report": ({"offer_id": "OFFER"}, LOGGED_IN_ONLY),
    "opportunities.report#members-only": ({"offer_id": "MEMBERS_OFFER"}, MEMBERS_READ | {"visitor": 302}),
}

# endpoint -> (url arguments, expected status of a POST with a valid CSRF token and no other data)
POST_MATRIX = {
    "feed.new_post": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "feed.edit_post": ({"post_id": "PUBLIC_POST"}, NOT_THE_AUTHOR),
    "feed.like_post": ({"post_id": "PUBLIC_POST"}, dict.fromkeys(ROLES, 302)),
    "feed.like_post#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ | {
        "visitor": 302, "member": 302, "volunteer": 302, "admin": 302}),
    # Members vote (alumni only when the setting is on); not an idea, or not readable: 404.
    "ideas.vote": ({"post_id": "PUBLIC_IDEA"}, {"visitor": 302, "alumnus": 403, "member": 302, "volunteer": 302,
                                                "admin": 302}),
    "ideas.vote#members-only": ({"post_id": "MEMBERS_IDEA"}, MEMBERS_READ | {
        "visitor": 302, "member": 302, "volunteer": 302, "admin": 302}),
    "ideas.vote#not-an-idea": ({"post_id": "NEWS_POST"}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 404)}),
    "ideas.status": ({"post_id": "PUBLIC_IDEA"}, MODERATORS | {"volunteer": 400, "admin": 400}),  # no status
    "ideas.mark": ({"post_id": "PUBLIC_POST"}, MODERATORS | {"volunteer": 400, "admin": 400}),  # neither way said
    "feed.add_comment": ({"post_id": "PUBLIC_POST"}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "feed.add_comment#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ | {
        "visitor": 302, "member": 400, "volunteer": 400, "admin": 400}),
    "feed.edit_comment": ({"comment_id": "COMMENT"}, NOT_THE_AUTHOR),
    "feed.delete_comment": ({"comment_id": "COMMENT"}, NOT_THE_AUTHOR),
    "feed.like_comment": ({"comment_id": "COMMENT"}, dict.fromkeys(ROLES, 302)),
    "feed.report_post": ({"post_id": "PUBLIC_POST"}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "feed.report_comment": ({"comment_id": "COMMENT"}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    # No option chosen: said so on the post's page, nothing counted.
    "polls.vote": ({"post_id": "PUBLIC_POST"}, dict.fromkeys(ROLES, 302)),
    "polls.vote#members-only": ({"post_id": "MEMBERS_POST"}, MEMBERS_READ | {
        "visitor": 302, "member": 302, "volunteer": 302, "admin": 302}),
    "polls.edit": ({"post_id": "PUBLIC_POST"}, NOT_THE_AUTHOR),
    "polls.close": ({"post_id": "PUBLIC_POST"}, MODERATORS | {"volunteer": 302, "admin": 302}),
    "polls.close#members-only": ({"post_id": "MEMBERS_POST"}, MODERATORS | {
        "alumnus": 404, "volunteer": 302, "admin": 302}),
    "moderation.categories": ({}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "moderation.change_category": ({"category_id": "CATEGORY"}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "moderation.dismiss_report": ({"report_id": "REPORT"}, MODERATORS | {"volunteer": 302, "admin": 302}),
    "moderation.decide": ({}, MODERATORS | {"volunteer": 302, "admin": 302}),  # nothing selected: said so
    "moderation.thread_settings": ({"post_id": "PUBLIC_POST"}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "moderation.words": ({}, MODERATORS | {"volunteer": 400, "admin": 400}),  # no words given
    "moderation.test_words": ({}, MODERATORS | {"volunteer": 400, "admin": 400}),  # no text given
    "moderation.change_word": ({"word_id": 999999}, MODERATORS | {"volunteer": 404, "admin": 404}),
    "moderation.load_default_words": ({}, MODERATORS | {"volunteer": 302, "admin": 302}),
    "moderation.post_action": ({"post_id": "PUBLIC_POST", "action": "lock"},
                               MODERATORS | {"volunteer": 302, "admin": 302}),
    "moderation.comment_action": ({"comment_id": "COMMENT", "action": "hide"},
                                  MODERATORS | {"volunteer": 302, "admin": 302}),
    "files.upload_drafts": ({}, LOGGED_IN_ONLY),  # nothing chosen: an empty list
    "account.profile": ({}, dict.fromkeys(ROLES, 302)),
    "account.download_data": ({}, LOGGED_IN_ONLY | {"alumnus": 400, "member": 400, "volunteer": 400, "admin": 400}),
    "account.delete_account": ({}, LOGGED_IN_ONLY | {"alumnus": 400, "member": 400, "volunteer": 400, "admin": 400}),  # saved (the form starts from the stored values)
    "files.report": ({"attachment_id": "PHOTO"}, LOGGED_IN_ONLY | {"alumnus": 400, "member": 400, "volunteer": 400,
                                                                    "admin": 400}),  # no reason chosen
    "moderation.attachment_action": ({"attachment_id": "PHOTO", "action": "hide"},
                                     MODERATORS | {"volunteer": 302, "admin": 302}),
    "moderation.sanction": ({"user_id": "TARGET", "kind": "warning"},
                            MODERATORS | {"volunteer": 400, "admin": 400}),  # a reason is required
    "moderation.sanction#suspension": ({"user_id": "TARGET", "kind": "suspension"}, ADMINS | {"admin": 400}),
    "moderation.lift": ({"user_id": "TARGET", "kind": "silence"},
                        MODERATORS | {"volunteer": 302, "admin": 302}),  # none in force: nothing happens
    "moderation.lift#suspension": ({"user_id": "TARGET", "kind": "suspension"}, ADMINS | {"admin": 302}),
    "admin.erase": ({"user_id": "SPARE"}, ADMINS | {"admin": 302}),
    "admin.settings": ({}, ADMINS | {"admin": 400}),  # the association's name is required
    "admin.settings#links": ({"section": "links"}, ADMINS | {"admin": 302}),
    "admin.look": ({}, ADMINS | {"admin": 302}),
    "admin.setup_step": ({"step": "access"}, ADMINS | {"admin": 400}),  # a registration mode is required
    "admin.approve": ({"user_id": "TARGET"}, ADMINS | {"admin": 302}),  # not waiting: nothing happens
    "auth.first_admin": ({"token": "forged"}, dict.fromkeys(ROLES, 302)),
    "account.new_calendar_token": ({}, dict.fromkeys(ROLES, 302)),
    "events.signup": ({"event_id": "EVENT"}, dict.fromkeys(ROLES, 302)),
    "events.signup#members-only": ({"event_id": "MEMBERS_EVENT"}, MEMBERS_READ | {
        "visitor": 302, "member": 302, "volunteer": 302, "admin": 302}),
    "events.cancel_signup": ({"event_id": "EVENT"}, dict.fromkeys(ROLES, 302)),
    "events.new": ({}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "events.edit": ({"event_id": "EVENT"}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "events.photos": ({"event_id": "EVENT"}, NOT_THE_AUTHOR),
    "events.message": ({"event_id": "EVENT"}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "events.add_attendee": ({"event_id": "EVENT"}, MODERATORS | {"volunteer": 302, "admin": 302}),
    "events.remove_attendee": ({"event_id": "EVENT", "signup_id": "SIGNUP"},
                               MODERATORS | {"volunteer": 302, "admin": 302}),
    "events.cancel_by_link": ({"token": "CANCEL_TOKEN"}, dict.fromkeys(ROLES, 302)),
    "events.cancel": ({"event_id": "EVENT"}, MODERATORS | {"volunteer": 302, "admin": 302}),
    "members.apply": ({}, {"visitor": 302, "alumnus": 400, "member": 302, "volunteer": 302, "admin": 302}),
    "members.decide": ({"application_id": "APPLICATION", "decision": "approve"},
                       MODERATORS | {"volunteer": 302, "admin": 302}),
    "members.invitations": ({}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "members.invitation_action": ({"invitation_id": "INVITATION", "action": "resend"},
                                  MODERATORS | {"volunteer": 302, "admin": 302}),
    "members.accept_invitation": ({"token": "INVITATION_TOKEN"}, dict.fromkeys(ROLES, 400)),
    "members.edit_profile": ({}, MEMBERS_AREA | {"member": 302, "volunteer": 302, "admin": 302}),
    "members.contact": ({"user_id": "AUTHOR"}, MEMBERS_AREA | {"member": 400, "volunteer": 400, "admin": 400}),
    "members.upload_document": ({}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "members.delete_document": ({"document_id": "DOCUMENT"}, MODERATORS | {"volunteer": 302, "admin": 302}),
    "admin.end_membership": ({"user_id": "AUTHOR"}, ADMINS | {"admin": 302}),
    "notifications.open_group": ({"kind": "post", "target_id": "PUBLIC_POST"}, dict.fromkeys(ROLES, 302)),
    "notifications.read_all": ({}, dict.fromkeys(ROLES, 302)),
    "notifications.follow": ({"kind": "post", "target_id": "PUBLIC_POST", "action": "follow"},
                             dict.fromkeys(ROLES, 302)),
    "notifications.follow#members-only": ({"kind": "post", "target_id": "MEMBERS_POST", "action": "follow"},
                                          MEMBERS_READ | {"visitor": 302, "member": 302, "volunteer": 302,
                                                          "admin": 302}),
    "notifications.settings": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "notifications.confirm_mail": ({"token": "CONSENT_TOKEN"}, dict.fromkeys(ROLES, 302)),
    # No VAPID key in the suite's app: push is not offered (409); with one, a form body is no subscription (400).
    "notifications.subscribe_device": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 409)}),
    "notifications.remove_device": ({"device_id": 999999}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 404)}),
    "notifications.push_kinds": ({}, dict.fromkeys(ROLES, 302)),  # boxes left out: those kinds off
    "notifications.unsubscribe": ({"token": "UNSUBSCRIBE_TOKEN"}, ALL),
    # Nobody in the world agreed to news by mail: "send" to nobody is refused, next to the form.
    "notifications.announce": ({"post_id": "NEWS_POST"}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "members.leave": ({}, {"visitor": 302, "alumnus": 403, "member": 302, "volunteer": 403, "admin": 403}),
    "auth.register": ({}, {"visitor": 400, "alumnus": 302, "member": 302, "volunteer": 302, "admin": 302}),
    "auth.verify_email": ({"token": "forged"}, dict.fromkeys(ROLES, 302)),
    "auth.resend_verification": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 302)}),
    "auth.login": ({}, {"visitor": 400, **dict.fromkeys(ROLES[1:], 400)}),
    "auth.logout": ({}, dict.fromkeys(ROLES, 302)),
    "auth.reset_request": ({}, dict.fromkeys(ROLES, 400)),
    "auth.reset_password": ({"token": "forged"}, dict.fromkeys(ROLES, 302)),
    "account.settings": ({}, dict.fromkeys(ROLES, 302)),  # fields left out keep their stored values
    "account.change_email": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "account.change_password": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "account.confirm_email": ({"token": "forged"}, dict.fromkeys(ROLES, 302)),
    "admin.change_role": ({"user_id": "TARGET"}, {"visitor": 302, "alumnus": 403, "member": 403, "volunteer": 403,
                                          "admin": 302}),
    "admin.edit_page": ({"slug": "imprint", "locale": "de"}, ADMINS | {"admin": 400}),
    "organizer.goals": ({}, ADMINS | {"admin": 400}),  # no target given
    "organizer.archive_goal": ({"goal_id": 999999}, ADMINS | {"admin": 404}),
    "admin.import_consent": ({}, ADMINS | {"admin": 400}),  # no file chosen
    "opportunities.new": ({}, {"visitor": 302, **dict.fromkeys(ROLES[1:], 400)}),
    "opportunities.edit": ({"offer_id": "OFFER"}, MODERATORS | {"volunteer": 400, "admin": 400}),
    "opportunities.change": ({"offer_id": "OFFER", "action": "renew"}, MODERATORS | {"volunteer": 302, "admin": 302}),
    # The member left the membership earlier in this list ("members.leave"): the offer is out of their sight now.
    "opportunities.change#members-only": ({"offer_id": "MEMBERS_OFFER", "action": "close"},
                                          MEMBERS_READ | {"visitor": 302, "member": 404, "volunteer": 302,
                                                          "admin": 302}),
    "opportunities.moderate": ({"offer_id": "OFFER", "action": "restore"},
                               MODERATORS | {"volunteer": 302, "admin": 302}),
    "opportunities.apply": ({"offer_id": "OFFER"}, LOGGED_IN_ONLY | {"alumnus": 400, "member": 400, "volunteer": 400,
                                                                     "admin": 400}),  # no message written
    # ... and moderators closed it just above: a closed offer takes no applications.
    "opportunities.apply#members-only": ({"offer_id": "MEMBERS_OFFER"}, MEMBERS_READ | {
        "visitor": 302, "member": 404, "volunteer": 403, "admin": 403}),
    "opportunities.report": ({"offer_id": "OFFER"}, LOGGED_IN_ONLY | {"alumnus": 400, "member": 400, "volunteer": 400,
                                                                      "admin": 400}),  # no reason chosen
    "opportunities.follow_board": ({"kind": "volunteer", "action": "follow"}, dict.fromkeys(ROLES, 302)),
}


@pytest.fixture
def world(world, app):
    """The world of conftest, its public and members-only posts each with a poll by their author."""
    from types import SimpleNamespace

    from tests.integration.test_polls import make_poll

    for key in ("PUBLIC_POST", "MEMBERS_POST"):
        make_poll(app, SimpleNamespace(id=world[key]))
    with app.app_context():
        from app.services.webapp import icon_version

        world["ICON_VERSION"] = icon_version()
    return world


def rules(app, method):
    return sorted({rule.endpoint for rule in app.url_map.iter_rules()
                   if method in rule.methods and rule.endpoint != "static"})


def _endpoints(matrix):
    return {key.split("#")[0] for key in matrix}


def test_every_get_route_has_an_entry(app):
    missing = set(rules(app, "GET")) - _endpoints(GET_MATRIX)
    assert not missing, f"routes without an access decision in GET_MATRIX: {sorted(missing)}"


def test_every_post_route_has_an_entry(app):
    missing = set(rules(app, "POST")) - _endpoints(POST_MATRIX)
    assert not missing, f"routes without an access decision in POST_MATRIX: {sorted(missing)}"


def _resolve(args, world):
    return {key: world.get(value, value) if isinstance(value, str) else value for key, value in args.items()}


@pytest.fixture
def as_role(client, make_user):
    def login_as(role_name):
        if role_name != "visitor":
            client.login(make_user(Role(role_name)))
        return client

    return login_as


def _url(app, endpoint, args):
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(app, as_role, world, role):
    client = as_role(role)
    wrong = {}
    for endpoint, (args, expected) in GET_MATRIX.items():
        status = client.get(_url(app, endpoint.split("#")[0], _resolve(args, world))).status_code
        if status != expected[role]:
            wrong[endpoint] = (status, expected[role])
    assert not wrong, f"{role}: endpoint -> (got, expected): {wrong}"


@pytest.mark.parametrize("role", ROLES)
def test_post_matrix(app, as_role, world, role):
    client = as_role(role)
    wrong = {}
    for endpoint, (args, expected) in POST_MATRIX.items():
        if endpoint == "auth.logout":
            continue  # would end the session the other rows need; tested at the end
        token = client.token("/auth/reset")
        status = client.post(_url(app, endpoint.split("#")[0], _resolve(args, world)),
                             data={"csrf_token": token}).status_code
        if status != expected[role]:
            wrong[endpoint] = (status, expected[role])
    token = client.token("/auth/reset")
    logout_status = client.post("/auth/logout", data={"csrf_token": token}).status_code
    if logout_status != POST_MATRIX["auth.logout"][1][role]:
        wrong["auth.logout"] = (logout_status, POST_MATRIX["auth.logout"][1][role])
    assert not wrong, f"{role}: endpoint -> (got, expected): {wrong}"


# RFC 8058 one-click unsubscribe: mail programs POST without a form; the signed token is the proof.
CSRF_EXEMPT = {"notifications.unsubscribe"}


@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_every_post_without_csrf_token_is_refused(app, as_role, world, role):
    client = as_role(role)
    for endpoint, (args, _expected) in POST_MATRIX.items():
        if endpoint.split("#")[0] in CSRF_EXEMPT:
            continue
        response = client.post(_url(app, endpoint.split("#")[0], _resolve(args, world)), data={})
        assert response.status_code == 400, endpoint
        assert "The form has expired" in response.get_data(as_text=True)


def test_get_requests_change_nothing(app, client, make_user):
    """Mailed links only show a button; the state changes with the POST."""
    from app.extensions import db
    from app.models.user import User

    user = make_user(verified=False)
    with app.test_request_context():
        from app.services.tokens import make_token

        token = make_token("verify-email", {"uid": user.id, "email": user.email})
    client.get(f"/auth/verify/{token}")
    with app.app_context():
        assert not db.session.get(User, user.id).is_verified
