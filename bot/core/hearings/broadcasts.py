"""Announcing a hearing and following it up: the announcement, reminders, a correction, a cancellation,
the results. Each operation checks, then writes the hearing, the broadcast, its outbox rows and the
audit entry in one transaction: a broadcast is either queued with every recipient or not at all.

Who hears what:
- the announcement: every reachable resident following the hearing's area (either scope), or an area around
  it with scope 'tree' ("that area and everything in it"; bot/storage/subscriptions.py). Following a region
  for its own hearings only, or the country for national ones only, brings no district's hearing;
- reminders and results: those who received the announcement and still follow the area;
- a correction or a cancellation: everyone who received the announcement, followers or not, since
  they may have put it in their calendar.
Follow-ups wait in the database as scheduled broadcasts, so a restart does not lose them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core import roles
from bot.core.hearings import hearing as hearing_store
from bot.core.hearings.hearing import N_, Hearing, HearingError, fail
from bot.core.hearings.messages import ANNOUNCEMENT, CANCELLATION, CORRECTION, REMINDER, RESULTS, check_fits
from bot.core.knowledge.areas import Areas
from bot.i18n import LANGUAGES, Translator, translator
from bot.settings import reminders
from bot.storage import audit, outbox, subscriptions
from bot.storage.db import transaction

REMINDERS_ENV = "QOGAM_REMINDERS"
# Reminders a day and two hours before: the evening before to plan, the same morning to set off.
DEFAULT_REMINDERS = "24h,2h"
OPEN = ("announced", "corrected")
# A hearing's status as a broadcaster reads it (the list of hearings, a refusal below).
STATUS_NAMES = {"announced": N_("announced"), "corrected": N_("changed"), "cancelled": N_("cancelled"),
                "held": N_("held"), "draft": N_("draft")}
# Why a hearing refuses a change, a cancellation or results: one whole sentence per status that can reach
# each, since the Kazakh and Russian verbs follow it ("тыңдау өтіп кетті / болдырылмады", "слушания прошли /
# отменены"). A status without its sentence (a future one) is named in the general one.
REFUSALS = {
    "correct": {"held": N_("This hearing has already taken place; it can no longer be changed."),
                "cancelled": N_("This hearing has been cancelled; it can no longer be changed."),
                None: N_("The hearing cannot be changed now (status: {status}).")},
    "cancel": {"held": N_("This hearing has already taken place; it can no longer be cancelled."),
               "cancelled": N_("This hearing has already been cancelled."),
               None: N_("The hearing cannot be cancelled now (status: {status}).")},
    "publish_results": {"cancelled": N_("This hearing has been cancelled; it has no results to publish."),
                        None: N_("The results cannot be published now (status: {status}).")},
}


@dataclass(frozen=True)
class Queued:
    hearing: int | None
    broadcast: int | None
    recipients: int


def reminder_offsets(environ: Mapping[str, str] | None = None) -> list[dt.timedelta]:
    """QOGAM_REMINDERS: "24h,2h" (the default), "90m", "2d,3h", or "off"."""
    raw = environ.get(REMINDERS_ENV) if environ is not None else reminders()
    raw = (DEFAULT_REMINDERS if raw is None else raw).strip().lower()
    if raw in ("", "off", "none", "0"):
        return []
    offsets = []
    for part in raw.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*([dhm])\s*", part)
        if not match:
            raise ValueError(f"{REMINDERS_ENV}: cannot read {part.strip()!r}; write e.g. 24h,2h or off")
        number, unit = int(match.group(1)), match.group(2)
        offsets.append(dt.timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: number}))
    return sorted(set(offsets), reverse=True)


def audience(areas: Areas, area: str) -> tuple[list[str], list[str]]:
    """Whose subscribers hear about a hearing in `area`: (the areas all of whose followers do: `area` itself;
    the areas whose followers of everything in them do: the areas around it, up to the country)."""
    return [area], areas.ancestors(area)[1:]


def recipients(db: Database, areas: Areas, area: str) -> int:
    """How many reachable residents an announcement of a hearing in `area` goes to (the preview's figure)."""
    own, around = audience(areas, area)
    return subscriptions.count(db, own, tree_codes=around)["active"]


def in_audience(db: Database, areas: Areas, user_key: str, area: str) -> bool:
    """Does this resident follow `area` so that its hearings reach them?"""
    own, around = audience(areas, area)
    return subscriptions.follows(db, user_key, own, around)


def check_scope(db: Database, areas: Areas, actor: str, area: str) -> None:
    if not roles.may_broadcast(db, areas, actor, area):
        # The broadcaster reads the area as they read the rest: its path in their language.
        raise fail(N_("You may announce hearings only in your own area; {area} is outside it."),
                   area={lang: areas.path(area, lang) if area in areas else area for lang in LANGUAGES})


def status_name(status: str, t: Translator) -> str:
    return t.gettext(STATUS_NAMES[status]) if status in STATUS_NAMES else status


def refusal(operation: str, hearing: Hearing) -> HearingError:
    """Why `operation` (correct, cancel, publish_results) cannot be done to the hearing in its status."""
    sentences = REFUSALS[operation]
    if hearing.status in sentences:
        return fail(sentences[hearing.status])
    return fail(sentences[None], status={lang: status_name(hearing.status, translator(lang)) for lang in LANGUAGES})


# ---- what may go out during the quiet hours ----------------------------------------------------------
# Quiet hours (QOGAM_QUIET_HOURS, 22:00-08:00) hold every message about a hearing until the morning, except:
# - a correction or a cancellation of a hearing that starts within URGENT_WITHIN of the moment it is made
#   (at its old time or its new one): people may set off before the morning;
# - an announcement the broadcaster marked urgent, for a hearing that starts less than MORNING_NOTICE after
#   the quiet hours end (before 10:00 with the default hours): waiting for the morning would leave residents
#   no time to come. Any other "urgent" announcement waits for the morning like the rest.
# Reminders and results are never urgent. Whether a message may go is decided when its turn comes, so a
# message held by a stopped bot is judged by the hour it would go out at, not the hour it was made.
URGENT_WITHIN = dt.timedelta(hours=24)
MORNING_NOTICE = dt.timedelta(hours=2)


def starts_within(hearing: Hearing, span: dt.timedelta = URGENT_WITHIN) -> bool:
    """Does the hearing start within `span` from now (or has it started)?"""
    return hearing.starts_utc - clock_now() <= span


def may_break_quiet(broadcast: Mapping, hearing: Hearing | None, morning: dt.datetime) -> bool:
    """May this broadcast go out now, during the quiet hours that end at `morning`?"""
    if hearing is None or not broadcast["urgent"]:
        return False
    if broadcast["kind"] in (CORRECTION, CANCELLATION):
        return True  # marked urgent only when made within URGENT_WITHIN of the hearing (correct, cancel)
    if broadcast["kind"] == ANNOUNCEMENT:
        return hearing.starts_utc < morning + MORNING_NOTICE
    return False


def too_late(broadcast: Mapping, hearing: Hearing | None) -> bool:
    """An announcement or a reminder whose hearing has begun: sending it now would only mislead."""
    return broadcast["kind"] in (ANNOUNCEMENT, REMINDER) and hearing is not None and \
        hearing.starts_utc <= clock_now()


# ---- announcing ------------------------------------------------------------------------------------
def announce(db: Database, areas: Areas, hearing: Hearing, actor: str, *,
             progress_user: str | None = None) -> Queued:
    """Queue the announcement of a new hearing (or of the draft `hearing.id`), with its reminders."""
    check_scope(db, areas, actor, hearing.area)
    check_fits(hearing, areas)
    with transaction(db):
        if hearing.id is None:
            hearing_id = hearing_store.insert(db, hearing, actor, status="announced")
        else:
            hearing_store.save(db, hearing, status="announced")
            hearing_id = hearing.id
        broadcast = outbox.create(db, hearing_id, ANNOUNCEMENT, actor, urgent=hearing.urgent,
                                  progress_user=progress_user)
        count = outbox.enqueue_subscribers(db, broadcast, *audience(areas, hearing.area))
        _schedule_reminders(db, replace(hearing, id=hearing_id), actor)
        audit.record(db, actor, "broadcast", f"hearing:{hearing_id}", broadcast=broadcast, kind=ANNOUNCEMENT,
                     area=hearing.area, recipients=count, urgent=hearing.urgent)
    return Queued(hearing_id, broadcast, count)


def _schedule_reminders(db: Database, hearing: Hearing, actor: str) -> None:
    now = clock_now()
    for offset in reminder_offsets():
        due = hearing.starts_utc - offset
        if due > now:
            outbox.create(db, hearing.id, REMINDER, actor, status=outbox.SCHEDULED,
                          due_at=due.isoformat(timespec="seconds"))


def _open_hearing(db: Database, areas: Areas, hearing_id: int, actor: str) -> Hearing:
    hearing = hearing_store.get(db, hearing_id)
    if hearing is None or hearing.status == "draft":
        raise fail(N_("There is no announced hearing number {id}."), id=hearing_id)
    check_scope(db, areas, actor, hearing.area)
    return hearing


def correct(db: Database, areas: Areas, hearing_id: int, actor: str, *, starts_at: dt.datetime | None = None,
            duration_minutes: int | None = None, place: str | None = None, online_url: str | None = None,
            point: tuple[float | None, float | None] | None = None, progress_user: str | None = None) -> Queued:
    """A changed time or place: everyone who received the announcement hears it, with a new calendar
    file (same UID, next SEQUENCE); reminders move with the time."""
    hearing = _open_hearing(db, areas, hearing_id, actor)
    if hearing.status not in OPEN:
        raise refusal("correct", hearing)
    changed = replace(
        hearing,
        starts_at=starts_at or hearing.starts_at,
        duration_minutes=duration_minutes or hearing.duration_minutes,
        place=place or hearing.place,
        online_url=online_url if online_url is not None else hearing.online_url,
        latitude=point[0] if point else hearing.latitude, longitude=point[1] if point else hearing.longitude,
        sequence=hearing.sequence + 1, status="corrected",
    )
    if changed == replace(hearing, sequence=hearing.sequence + 1, status="corrected"):
        raise fail(N_("Nothing has changed: give a new time, duration, place or link."))
    check_fits(changed, areas)
    with transaction(db):
        hearing_store.save(db, changed)
        broadcast = outbox.create(db, hearing_id, CORRECTION, actor,
                                  urgent=starts_within(hearing) or starts_within(changed), progress_user=progress_user)
        count = outbox.enqueue_receivers(db, broadcast, hearing_id)
        outbox.cancel_scheduled(db, hearing_id)  # the reminders, scheduled anew for the new time
        _schedule_reminders(db, changed, actor)
        audit.record(db, actor, "broadcast", f"hearing:{hearing_id}", broadcast=broadcast, kind=CORRECTION,
                     recipients=count, starts_at=changed.starts_at.isoformat(timespec="minutes"),
                     place=changed.place)
    return Queued(hearing_id, broadcast, count)


def cancel(db: Database, areas: Areas, hearing_id: int, actor: str, *, progress_user: str | None = None) -> Queued:
    """Cancel the hearing: what is not yet sent about it is dropped, and everyone who received the
    announcement is told; within a day of the hearing, quiet hours do not hold the news back."""
    hearing = _open_hearing(db, areas, hearing_id, actor)
    if hearing.status not in OPEN:
        raise refusal("cancel", hearing)
    cancelled = replace(hearing, status="cancelled", sequence=hearing.sequence + 1)
    with transaction(db):
        hearing_store.save(db, cancelled)
        skipped = outbox.skip_pending(db, hearing_id)
        outbox.cancel_scheduled(db, hearing_id)
        broadcast = outbox.create(db, hearing_id, CANCELLATION, actor, urgent=starts_within(hearing),
                                  progress_user=progress_user)
        count = outbox.enqueue_receivers(db, broadcast, hearing_id)
        audit.record(db, actor, "broadcast", f"hearing:{hearing_id}", broadcast=broadcast, kind=CANCELLATION,
                     recipients=count, not_sent=skipped)
    return Queued(hearing_id, broadcast, count)


def publish_results(db: Database, areas: Areas, hearing_id: int, results: Mapping[str, str], actor: str, *,
                    progress_user: str | None = None) -> Queued:
    """After the hearing: its results go to those who received the announcement and still follow the area."""
    hearing = _open_hearing(db, areas, hearing_id, actor)
    if hearing.status not in (*OPEN, "held"):
        raise refusal("publish_results", hearing)
    texts = {lang: "\n".join(line.rstrip() for line in str(value).strip().splitlines())
             for lang, value in results.items() if str(value or "").strip() and lang in hearing.texts}
    missing = [lang for lang in ("kk", "ru") if lang not in texts]
    if missing:
        raise fail(N_("The results need a text in {lang}."), lang=", ".join(missing))
    held = replace(hearing, status="held", results=texts)
    check_fits(held, areas, (RESULTS,))
    with transaction(db):
        hearing_store.save(db, held)
        outbox.cancel_scheduled(db, hearing_id)
        broadcast = outbox.create(db, hearing_id, RESULTS, actor, progress_user=progress_user)
        count = outbox.enqueue_receivers(db, broadcast, hearing_id, *audience(areas, hearing.area))
        audit.record(db, actor, "broadcast", f"hearing:{hearing_id}", broadcast=broadcast, kind=RESULTS,
                     recipients=count)
    return Queued(hearing_id, broadcast, count)


def queue_due_followups(db: Database, areas: Areas) -> list[int]:
    """Reminders whose time has come get their outbox rows: those who received the announcement by now
    and still follow the area. A reminder for a hearing that was cancelled or has begun is dropped."""
    queued = []
    now = clock_now()
    for row in outbox.due_followups(db, now.isoformat(timespec="seconds")):
        hearing = hearing_store.get(db, row["hearing_id"])
        with transaction(db):
            if hearing is None or hearing.status not in OPEN or hearing.starts_utc <= now:
                outbox.cancel(db, row["id"])
                continue
            count = outbox.enqueue_receivers(db, row["id"], hearing.id, *audience(areas, hearing.area))
            outbox.queue(db, row["id"])
            audit.record(db, "qogam", "broadcast", f"hearing:{hearing.id}", broadcast=row["id"], kind=row["kind"],
                         recipients=count)
        queued.append(row["id"])
    return queued


def error_texts(exc: HearingError, t: Translator) -> str:
    return "\n".join(f"• {text}" for text in exc.texts(t))
