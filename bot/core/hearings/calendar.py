"""The hearing as a calendar file (.ics, RFC 5545), made with icalendar.

Times are written in UTC ("20261205T100000Z"): Google Calendar and Apple Calendar both import them
correctly in any zone and show them in the phone's local time, which in Kazakhstan is the hearing's
own. The UID stays the same for the life of a hearing and SEQUENCE grows with each correction, so an
imported correction or cancellation updates the event already in the calendar instead of adding one.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vGeo

from bot.clock import now as clock_now
from bot.core.hearings.hearing import Hearing
from bot.core.hearings.messages import map_link
from bot.core.knowledge.areas import Areas
from bot.i18n import translator

PRODUCT_ID = "-//Qogam//Public hearings//EN"


def filename(hearing: Hearing) -> str:
    return f"hearing-{hearing.id}.ics"


def ics(hearing: Hearing, lang: str, areas: Areas, *, stamp: dt.datetime | None = None) -> bytes:
    """The event in the resident's language (else Kazakh, else Russian)."""
    t = translator(hearing.language_for(lang))
    texts = hearing.texts[t.lang]
    cancelled = hearing.status == "cancelled"
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # PUBLISH: a file to import, not an invitation that expects a reply; CANCEL removes the event in
    # clients that honour it, and the STATUS below tells the others.
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    event.add("uid", hearing.uid)
    event.add("dtstamp", (stamp or clock_now()).astimezone(dt.UTC))
    event.add("sequence", hearing.sequence)
    event.add("dtstart", hearing.starts_utc)
    event.add("dtend", hearing.ends_utc)
    event.add("summary", t.gettext("Public hearing: {title}", title=texts.title))
    description = [texts.agenda]
    if hearing.online_url:
        description.append(t.gettext("💻 Online: {link}", link=hearing.online_url))
    if link := map_link(hearing):
        description.append(t.gettext("🗺 Map: {link}", link=link))
    description.append(t.gettext("🏘 Area: {area}", area=areas.path(hearing.area, t.lang)))
    event.add("description", "\n\n".join(description))
    event.add("location", hearing.place)
    if hearing.latitude is not None and hearing.longitude is not None:
        event.add("geo", vGeo((hearing.latitude, hearing.longitude)))
    if hearing.online_url:
        event.add("url", hearing.online_url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
