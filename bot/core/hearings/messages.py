"""What a resident receives about a hearing: the announcement, reminders, a correction, a cancellation,
the results. One function renders each, so the broadcaster's preview is exactly what residents get.

Plain text in the resident's language (else Kazakh, else Russian: the hearing's own rule), with the
buttons that carry the calendar file, "I'll attend", a question for the hearing and unsubscribing.

Buttons it puts under a message (the announcements dialogue owns them):
    hc:<hearing>   the calendar file (.ics)
    hr:<hearing>   "I'll attend"
    hq:<hearing>   ask a question for the hearing
    hu:<hearing>   stop the announcements for the hearing's area
"""

from __future__ import annotations

from dataclasses import replace

from bot.core.hearings.hearing import Hearing, HearingError, Nn_, Problem, Texts, fail
from bot.core.knowledge.areas import Areas
from bot.core.knowledge.render import TELEGRAM_MESSAGE_LIMIT, utf16_length
from bot.core.replies import Button, Outgoing
from bot.i18n import LANGUAGES, Translator, translator

ANNOUNCEMENT, REMINDER, CORRECTION, CANCELLATION, RESULTS = (
    "announcement", "reminder", "correction", "cancellation", "results")
KINDS = (ANNOUNCEMENT, REMINDER, CORRECTION, CANCELLATION, RESULTS)
# Telegram's limit for one message, counted in UTF-16 code units: each recipient gets exactly one
# message per broadcast, so the whole announcement must fit.
MESSAGE_LIMIT = TELEGRAM_MESSAGE_LIMIT


def when(hearing: Hearing, t: Translator) -> str:
    start, end = hearing.starts_at, hearing.ends_at
    # Kazakhstan has one time zone; residents call it Astana time, as the akimats' notices do.
    return t.gettext("{date}, {start}–{end} (Astana time)", date=t.date(start.date(), "full"),
                     start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))


def map_link(hearing: Hearing) -> str | None:
    if hearing.latitude is None or hearing.longitude is None:
        return None
    lat, lon = hearing.latitude, hearing.longitude
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def details(hearing: Hearing, t: Translator, areas: Areas) -> list[str]:
    lines = [f"🗓 {when(hearing, t)}", f"📍 {hearing.place}"]
    if link := map_link(hearing):
        lines.append(t.gettext("🗺 Map: {link}", link=link))
    if hearing.online_url:
        lines.append(t.gettext("💻 Online: {link}", link=hearing.online_url))
    lines.append(t.gettext("🏘 Area: {area}", area=areas.path(hearing.area, t.lang)))
    return lines


def text(hearing: Hearing, kind: str, t: Translator, areas: Areas) -> str:
    """The message in `t`'s language, which must be one the hearing is written in."""
    texts = hearing.texts[t.lang]
    ask = t.gettext("Send a question for the hearing in advance with the “Ask a question” button.")
    if kind == ANNOUNCEMENT:
        lines = [t.gettext("📢 Public hearing: {title}", title=texts.title), "", *details(hearing, t, areas),
                 "", texts.agenda, "", ask]
    elif kind == REMINDER:
        lines = [t.gettext("⏰ Reminder: public hearing “{title}”", title=texts.title), "",
                 *details(hearing, t, areas), "", ask]
    elif kind == CORRECTION:
        lines = [t.gettext("✏️ Changed: public hearing “{title}”. Check the time and place below and update "
                           "your calendar.", title=texts.title), "", *details(hearing, t, areas), "", texts.agenda]
    elif kind == CANCELLATION:
        lines = [t.gettext("❌ Cancelled: the public hearing “{title}” on {date} will not take place.",
                           title=texts.title, date=t.date(hearing.starts_at.date(), "full")),
                 f"📍 {hearing.place}",
                 t.gettext("🏘 Area: {area}", area=areas.path(hearing.area, t.lang))]
    elif kind == RESULTS:
        lines = [t.gettext("📝 Results of the public hearing “{title}” ({date}):", title=texts.title,
                           date=t.date(hearing.starts_at.date(), "full")), "", hearing.results.get(t.lang, "")]
    else:
        raise ValueError(f"unknown kind of message {kind!r}")
    return "\n".join(lines).strip()


def buttons(hearing: Hearing, kind: str, t: Translator) -> tuple[tuple[Button, ...], ...]:
    hid = hearing.id
    calendar = Button(t.gettext("📅 Add to calendar"), f"hc:{hid}")
    stop = (Button(t.gettext("🔕 Unsubscribe"), f"hu:{hid}"),)
    if kind in (ANNOUNCEMENT, REMINDER):
        return ((calendar, Button(t.gettext("✋ I'll attend"), f"hr:{hid}")),
                (Button(t.gettext("❓ Ask a question"), f"hq:{hid}"),), stop)
    if kind == CORRECTION:
        return ((Button(t.gettext("📅 Update the calendar"), f"hc:{hid}"),), stop)
    if kind == CANCELLATION:
        return ((Button(t.gettext("📅 Remove from the calendar"), f"hc:{hid}"),), stop)
    return (stop,)


def message(hearing: Hearing, kind: str, lang: str, areas: Areas) -> Outgoing:
    """What a resident whose language is `lang` receives."""
    t = translator(hearing.language_for(lang))
    return Outgoing(text(hearing, kind, t, areas), buttons(hearing, kind, t), t.lang)


def _room(hearing: Hearing, lang: str, areas: Areas, kinds: tuple[str, ...]) -> int | None:
    """UTF-16 units left in one Telegram message for the agenda (or results) in `lang`, given everything else
    the messages of `kinds` hold; None when the hearing does not yet have what they need."""
    if None in (hearing.area, hearing.starts_at, hearing.duration_minutes, hearing.place) or lang not in hearing.texts:
        return None
    bare = replace(hearing, texts={**hearing.texts, lang: Texts(hearing.texts[lang].title, "")},
                   results={**hearing.results, lang: ""})
    t = translator(lang)
    return MESSAGE_LIMIT - max(utf16_length(text(bare, kind, t, areas)) for kind in kinds)


def check_agenda_fits(hearing: Hearing, lang: str, agenda: str, areas: Areas) -> None:
    """The agenda typed for `lang` leaves the announcement and a correction within one message; otherwise
    the broadcaster is told how long it is and how long it may be (nothing is cut)."""
    room = _room(hearing, lang, areas, (ANNOUNCEMENT, CORRECTION))
    if room is not None and utf16_length(agenda) > room:
        raise fail(Nn_("The agenda in {lang} is {n} character long; with the rest of the announcement at most "
                       "{limit} fit in one Telegram message. Shorten it and send it again.",
                       "The agenda in {lang} is {n} characters long; with the rest of the announcement at most "
                       "{limit} fit in one Telegram message. Shorten it and send it again."),
                   lang=lang, n=utf16_length(agenda), limit=max(room, 0))


def check_results_fit(hearing: Hearing, lang: str, results: str, areas: Areas) -> None:
    """As check_agenda_fits, for the results typed in `lang`."""
    room = _room(hearing, lang, areas, (RESULTS,))
    if room is not None and utf16_length(results) > room:
        raise fail(Nn_("The results in {lang} are {n} character long; with the title and date at most {limit} "
                       "fit in one Telegram message. Shorten them and send them again.",
                       "The results in {lang} are {n} characters long; with the title and date at most {limit} "
                       "fit in one Telegram message. Shorten them and send them again."),
                   lang=lang, n=utf16_length(results), limit=max(room, 0))


def check_fits(hearing: Hearing, areas: Areas, kinds: tuple[str, ...] = (ANNOUNCEMENT, CORRECTION)) -> None:
    """Every message about the hearing, in every language it has, fits in one Telegram message."""
    problems = []
    for lang in LANGUAGES:
        if lang not in hearing.texts:
            continue
        longest = max(utf16_length(text(hearing, kind, translator(lang), areas)) for kind in kinds)
        if longest > MESSAGE_LIMIT:
            problems.append(Problem(
                Nn_("The announcement in {lang} would be {n} character long; Telegram allows {limit}. "
                    "Shorten the agenda.",
                    "The announcement in {lang} would be {n} characters long; Telegram allows {limit}. "
                    "Shorten the agenda."), {"lang": lang, "n": longest, "limit": MESSAGE_LIMIT}))
    if problems:
        raise HearingError(problems)
