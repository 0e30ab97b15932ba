"""The board, an offer's page, the forms to post, edit, renew, close, apply, report and follow, and the Atom feed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import limits, policy, site
from app.caching import anonymous_cache
from app.extensions import limiter
from app.forms import ConfirmForm, ReportForm, populate_errors, submission_key
from app.loaders import id_or_404
from app.models.notification import FollowTarget
from app.models.opportunity import Opportunity, OpportunityKind, WorkMode
from app.models.post import Visibility
from app.models.types import utcnow
from app.opportunities import bp
from app.opportunities.forms import EMPLOYMENT_TYPES, KIND_LABELS, KIND_PLURALS, MODE_LABELS, ApplyForm, OfferForm
from app.opportunities.structured import job_posting
from app.services import categories, opportunities
from app.services.errors import DomainError, PermissionDenied
from app.services.notifications import follow, is_following, unfollow

LABELS = {"kind_labels": KIND_LABELS, "mode_labels": MODE_LABELS, "kind_plurals": KIND_PLURALS,
          "employment_types": EMPLOYMENT_TYPES}


def _load(offer_id: int) -> Opportunity:
    """The offer if this person may see it (open or not); otherwise 404, members-only and held ones included."""
    offer = opportunities.find_offer(id_or_404(offer_id))
    if offer is None or not policy.can_read_opportunity(current_user, offer):
        abort(404)
    return offer


def _filters() -> opportunities.BoardFilters:
    """The board's filters from the query string; unknown values are ignored, never an error."""
    kind, mode, slug = (request.args.get(name, "") for name in ("kind", "mode", "category"))
    category = categories.find_category(slug[:60]) if slug else None
    return opportunities.BoardFilters(
        kind=OpportunityKind(kind) if kind in set(OpportunityKind) else None,
        work_mode=WorkMode(mode) if mode in set(WorkMode) else None, category=category,
        text=request.args.get("q", "").replace("\x00", " ").strip()[:200])


@bp.get("/")
@anonymous_cache
def index():
    filters = _filters()
    page = opportunities.board_page(current_user, filters, cursor=request.args.get("before"))
    following = {kind: is_following(current_user, FollowTarget.OPPORTUNITIES, opportunities.follow_id(kind))
                 for kind in (None, *OpportunityKind)} if current_user.is_authenticated else {}
    return render_template("opportunities/index.html", page=page, filters=filters, following=following,
                           categories=categories.all_categories(), form=ConfirmForm() if following else None,
                           **LABELS)


@bp.get("/feed.atom")
@anonymous_cache
def atom():
    offers = opportunities.feed_offers()
    updated = max((offer.edited_at or offer.created_at for offer in offers), default=utcnow())
    # gettext in Python gives plain text, which the XML template escapes ("&" in the board's name).
    body = render_template("opportunities/atom.xml", offers=offers, updated=updated, title=_("Jobs & volunteering"),
                           **LABELS)
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


@bp.get("/<int:offer_id>")
@anonymous_cache
def show(offer_id: int):
    offer = _load(offer_id)
    may_apply = policy.can_apply_through_site(current_user, offer)
    may_edit = policy.can_edit_opportunity(current_user, offer)
    structured = job_posting(offer, site.get("site_name")) if policy.shows_job_posting(offer) else None
    confirm = ConfirmForm() if may_edit or policy.can_moderate(current_user) else None
    return render_template("opportunities/show.html", offer=offer, apply_form=ApplyForm() if may_apply else None,
                           may_edit=may_edit, structured=structured, form=confirm, **LABELS)


def _offer_form(offer: Opportunity | None = None) -> tuple[OfferForm, list]:
    choices = categories.all_categories(keep=offer.category if offer else None)
    form = OfferForm(obj=offer)
    form.set_categories(choices)
    if offer is not None and not form.is_submitted():
        form.category.data = str(offer.category_id or "")
        form.body.data = offer.body_source
        form.apply_method.data = "site" if offer.applies_through_site else "link"
        form.kind.data, form.work_mode.data = offer.kind.value, offer.work_mode.value
        form.visibility.data = offer.visibility.value
    return form, choices


def _details(form: OfferForm, choices) -> opportunities.OfferDetails:
    return opportunities.OfferDetails(
        kind=OpportunityKind(form.kind.data), title=form.title.data or "", organisation=form.organisation.data or "",
        body=form.body.data or "", place=form.place.data or "", work_mode=WorkMode(form.work_mode.data),
        starts_on=form.starts_on.data, hours=form.hours.data or "",
        category={str(c.id): c for c in choices}.get(form.category.data or ""),
        apply_url=form.apply_url.data if form.apply_method.data == "link" else None, deadline=form.deadline.data,
        visibility=Visibility.MEMBERS if form.visibility.data == "members" else Visibility.PUBLIC)


def _render_form(form: OfferForm, offer: Opportunity | None):
    return render_template("opportunities/edit.html", form=form, offer=offer), 400 if form.errors else 200


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(limits.posting, key_func=limits.per_person, methods=["POST"])
def new():
    if not policy.can_offer_opportunity(current_user):
        if not current_user.is_verified:
            flash(_("Please confirm your email address first. We have sent you a link."), "error")
            return redirect(url_for("account.settings"))
        abort(403)
    form, choices = _offer_form()
    if form.validate_on_submit():
        try:
            offer = opportunities.create_offer(current_user, _details(form, choices), submission=submission_key(form))
        except DomainError as error:
            populate_errors(form, DomainError(error.message, error.field))
        else:
            flash(_("Thank you! Your offer will appear once a moderator has approved it.") if offer.is_pending
                  else _("Your offer is on the board."), "info" if offer.is_pending else "success")
            return redirect(url_for("opportunities.show", offer_id=offer.id))
    return _render_form(form, None)


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(offer_id: int):
    offer = _load(offer_id)
    if not policy.can_edit_opportunity(current_user, offer):
        abort(403)
    form, choices = _offer_form(offer)
    if form.validate_on_submit():
        try:
            opportunities.edit_offer(current_user, offer, _details(form, choices))
        except DomainError as error:
            populate_errors(form, DomainError(error.message, error.field))
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("opportunities.show", offer_id=offer.id))
    return _render_form(form, offer)


@bp.post("/<int:offer_id>/<any(renew, close):action>")
@login_required
def change(offer_id: int, action: str):
    offer = _load(offer_id)
    if not policy.can_edit_opportunity(current_user, offer):
        abort(403)
    if ConfirmForm().validate_on_submit():
        if action == "renew":
            opportunities.renew_offer(current_user, offer)
            flash(_("The offer is open again until %(date)s.",
                    date=format_date(offer.deadline or offer.expires_at, "long")), "success")
        else:
            opportunities.close_offer(current_user, offer)
            flash(_("The offer is closed and has left the board."), "success")
    return redirect(url_for("opportunities.show", offer_id=offer.id))


@bp.post("/<int:offer_id>/moderate/<any(hide, restore, approve):action>")
@login_required
def moderate(offer_id: int, action: str):
    offer = _load(offer_id)
    if not policy.can_moderate(current_user):
        abort(403)
    if ConfirmForm().validate_on_submit():
        if action == "approve":
            opportunities.approve(current_user, offer)
        else:
            opportunities.set_hidden(current_user, offer, action == "hide")
        flash(_("Done."), "success")
    return redirect(url_for("opportunities.show", offer_id=offer.id))


@bp.post("/<int:offer_id>/apply")
@login_required
@limiter.limit(limits.contact, key_func=limits.per_person)
def apply(offer_id: int):
    offer = _load(offer_id)
    if not policy.can_apply_through_site(current_user, offer):
        abort(403)
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            opportunities.apply_through_site(current_user, offer, form.message.data)
        except DomainError as error:
            populate_errors(form, DomainError(error.message, error.field))
        else:
            flash(_("Your message is on its way. The poster can answer you by mail."), "success")
            return redirect(url_for("opportunities.show", offer_id=offer.id))
    return render_template("opportunities/show.html", offer=offer, apply_form=form, may_edit=False, form=None,
                           **LABELS), 400


@bp.route("/<int:offer_id>/report", methods=["GET", "POST"])
@login_required
def report(offer_id: int):
    offer = _load(offer_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            opportunities.report_offer(current_user, offer, form.reason.data, form.note.data or "")
        except PermissionDenied:
            abort(403)
        except DomainError as error:
            populate_errors(form, error)
        else:
            flash(_("Thank you. A moderator will look at it."), "success")
            return redirect(url_for("opportunities.show", offer_id=offer.id))
    return render_template("opportunities/report.html", offer=offer, form=form), 400 if form.errors else 200


@bp.post("/follow/<any(all, job, internship, working_student, volunteer, mentoring):kind>/"
         "<any(follow, unfollow):action>")
@login_required
def follow_board(kind: str, action: str):
    """Follow the whole board or one kind of offer ("new volunteer roles")."""
    if ConfirmForm().validate_on_submit():
        target_id = opportunities.follow_id(None if kind == "all" else OpportunityKind(kind))
        (follow if action == "follow" else unfollow)(current_user, FollowTarget.OPPORTUNITIES, target_id)
        flash(_("You will be notified of new offers.") if action == "follow"
              else _("You no longer follow these offers."), "success")
    return redirect(url_for("opportunities.index"))
