"""Akimat broadcasters: /hearing announces a hearing step by step, shows exactly what residents will
see, and sends it on "Send to N subscribers"; then the same command follows it up (questions, RSVPs,
a changed time or place, a cancellation, the results). Available to broadcasters and admins only.

What `users.awaiting` holds while it waits for typed text:
    hw:<draft>:<step>    a field of a new hearing (see STEPS)
    hm:<hearing>:<field> a new start or place for a correction
    hz:<hearing>:<lang>  the results in one language

Buttons it owns, all under "hb":
    hb:new                 a new hearing          hb:ls                 the list of hearings
    hb:ar:<draft>:<area>   its area               hb:du:<draft>:<min>   its duration
    hb:sk:<draft>:<step>   skip an optional step  hb:ur:<draft>         urgent on/off
    hb:go:<draft>          send                   hb:dr:<draft>         discard the draft
    hb:h:<id>              one hearing            hb:q:<id>             its questions
    hb:mv:<id>             change time or place   hb:mk:<id>:<field>    keep this field
    hb:mg:<id>             send the correction    hb:cx:<id> hb:cy:<id> cancel, confirmed
    hb:rs:<id>             write the results      hb:rk:<id>            no English results
    hb:rg:<id>             send the results
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, replace

from bot.core import roles
from bot.core.dialogue.base import Context, Pinned, Slow, after_press, expired, unknown_command
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings import hearing as hearing_store
from bot.core.hearings.broadcasts import status_name
from bot.core.hearings.hearing import (
    N_,
    Hearing,
    HearingError,
    check_agenda,
    check_area,
    check_duration,
    check_place,
    check_start,
    check_title,
    check_url,
    parse_point,
)
from bot.core.hearings.messages import (
    ANNOUNCEMENT,
    CORRECTION,
    RESULTS,
    check_agenda_fits,
    check_results_fit,
    when,
)
from bot.core.hearings.messages import text as message_text
from bot.core.hearings.questions import Group, group_questions
from bot.core.knowledge.glossary import Glossary
from bot.core.replies import Button, Person, Reply
from bot.i18n import translator
from bot.storage import hearings as stored
from bot.storage import outbox, users

log = logging.getLogger(__name__)

# Steps of a new hearing, in order: (name, prompt, optional). The area is chosen by button or name.
STEPS = (
    ("area", N_("Which area is the hearing for? Choose below or type its name."), False),
    ("start", N_("When does it start? Write the local date and time, for example 05.12.2026 15:00."), False),
    ("duration", N_("How long will it last, in minutes? Choose or type a number."), False),
    ("place", N_("Where is it held? Write the address, as residents should look for it."), False),
    ("point", N_("Optional: the map point as latitude and longitude, for example 51.1283, 71.4305."), True),
    ("url", N_("Optional: a link to watch or join online (https://…)."), True),
    ("kk.title", N_("The title in Kazakh (one line)."), False),
    ("kk.agenda", N_("The agenda in Kazakh: what will be discussed."), False),
    ("ru.title", N_("The title in Russian (one line)."), False),
    ("ru.agenda", N_("The agenda in Russian."), False),
    ("en.title", N_("Optional: the title in English."), True),
    ("en.agenda", N_("The agenda in English."), False),
)
STEP_NAMES = [name for name, _, _ in STEPS]
PROMPTS = {name: prompt for name, prompt, _ in STEPS}
OPTIONAL = {name: optional for name, _, optional in STEPS}
# What a hearing cannot be sent without; English is optional as a whole, its agenda only with its title.
REQUIRED_STEPS = [name for name in STEP_NAMES if not OPTIONAL[name] and not name.startswith("en.")]
# Areas offered as buttons, two to a row: a region and its districts (Turkistan, the largest, has 17).
AREA_CHOICES = 24
# Durations offered as buttons; any other is typed.
QUICK_DURATIONS = (60, 90, 120, 180)
# Hearings listed by /hearing: the most recent first; older ones are on the command line.
LIST_LIMIT = 8
# Question groups shown in Telegram; the full list is `qogam hearings questions ID --csv`.
GROUPS_SHOWN = 10


@dataclass
class Broadcasters:
    ctx: Context
    # (hearing id, its question groups) computed by the transport for the update being answered (Slow).
    _grouped: Pinned = field(default_factory=Pinned)

    COMMANDS = ("hearing",)
    PREFIXES = ("hb",)
    AWAITS = ("hw", "hm", "hz")

    def available(self, person: Person) -> bool:
        return person.channel != "console" and roles.may_broadcast(self.ctx.db, self.ctx.areas, person.key)

    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        if name == "hearing":
            return self.listing(person)
        return unknown_command(self.ctx.t(person), name)

    def abandon(self, person: Person, waiting: str) -> None:
        """The person lost the role: their drafts go, and a correction or results they were typing."""
        for draft in stored.drafts_of(self.ctx.db, person.key):
            stored.delete_draft(self.ctx.db, draft)
        what, _, rest = waiting.partition(":")
        number = rest.partition(":")[0]
        if what in ("hm", "hz") and number.isdigit() and len(number) < 12:
            stored.set_changes(self.ctx.db, int(number), None)

    # ---- the list ----------------------------------------------------------------------------------
    def _mine(self, person: Person) -> list[Hearing]:
        found = [h for h in hearing_store.listing(self.ctx.db, statuses=("announced", "corrected", "held", "cancelled"),
                                           limit=200)
                 if roles.may_broadcast(self.ctx.db, self.ctx.areas, person.key, h.area)]
        return found[:LIST_LIMIT]

    def listing(self, person: Person) -> list[Reply]:
        t = self.ctx.t(person)
        hearings = self._mine(person)
        rows = [(Button(t.gettext("➕ New hearing"), "hb:new"),)]
        for draft in stored.drafts_of(self.ctx.db, person.key)[-1:]:
            rows.append((Button(t.gettext("✎ Continue the draft"), f"hb:h:{draft}"),))
        for hearing in hearings:
            title = hearing.texts[hearing.language_for(t.lang)].title
            rows.append((Button(f"{hearing.starts_at:%d.%m %H:%M} · {status_name(hearing.status, t)} · {title}"[:60],
                                f"hb:h:{hearing.id}"),))
        text = (t.gettext("Public hearings in your area. Choose one to follow it up, or announce a new one.")
                if hearings else t.gettext("No hearings yet. Announce one: residents who follow the area get it "
                                           "in their language, with a calendar file."))
        return [Reply(text, tuple(rows), "command", lang=t.lang)]

    # ---- a new hearing, step by step ---------------------------------------------------------------
    def new(self, person: Person) -> list[Reply]:
        for old in stored.drafts_of(self.ctx.db, person.key):
            stored.delete_draft(self.ctx.db, old)  # one draft at a time: a new one replaces the old
        draft = stored.new_draft(self.ctx.db, person.key)
        return self._prompt(person, draft, "area")

    def _prompt(self, person: Person, draft: int, step: str, problem: str | None = None) -> list[Reply]:
        t = self.ctx.t(person)
        users.set_awaiting(self.ctx.db, person.key, person.channel, f"hw:{draft}:{step}")
        prompt = t.gettext(PROMPTS[step])
        number = STEP_NAMES.index(step) + 1
        header = t.gettext("New hearing, step {n} of {total}.", n=number, total=len(STEPS))
        text = "\n\n".join(x for x in (problem, f"{header}\n{prompt}") if x)
        rows: list[tuple[Button, ...]] = []
        if step == "area":
            choices = [Button(self.ctx.areas.get(code).name(t.lang)[:60], f"hb:ar:{draft}:{code}")
                       for code in self._scope_choices(person, t.lang)]
            rows = [tuple(choices[i:i + 2]) for i in range(0, len(choices), 2)]
        elif step == "duration":
            rows = [tuple(Button(t.ngettext("{n} min", "{n} min", m), f"hb:du:{draft}:{m}") for m in QUICK_DURATIONS)]
        elif OPTIONAL[step]:
            rows = [(Button(t.gettext("Skip ›"), f"hb:sk:{draft}:{step}"),)]
        rows.append((Button(t.gettext("✖ Discard the draft"), f"hb:dr:{draft}"),))
        return [Reply(text, tuple(rows), "command", lang=t.lang)]

    def _scope_choices(self, person: Person, lang: str) -> list[str]:
        """The broadcaster's areas and the areas directly under them (admins type a name instead)."""
        codes: list[str] = []
        for code in roles.broadcast_areas(self.ctx.db, person.key):
            codes += [code, *(a.code for a in self.ctx.areas.children(code, lang))]
        return list(dict.fromkeys(codes))[:AREA_CHOICES]

    def typed(self, person: Person, text: str, waiting: str) -> list[Reply]:
        what, _, rest = waiting.partition(":")
        number, _, field = rest.partition(":")
        if not number.isdigit():
            return expired(self.ctx.t(person))
        if what == "hw":
            return self._typed_step(person, int(number), field, text)
        if what == "hm":
            return self._typed_change(person, int(number), field, text)
        return self._typed_results(person, int(number), field, text)

    def _typed_step(self, person: Person, draft: int, step: str, text: str) -> list[Reply]:
        t = self.ctx.t(person)
        if step not in STEP_NAMES or draft not in stored.drafts_of(self.ctx.db, person.key):
            return expired(t)
        try:
            if step == "area":
                code = check_area(text, self.ctx.areas)
                announcing.check_scope(self.ctx.db, self.ctx.areas, person.key, code)
                stored.set_draft(self.ctx.db, draft, area_code=code)
            elif step == "start":
                stored.set_draft(self.ctx.db, draft, starts_at=check_start(text).isoformat(timespec="minutes"))
            elif step == "duration":
                stored.set_draft(self.ctx.db, draft, duration_minutes=check_duration(text))
            elif step == "place":
                stored.set_draft(self.ctx.db, draft, place=check_place(text))
            elif step == "point":
                latitude, longitude = parse_point(text)
                stored.set_draft(self.ctx.db, draft, latitude=latitude, longitude=longitude)
            elif step == "url":
                stored.set_draft(self.ctx.db, draft, online_url=check_url(text))
            else:
                lang, part = step.split(".")
                check = check_title if part == "title" else check_agenda
                value = check(text, lang)
                if part == "agenda":
                    check_agenda_fits(hearing_store.get(self.ctx.db, draft), lang, value, self.ctx.areas)
                stored.set_draft_text(self.ctx.db, draft, lang, part, value)
        except HearingError as exc:
            return self._prompt(person, draft, step, announcing.error_texts(exc, t))
        return self._next(person, draft, step)

    def _next(self, person: Person, draft: int, step: str) -> list[Reply]:
        index = STEP_NAMES.index(step) + 1
        if index < len(STEP_NAMES):
            return self._prompt(person, draft, STEP_NAMES[index])
        return self.preview(person, draft)

    def preview(self, person: Person, draft: int) -> list[Reply]:
        """Exactly what residents will see, in each language, then "Send to N subscribers"."""
        t = self.ctx.t(person)
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        hearing = hearing_store.get(self.ctx.db, draft)
        missing = [name for name in REQUIRED_STEPS if not _has(hearing, name)]
        if "en" in hearing.texts and not hearing.texts["en"].agenda:
            missing.append("en.agenda")
        if missing:
            return self._prompt(person, draft, missing[0])
        replies = [Reply(t.gettext("Preview: this is what residents will see."), (), "command", lang=t.lang)]
        for lang in ("kk", "ru", "en"):
            if lang in hearing.texts:
                replies.append(Reply(message_text(hearing, ANNOUNCEMENT, translator(lang), self.ctx.areas),
                                     (), "preview", lang=lang))
        count = announcing.recipients(self.ctx.db, self.ctx.areas, hearing.area)
        lines = [t.ngettext("It goes to {n} subscriber of {area}.", "It goes to {n} subscribers of {area}.", count,
                            area=self.ctx.areas.path(hearing.area, t.lang))]
        lines.append(t.gettext("During quiet hours (22:00–08:00) messages wait for the morning. An urgent "
                               "announcement goes out at night only for a hearing before 10:00 the next morning."))
        urgent = (t.gettext("⚡ Urgent: on") if hearing.urgent else t.gettext("⚡ Urgent: off"))
        send = t.ngettext("📣 Send to {n} subscriber", "📣 Send to {n} subscribers", count)
        rows = ((Button(send, f"hb:go:{draft}"),),
                (Button(urgent, f"hb:ur:{draft}"),),
                (Button(t.gettext("✖ Discard the draft"), f"hb:dr:{draft}"),))
        replies.append(Reply("\n".join(lines), rows, "preview", lang=t.lang))
        return replies

    def send(self, person: Person, draft: int) -> list[Reply]:
        t = self.ctx.t(person)
        hearing = hearing_store.get(self.ctx.db, draft)
        if users.get_language(self.ctx.db, person.key) is None:
            # The progress message is written later, by the sender: in the language of this conversation.
            users.set_language(self.ctx.db, person.key, person.channel, t.lang, chosen=False)
        try:
            hearing = replace(hearing, starts_at=check_start(hearing.starts_at))  # still in the future?
            queued = announcing.announce(self.ctx.db, self.ctx.areas, hearing, person.key, progress_user=person.key)
        except HearingError as exc:
            return [Reply(announcing.error_texts(exc, t), (), "hearing_invalid", lang=t.lang)]
        log.info("hearing=%s announced broadcast=%s recipients=%d", queued.hearing, queued.broadcast,
                 queued.recipients)
        return [Reply(t.ngettext("Queued for {n} subscriber. I will show the progress here.",
                                 "Queued for {n} subscribers. I will show the progress here.", queued.recipients),
                      (), "broadcast_queued", lang=t.lang)]

    # ---- one hearing -------------------------------------------------------------------------------
    def _own(self, person: Person, hearing_id: int) -> Hearing | None:
        hearing = hearing_store.get(self.ctx.db, hearing_id)
        if hearing is None:
            return None
        if hearing.status == "draft":
            return hearing if stored.created_by(self.ctx.db, hearing_id) == person.key else None
        return hearing if roles.may_broadcast(self.ctx.db, self.ctx.areas, person.key, hearing.area) else None

    def show(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        if hearing.status == "draft":
            return self.preview(person, hearing.id)  # or the first step still missing
        sent = sum(outbox.counts(self.ctx.db, b["id"])["sent"] for b in outbox.of_hearing(self.ctx.db, hearing.id)
                   if b["kind"] == ANNOUNCEMENT)
        lines = [hearing.texts[hearing.language_for(t.lang)].title, f"🗓 {when(hearing, t)}", f"📍 {hearing.place}",
                 t.gettext("Status: {status}", status=status_name(hearing.status, t)),
                 t.gettext("Announcement received by: {n}", n=sent),
                 t.gettext("Will attend: {n}", n=stored.attending(self.ctx.db, hearing.id)),
                 t.gettext("Questions: {n}", n=stored.question_count(self.ctx.db, hearing.id))]
        rows = [(Button(t.gettext("❓ Questions"), f"hb:q:{hearing.id}"),)]
        if hearing.status in announcing.OPEN:
            rows += [(Button(t.gettext("✏️ Change time or place"), f"hb:mv:{hearing.id}"),),
                     (Button(t.gettext("❌ Cancel the hearing"), f"hb:cx:{hearing.id}"),)]
        if hearing.status in (*announcing.OPEN, "held"):
            rows.append((Button(t.gettext("📝 Publish the results"), f"hb:rs:{hearing.id}"),))
        rows.append((Button(t.gettext("« All hearings"), "hb:ls"),))
        return [Reply("\n".join(lines), tuple(rows), "command", lang=t.lang)]

    def slow(self, person: Person, *, command: str | None = None, data: str | None = None) -> Slow | None:
        """"❓ Questions" groups a hearing's questions: thousands in a busy area (base.Slow). Only for a
        hearing the broadcaster may see: the check is a query, the grouping is not done for anyone else."""
        parts = (data or "").split(":")
        if len(parts) != 3 or parts[1] != "q" or not parts[2].isdigit() or len(parts[2]) > 12:
            return None
        hearing = self._own(person, int(parts[2]))
        if hearing is None:
            return None
        glossary = self.ctx.glossary
        return Slow(lambda db: (hearing.id, _grouped(stored.questions(db, hearing.id), glossary)),
                    self._grouped.holding)

    def questions(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        back = ((Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),),)
        pinned = self._grouped.value
        if pinned is not None and pinned[0] == hearing.id:
            groups = pinned[1]
        else:
            groups = _grouped(stored.questions(self.ctx.db, hearing.id), self.ctx.glossary)
        asked = sum(g.asked for g in groups)
        if not asked:
            return [Reply(t.gettext("No questions for this hearing yet."), back, "command", lang=t.lang)]
        lines = [t.ngettext("{n} question, grouped by theme:", "{n} questions, grouped by theme:", asked),
                 t.gettext("Will attend: {n}", n=stored.attending(self.ctx.db, hearing.id)), ""]
        for group in groups[:GROUPS_SHOWN]:
            lines.append(f"• ×{group.count} {group.example['question'][:300]}")
        if len(groups) > GROUPS_SHOWN:
            lines.append(t.gettext("The full list: qogam hearings questions {id} --csv", id=hearing.id))
        return [Reply("\n".join(lines), back, "command", lang=t.lang)]

    # ---- a correction ------------------------------------------------------------------------------
    def change(self, person: Person, hearing: Hearing, field: str = "start") -> list[Reply]:
        t = self.ctx.t(person)
        users.set_awaiting(self.ctx.db, person.key, person.channel, f"hm:{hearing.id}:{field}")
        if field == "start":
            stored.set_changes(self.ctx.db, hearing.id, None)
            text = t.gettext("The new start, as local date and time (now {when}).", when=when(hearing, t))
        else:
            text = t.gettext("The new place (now {place}).", place=hearing.place)
        rows = ((Button(t.gettext("Keep it ›"), f"hb:mk:{hearing.id}:{field}"),),
                (Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),))
        return [Reply(text, rows, "command", lang=t.lang)]

    def _typed_change(self, person: Person, hearing_id: int, field: str, text: str) -> list[Reply]:
        t = self.ctx.t(person)
        hearing = self._own(person, hearing_id)
        if hearing is None or hearing.status not in announcing.OPEN:
            return expired(t)
        try:
            value = check_start(text).isoformat(timespec="minutes") if field == "start" else check_place(text)
        except HearingError as exc:
            return [Reply(announcing.error_texts(exc, t), (), "hearing_invalid", lang=t.lang), *self.change(
                person, hearing, field)]
        stored.set_changes(self.ctx.db, hearing_id, {**stored.changes(self.ctx.db, hearing_id), field: value})
        return self._after_change_field(person, hearing, field)

    def _after_change_field(self, person: Person, hearing: Hearing, field: str) -> list[Reply]:
        if field == "start":
            return self.change(person, hearing, "place")
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        return self._change_preview(person, hearing)

    def _changed(self, hearing: Hearing) -> Hearing:
        changes = stored.changes(self.ctx.db, hearing.id)
        return replace(hearing, starts_at=dt.datetime.fromisoformat(changes["start"]) if "start" in changes
                       else hearing.starts_at, place=changes.get("place", hearing.place))

    def _change_preview(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        changed = self._changed(hearing)
        if changed == hearing:
            return [Reply(t.gettext("Nothing has changed: give a new time, duration, place or link."),
                          ((Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),),), "command", lang=t.lang)]
        lang = hearing.language_for(t.lang)
        preview = message_text(changed, CORRECTION, translator(lang), self.ctx.areas)
        rows = ((Button(t.gettext("📣 Send the correction"), f"hb:mg:{hearing.id}"),),
                (Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),))
        return [Reply(t.gettext("Preview: this is what residents will see."), (), "command", lang=t.lang),
                Reply(preview, (), "preview", lang=lang),
                Reply(t.gettext("It goes to everyone who received the announcement, with an updated calendar file."),
                      rows, "preview", lang=t.lang)]

    def send_change(self, person: Person, hearing: Hearing) -> list[Reply]:
        changed = self._changed(hearing)
        return self._queue(person, hearing, lambda: announcing.correct(
            self.ctx.db, self.ctx.areas, hearing.id, person.key,
            starts_at=changed.starts_at if changed.starts_at != hearing.starts_at else None,
            place=changed.place if changed.place != hearing.place else None, progress_user=person.key),
            lambda t, n: t.ngettext("The correction is queued for {n} resident.",
                                    "The correction is queued for {n} residents.", n))

    def _queue(self, person: Person, hearing: Hearing, operation, done) -> list[Reply]:
        """Queue a follow-up (correction, cancellation, results): its error in the broadcaster's language,
        or `done(t, recipients)`; a correction or results written in the conversation are then cleared."""
        t = self.ctx.t(person)
        try:
            queued = operation()
        except HearingError as exc:
            return [Reply(announcing.error_texts(exc, t), (), "hearing_invalid", lang=t.lang)]
        stored.set_changes(self.ctx.db, hearing.id, None)
        return [Reply(done(t, queued.recipients), (), "broadcast_queued", lang=t.lang)]

    # ---- cancelling ------------------------------------------------------------------------------
    def ask_cancel(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        rows = ((Button(t.gettext("Yes, cancel the hearing"), f"hb:cy:{hearing.id}"),),
                (Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),))
        return [Reply(t.gettext("Cancel the hearing? Everyone who received the announcement will be told, and "
                                "reminders will not be sent."), rows, "command", lang=t.lang)]

    def cancel(self, person: Person, hearing: Hearing) -> list[Reply]:
        return self._queue(person, hearing, lambda: announcing.cancel(
            self.ctx.db, self.ctx.areas, hearing.id, person.key, progress_user=person.key),
            lambda t, n: t.ngettext("The hearing is cancelled; {n} resident will be told.",
                                    "The hearing is cancelled; {n} residents will be told.", n))

    # ---- results -----------------------------------------------------------------------------------
    def ask_results(self, person: Person, hearing: Hearing, lang: str = "kk") -> list[Reply]:
        t = self.ctx.t(person)
        users.set_awaiting(self.ctx.db, person.key, person.channel, f"hz:{hearing.id}:{lang}")
        prompts = {"kk": N_("The results in Kazakh: what was decided, and what happens next."),
                   "ru": N_("The results in Russian."), "en": N_("Optional: the results in English.")}
        rows = [(Button(t.gettext("Skip ›"), f"hb:rk:{hearing.id}"),)] if lang == "en" else []
        rows.append((Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),))
        return [Reply(t.gettext(prompts[lang]), tuple(rows), "command", lang=t.lang)]

    def _typed_results(self, person: Person, hearing_id: int, lang: str, text: str) -> list[Reply]:
        t = self.ctx.t(person)
        hearing = self._own(person, hearing_id)
        if hearing is None or lang not in ("kk", "ru", "en"):
            return expired(t)
        value = "\n".join(line.rstrip() for line in text.strip().splitlines())
        try:
            check_results_fit(hearing, lang, value, self.ctx.areas)
        except HearingError as exc:
            # Said, never cut: the same prompt again, with how long the text may be.
            return [Reply(announcing.error_texts(exc, t), (), "hearing_invalid", lang=t.lang),
                    *self.ask_results(person, hearing, lang)]
        if lang == "kk":
            stored.set_changes(self.ctx.db, hearing_id, None)
        stored.set_changes(self.ctx.db, hearing_id, {**stored.changes(self.ctx.db, hearing_id), lang: value})
        following = {"kk": "ru", "ru": "en" if "en" in hearing.texts else None, "en": None}[lang]
        if following:
            return self.ask_results(person, hearing, following)
        return self._results_preview(person, hearing)

    def _results_preview(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        held = replace(hearing, results=stored.changes(self.ctx.db, hearing.id))
        lang = hearing.language_for(t.lang)
        rows = ((Button(t.gettext("📣 Send the results"), f"hb:rg:{hearing.id}"),),
                (Button(t.gettext("‹ Back"), f"hb:h:{hearing.id}"),))
        return [Reply(t.gettext("Preview: this is what residents will see."), (), "command", lang=t.lang),
                Reply(message_text(held, RESULTS, translator(lang), self.ctx.areas), (), "preview", lang=lang),
                Reply(t.gettext("The results go to those who received the announcement and still follow the area."),
                      rows, "preview", lang=t.lang)]

    def send_results(self, person: Person, hearing: Hearing) -> list[Reply]:
        return self._queue(person, hearing, lambda: announcing.publish_results(
            self.ctx.db, self.ctx.areas, hearing.id, stored.changes(self.ctx.db, hearing.id), person.key,
            progress_user=person.key),
            lambda t, n: t.ngettext("The results are queued for {n} resident.",
                                    "The results are queued for {n} residents.", n))

    # ---- buttons -----------------------------------------------------------------------------------
    def press(self, person: Person, data: str) -> list[Reply]:
        t = self.ctx.t(person)
        parts = data.split(":")[1:]
        action, args = (parts[0], parts[1:]) if parts else ("", [])
        if action == "new" and not args:
            return after_press(self.new(person), closes_pressed=True)
        if action == "ls" and not args:
            return after_press(self.listing(person), replaces_pressed=True)
        if not args or not args[0].isdigit() or len(args[0]) > 12:
            return expired(t)
        hearing = self._own(person, int(args[0]))
        if hearing is None:
            return expired(t)
        draft = hearing.id if hearing.status == "draft" else None
        if draft is not None:
            return after_press(self._press_draft(person, draft, action, args[1:]), closes_pressed=True)
        handlers = {
            "h": lambda: after_press(self.show(person, hearing), replaces_pressed=True),
            "q": lambda: self.questions(person, hearing),
            "mv": lambda: self.change(person, hearing),
            "mk": lambda: self._keep(person, hearing, args[1:]),
            "mg": lambda: after_press(self.send_change(person, hearing), closes_pressed=True),
            "cx": lambda: self.ask_cancel(person, hearing),
            "cy": lambda: after_press(self.cancel(person, hearing), replaces_pressed=True),
            "rs": lambda: self.ask_results(person, hearing),
            "rk": lambda: self._results_preview(person, hearing),
            "rg": lambda: after_press(self.send_results(person, hearing), closes_pressed=True),
        }
        handler = handlers.get(action)
        return handler() if handler else expired(t)

    def _keep(self, person: Person, hearing: Hearing, args: list[str]) -> list[Reply]:
        if args not in (["start"], ["place"]) or hearing.status not in announcing.OPEN:
            return expired(self.ctx.t(person))
        return self._after_change_field(person, hearing, args[0])

    def _press_draft(self, person: Person, draft: int, action: str, args: list[str]) -> list[Reply]:
        t = self.ctx.t(person)
        if action == "h":
            return self.show(person, hearing_store.get(self.ctx.db, draft))
        if action == "ar" and len(args) == 1:
            try:
                code = check_area(args[0], self.ctx.areas)
                announcing.check_scope(self.ctx.db, self.ctx.areas, person.key, code)
            except HearingError as exc:
                return self._prompt(person, draft, "area", announcing.error_texts(exc, t))
            stored.set_draft(self.ctx.db, draft, area_code=code)
            return self._next(person, draft, "area")
        if action == "du" and len(args) == 1:
            return self._typed_step(person, draft, "duration", args[0])
        if action == "sk" and len(args) == 1 and args[0] in ("point", "url", "en.title"):
            if args[0] == "en.title":
                stored.set_draft_text(self.ctx.db, draft, "en", "title", None)
                return self.preview(person, draft)
            return self._next(person, draft, args[0])
        if action == "ur" and not args:
            hearing = hearing_store.get(self.ctx.db, draft)
            stored.set_draft(self.ctx.db, draft, urgent=int(not hearing.urgent))
            return self.preview(person, draft)
        if action == "go" and not args:
            return self.send(person, draft)
        if action == "dr" and not args:
            stored.delete_draft(self.ctx.db, draft)
            users.set_awaiting(self.ctx.db, person.key, person.channel, None)
            return [Reply(t.gettext("The draft is discarded."), (), "command", lang=t.lang)]
        return expired(t)


def _grouped(asked: list[dict], glossary: Glossary) -> list[Group]:
    return group_questions(asked, glossary=glossary) if asked else []


def _has(hearing: Hearing, step: str) -> bool:
    if "." in step:
        lang, part = step.split(".")
        return bool(lang in hearing.texts and getattr(hearing.texts[lang], part))
    column = {"area": "area", "start": "starts_at", "duration": "duration_minutes", "place": "place",
              "point": "latitude", "url": "online_url"}[step]
    return getattr(hearing, column) is not None

