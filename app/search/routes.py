"""`/search`: the results page; the form is in every page's header (base.html)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app import limits, policy
from app.caching import anonymous_cache
from app.extensions import limiter
from app.loaders import page_number
from app.search import bp
from app.search.forms import SearchForm
from app.services import search
from app.services.accounts import find_by_handle
from app.services.categories import all_categories, find_category


@bp.get("")
@limiter.limit(limits.search_per_address, exempt_when=limits.logged_in)
@anonymous_cache
def index():
    member = policy.is_member(current_user)
    args = MultiDict((key, value.replace("\x00", "")) for key, value in request.args.items(multi=True))
    form = SearchForm(formdata=args, member=member, categories=all_categories())
    if args and not form.validate():
        return render_template("search/index.html", form=form, results=None), 400
    filters, known = _filters(form, member)
    results = search.search(current_user, form.q.data, filters) if known else None
    return render_template("search/index.html", form=form, results=results, query_args=_query_args(args))


def _filters(form: SearchForm, member: bool) -> tuple[search.Filters, bool]:
    """The form's choices as the service's filters; False when a named author or category does not exist."""
    filters = search.Filters(kind=form.kind.data or "", since=form.since.data, until=form.until.data,
                             members_area=member and bool(form.members_area.data),
                             by_date=form.sort.data == "date", page=page_number())
    known = True
    if form.category.data:
        filters.category = find_category(form.category.data)
    if form.author.data:
        filters.author = find_by_handle(form.author.data)
        if filters.author is None:
            form.author.errors = [_("No one has this handle.")]
            known = False
    return filters, known


def _query_args(args) -> dict:
    """The search's own parameters, for the pager's links (the page number is the pager's)."""
    return {key: value for key, value in args.items() if key != "page"}
