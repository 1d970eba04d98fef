"""The iCalendar (RFC 5545) invitation sent with a meeting's notices.

One event per meeting: its UID is derived from the meeting id and never changes, and SEQUENCE is
the meeting's `sequence`, raised by each move and by the cancellation, so a calendar that has the
event updates it (METHOD:REQUEST) or removes it (METHOD:CANCEL, STATUS:CANCELLED) instead of
adding another.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//coresearch//notifications//NO"
UID_DOMAIN = "coresearch"


class MeetingEvent(msgspec.Struct, frozen=True):
    """What the calendar needs to know of a meeting."""

    meeting_id: UUID
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    description: str
    organizer_name: str
    organizer_email: str
    cancelled: bool = False


def meeting_uid(meeting_id: UUID) -> str:
    """The event's UID: the same for every notice about the meeting."""
    return f"meeting-{meeting_id}@{UID_DOMAIN}"


def invitation(event: MeetingEvent, *, attendee_name: str, attendee_email: str, stamp: datetime) -> str:
    """The `.ics` text for one attendee."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if event.cancelled else "REQUEST")
    item = Event()
    item.add("uid", meeting_uid(event.meeting_id))
    item.add("sequence", event.sequence)
    item.add("dtstamp", stamp)
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    if event.location:
        item.add("location", event.location)
    if event.description:
        item.add("description", event.description)
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{event.organizer_email}")
    organizer.params["cn"] = vText(event.organizer_name)
    item.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["cn"] = vText(attendee_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")
    item.add("attendee", attendee)
    calendar.add_component(item)
    ical: bytes = calendar.to_ical()
    return ical.decode()
