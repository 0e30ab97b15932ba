"""What the dashboard shows for each series: its name, a chart, the numbers as a table, a text summary.

The numbers come from app.services.dashboard already suppressed where they count fewer than five people;
this module only names and formats them in the viewer's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models.goal import GoalMetric, GoalPeriod
from app.organizer import charts
from app.services.dashboard import SERIES, Measurements, shown
from app.services.dashboard_periods import Periods

SERIES_LABELS = {
    "registrations": _l("New registrations"),
    "new_members": _l("New members"),
    "active_people": _l("Active people (wrote, reacted or signed up)"),
    "discussions": _l("Discussions started"),
    "news": _l("News posted"),
    "dialogue_share": _l("Discussions among all posts (%)"),
    "comments_per_post": _l("Comments per post"),
    "first_reply_median_hours": _l("Hours until the first reply (median)"),
    "first_reply_max_hours": _l("Hours until the first reply (longest)"),
    "unanswered": _l("Discussions without a reply"),
    "reports": _l("Reports"),
    "report_median_hours": _l("Hours until a report was handled (median)"),
    "signups": _l("Event sign-ups"),
    "cancellations": _l("Cancelled sign-ups"),
    "events": _l("Events"),
    "fill_rate": _l("Fill rate of events with a limit (%)"),
    "waitlisted": _l("People on a waitlist"),
    "opt_ins": _l("Confirmed mail opt-ins"),
}
SECTIONS = (
    ("reach", _l("Are we reaching people?"), ("registrations", "new_members", "active_people")),
    ("dialogue", _l("Is there dialogue?"), ("discussions", "news", "dialogue_share", "comments_per_post",
                                           "first_reply_median_hours", "first_reply_max_hours", "unanswered")),
    ("reports", _l("Reports"), ("reports", "report_median_hours")),
    ("events", _l("Events"), ("signups", "cancellations", "events", "fill_rate", "waitlisted")),
    ("mail", _l("Mail"), ("opt_ins",)),
)
PERIOD_LABELS = {GoalPeriod.WEEK: _l("Last 12 weeks"), GoalPeriod.MONTH: _l("Last 12 months")}
PER_PERIOD = {GoalPeriod.WEEK: _l("per week"), GoalPeriod.MONTH: _l("per month")}
TRENDS = {"better": _l("better than the period before"), "worse": _l("worse than the period before"),
          "steady": _l("unchanged from the period before")}
GOAL_METRIC_LABELS = {metric: SERIES_LABELS[metric.value] for metric in GoalMetric}


def chart_kind(key: str) -> str:
    return "bar" if SERIES[key].unit == "count" else "line"


def number(value) -> str:
    """A shown value in the viewer's language: "–" where nothing was measured, "<5" as it is."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return format_decimal(value, format="#,##0.#")


def period_names(periods: Periods) -> tuple[list[str], list[str]]:
    """Short names for the chart's axis and full ones for the table, oldest first."""
    starts = periods.days[:-1]
    if periods.kind == GoalPeriod.WEEK:
        axis = [_("W%(num)d", num=day.isocalendar().week) for day in starts]
        full = [_("Week %(num)d (from %(date)s)", num=day.isocalendar().week, date=format_date(day, "medium"))
                for day in starts]
    else:
        axis = [format_date(day, "MMM") for day in starts]
        full = [format_date(day, "MMMM y") for day in starts]
    full[-1] = _("%(period)s, so far", period=full[-1])
    return axis, full


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    chart: charts.Chart
    rows: list[tuple[str, str]]
    summary: str


def summary(label: str, values: list, names: list[str]) -> str:
    """The chart's text alternative: the highest value and the latest, the table has them all."""
    numbers = [(v, name) for v, name in zip(values, names, strict=True) if isinstance(v, int | float)]
    if not numbers:
        return _("%(label)s: nothing to show in this time.", label=label)
    high, when = max(numbers, key=lambda pair: pair[0])
    return _("%(label)s: highest %(high)s (%(when)s), latest %(latest)s. The table lists every value.",
             label=label, high=number(high), when=when, latest=number(values[-1]))


def figure(measured: Measurements, key: str, names: tuple[list[str], list[str]], target: float | None = None) -> Figure:
    """`names`: period_names(measured.periods), made once per page (dates are formatted per period, not per
    series)."""
    axis, full = names
    values = measured.shown(key)
    label = str(SERIES_LABELS[key])
    return Figure(key=key, label=label, chart=charts.build(values, axis, chart_kind(key), target),
                  rows=[(name, number(value)) for name, value in zip(full, values, strict=True)],
                  summary=summary(label, values, full))


def sections(measured: Measurements) -> list[tuple[str, str, list[Figure]]]:
    names = period_names(measured.periods)
    return [(slug, str(title), [figure(measured, key, names) for key in keys]) for slug, title, keys in SECTIONS]


def goal_figures(progress: list, measured: dict[GoalPeriod, Measurements]) -> list[tuple]:
    """(progress, figure with the target line) per goal, each in its own period kind."""
    names = {kind: period_names(m.periods) for kind, m in measured.items()}
    return [(item, figure(measured[item.goal.period], item.goal.metric.value, names[item.goal.period],
                          item.goal.target)) for item in progress]


def goal_target(goal) -> str:
    """ "at least 40 per month", "at most 48 per week" """
    target = number(goal.target)
    aim = _("at most %(target)s", target=target) if goal.lower_is_better else _("at least %(target)s", target=target)
    return f"{aim} {PER_PERIOD[goal.period]}"


def people(count: int) -> str:
    """A count of people outside the series (active in the last days, subscribers per kind), suppressed alike."""
    return number(shown(count, True))
