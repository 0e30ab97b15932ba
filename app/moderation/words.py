"""Watched words: the list (a page at a time, searchable), adding one or many, changing and deleting entries,
loading the default lists again, and trying a text against the rules."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import policy
from app.extensions import db
from app.forms import ConfirmForm, populate_errors
from app.i18n import WATCH_ACTION_LABELS, WATCH_KIND_LABELS
from app.loaders import page_number
from app.models.watched_word import WatchedWord, WatchKind
from app.moderation import bp
from app.moderation.forms import AddWordsForm, TrialForm, WordForm, WordSearchForm
from app.security import safe_next
from app.services import watched_words
from app.services.errors import DomainError, PermissionDenied


def _add_form() -> AddWordsForm:
    form = AddWordsForm()
    if not policy.can_write_patterns(current_user):  # volunteers: words and parts of words, no patterns
        form.kind.choices = [choice for choice in form.kind.choices if choice.value != WatchKind.REGEX]
    return form


def _page(add_form: AddWordsForm | None = None, trial_form: TrialForm | None = None, trial=None):
    search = WordSearchForm(request.args)
    filters = {"text": search.q.data or "", "action": search.action.data or "", "kind": search.kind.data or ""} \
        if search.validate() else {}
    return render_template("moderation/words.html", search=search, add_form=add_form or _add_form(),
                           trial_form=trial_form or TrialForm(formdata=None), trial=trial,
                           page=watched_words.find_entries(page=page_number(), **filters),
                           total=watched_words.entry_count(), actions=WATCH_ACTION_LABELS, kinds=WATCH_KIND_LABELS,
                           query={key: value for key, value in request.args.items() if key in ("q", "action", "kind")})


@bp.route("/words", methods=["GET", "POST"])
@policy.require(policy.can_manage_watched_words)
def words():
    form = _add_form()
    if form.validate_on_submit():
        try:
            result = watched_words.add_entries(current_user, form.lines.data, kind=form.kind.data,
                                               action=form.action.data, replacement=form.replacement.data or "",
                                               rule=form.rule.data or "")
        except PermissionDenied:
            abort(403)
        except DomainError as error:
            populate_errors(form, error)
        else:
            message = ngettext("%(num)d entry added.", "%(num)d entries added.", result.added)
            if result.already:
                message += " " + ngettext("%(num)d was on the list already.", "%(num)d were on the list already.",
                                          result.already)
            flash(message, "success")
            return redirect(url_for("moderation.words"))
    return _page(add_form=form), 400 if form.errors else 200


@bp.post("/words/test")
@policy.require(policy.can_manage_watched_words)
def test_words():
    """Try a text against the rules: which entries match, and what would happen to a new account's comment."""
    form = TrialForm()
    trial = watched_words.try_text(form.text.data) if form.validate_on_submit() else None
    return _page(trial_form=form, trial=trial), 400 if form.errors else 200


@bp.post("/words/<int:word_id>")
@policy.require(policy.can_manage_watched_words)
def change_word(word_id: int):
    """Save an entry's action, replacement and rule, or delete it (the button pressed says which)."""
    entry = db.get_or_404(WatchedWord, word_id)
    deleting = request.form.get("do") == "delete"
    form = ConfirmForm() if deleting else WordForm()
    if not form.validate_on_submit():
        errors = [str(message) for messages in form.errors.values() for message in messages]
        flash(" ".join(errors) or _("Please try again."), "error")
        return _back()
    try:
        if deleting:
            watched_words.delete_entry(current_user, entry)
        else:
            watched_words.change_entry(current_user, entry, action=form.action.data,
                                       replacement=form.replacement.data or "", rule=form.rule.data or "")
    except PermissionDenied:
        abort(403)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("“%(word)s” is deleted.", word=entry.text) if deleting else _("Saved."), "success")
    return _back()


@bp.post("/words/defaults")
@policy.require(policy.can_manage_watched_words)
def load_default_words():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    added = watched_words.load_defaults(current_user)
    flash(ngettext("%(num)d entry of the default list added again.", "%(num)d entries of the default list added "
                   "again.", added) if added else _("Every entry of the default list is on the list."), "success")
    return redirect(url_for("moderation.words"))


def _back():
    return redirect(safe_next(request.form.get("next"), url_for("moderation.words")))
