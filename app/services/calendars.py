"""iCalendar (RFC 5545) files built with the icalendar library: one event, or a feed of many."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from app import site
from app.mail import links
from app.models.event import Event
from app.models.types import utcnow


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Alumni Commons//alumni-commons//DE")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _entry(event: Event, *, with_online_link: bool) -> CalendarEvent:
    zone = ZoneInfo(event.timezone)
    entry = CalendarEvent()
    host = links.site_host()
    entry.add("uid", f"event-{event.id}@{host}")
    entry.add("dtstamp", utcnow())
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title)
    entry.add("url", links.event(event.id))
    description = event.description_source
    if with_online_link and event.online_url:
        description = f"{description}\n\n{event.online_url}".strip()
    if description:
        entry.add("description", description)
    if event.place:
        entry.add("location", event.place)
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return entry


def event_ics(event: Event, *, with_online_link: bool = False) -> bytes:
    calendar = _calendar(event.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_entry(event, with_online_link=with_online_link))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(events: list[Event], name: str | None = None, *,
             online_links_for: AbstractSet[int] = frozenset()) -> bytes:
    calendar = _calendar(name or site.get("site_name"))
    for event in events:
        calendar.add_component(_entry(event, with_online_link=event.id in online_links_for))
    calendar.add_missing_timezones()
    return calendar.to_ical()
