"""schema.org JobPosting for search engines, as JSON-LD (Google's preferred form) beside the page's microdata.

Only for what `policy.shows_job_posting` allows: public, published, open offers. The block is data, never run; the
CSP names its hash all the same (app.security adds the hash of every JSON-LD block a page carries)."""

from __future__ import annotations

from flask import url_for
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from app.models.opportunity import Opportunity
from app.opportunities.forms import EMPLOYMENT_TYPES


def job_posting(offer: Opportunity, site_name: str) -> Markup:
    """The JSON text (`<`, `>`, `&` and `'` escaped, so it cannot end its script element early)."""
    data: dict = {
        "@context": "https://schema.org", "@type": "JobPosting",
        "title": offer.title, "description": offer.body_html,
        "datePosted": offer.created_at.date().isoformat(), "validThrough": offer.expires_at.isoformat(),
        "employmentType": EMPLOYMENT_TYPES[offer.kind],
        "hiringOrganization": {"@type": "Organization", "name": offer.organisation},
        "url": url_for("opportunities.show", offer_id=offer.id, _external=True),
        "directApply": offer.applies_through_site,
        "provider": {"@type": "Organization", "name": site_name},
    }
    if offer.is_remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": offer.place or "DE"}
    elif offer.place:
        data["jobLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": offer.place}}
    if offer.starts_on:
        data["jobStartDate"] = offer.starts_on.isoformat()
    return htmlsafe_json_dumps(data)
