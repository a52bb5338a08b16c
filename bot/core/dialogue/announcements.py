"""The residents' side of a hearing announcement: the buttons under it.

Buttons it owns (bot/core/hearings/messages.py puts them under each message):
    hc:<hearing>   send the calendar file (.ics) in the resident's language
    hr:<hearing>   "I'll attend", counted once per resident
    hq:<hearing>   ask a question for the hearing: the next text is the question
    hu:<hearing>   stop following the areas that brought this announcement
"I'll attend" and a question are taken only from residents the hearing concerns: those who were sent a
message about it, or who follow its area (so that its announcement reaches them). Anyone else, pressing a
button made up with another hearing's id, gets the ordinary "expired" reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core import quotas
from bot.core.dialogue.base import Context, expired
from bot.core.hearings import broadcasts as announcing
from bot.core.hearings import hearing as hearing_store
from bot.core.hearings.calendar import filename, ics
from bot.core.hearings.hearing import Hearing, local_now
from bot.core.replies import Document, Person, Reply
from bot.core.text.redact import redact
from bot.storage import hearings as stored
from bot.storage import outbox, subscriptions, users

log = logging.getLogger(__name__)

# What `users.awaiting` holds while a question for hearing <id> is awaited: "hq:<id>".
AWAITING_QUESTION = "hq"
# A question for a hearing is a paragraph, not a petition: the akimat reads many of them.
QUESTION_MAX_CHARS = 1000


@dataclass
class Announcements:
    ctx: Context

    COMMANDS = ()
    PREFIXES = ("hc", "hr", "hq", "hu")
    AWAITS = (AWAITING_QUESTION,)

    def press(self, person: Person, data: str) -> list[Reply]:
        t = self.ctx.t(person)
        kind, _, rest = data.partition(":")
        hearing = hearing_store.get(self.ctx.db, int(rest)) if rest.isdigit() and len(rest) < 12 else None
        if hearing is None or hearing.status == "draft":
            return expired(t)
        if kind in ("hr", "hq") and not self._concerns(person, hearing):
            # A forged hr:<id> or hq:<id> for someone else's hearing: the ordinary "expired" reply.
            log.info("hearing button %s from a %s user the hearing was not sent to: expired", kind, person.channel)
            return expired(t)
        if kind == "hc":
            return self.calendar(person, hearing)
        if kind == "hr":
            return self.attend(person, hearing)
        if kind == "hq":
            return self.ask(person, hearing)
        return self.unsubscribe(person, hearing)

    def _concerns(self, person: Person, hearing: Hearing) -> bool:
        """May this resident say they will attend, or ask a question? Those who were sent a message about the
        hearing, and those whom its announcement would reach now (its area's followers)."""
        return (outbox.was_sent(self.ctx.db, hearing.id, person.key)
                or announcing.in_audience(self.ctx.db, self.ctx.areas, person.key, hearing.area))

    def calendar(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        lang = hearing.language_for(t.lang)
        document = Document(filename(hearing), ics(hearing, lang, self.ctx.areas), "text/calendar")
        text = (t.gettext("The hearing is cancelled: open this file to remove it from your calendar.")
                if hearing.status == "cancelled"
                else t.gettext("Open this file to add the hearing to your calendar (it updates an earlier copy)."))
        return [Reply(text, (), "calendar", lang=t.lang, document=document)]

    def _over(self, hearing: Hearing, t) -> list[Reply] | None:
        if hearing.status == "cancelled":
            return [Reply(t.gettext("This hearing has been cancelled."), (), "hearing_closed", lang=t.lang)]
        if hearing.status == "held" or hearing.starts_at <= local_now():
            return [Reply(t.gettext("This hearing has already taken place."), (), "hearing_closed", lang=t.lang)]
        return None

    def attend(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        if closed := self._over(hearing, t):
            return closed
        new = stored.attend(self.ctx.db, hearing.id, person.key)
        count = stored.attending(self.ctx.db, hearing.id)
        text = (t.gettext("Thank you: the akimat will know you are coming.") if new
                else t.gettext("You have already said you will attend."))
        return [Reply(text + "\n" + t.ngettext("{n} person has said they will attend.",
                                               "{n} people have said they will attend.", count),
                      (), "attend", lang=t.lang)]

    def _quota_reached(self, person: Person, t) -> list[Reply] | None:
        if quotas.allows(self.ctx.db, person.key, quotas.Kind.HEARING_QUESTIONS):
            return None
        log.info("quota reached: %s", quotas.Kind.HEARING_QUESTIONS.value)
        n = quotas.limit(quotas.Kind.HEARING_QUESTIONS)
        return [Reply(t.ngettext("You have sent {n} question for public hearings today, as many as I accept in a "
                                 "day. Please send more tomorrow.",
                                 "You have sent {n} questions for public hearings today, as many as I accept in a "
                                 "day. Please send more tomorrow.", n), (), "quota", lang=t.lang)]

    def ask(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        if closed := self._over(hearing, t):
            return closed
        if full := self._quota_reached(person, t):
            return full
        users.set_awaiting(self.ctx.db, person.key, person.channel, f"{AWAITING_QUESTION}:{hearing.id}")
        title = hearing.texts[hearing.language_for(t.lang)].title
        return [Reply(t.gettext("Write your question for the hearing “{title}” in one message. Leave out your "
                                "name, phone and ID numbers: the akimat gets the question, not who asked it.",
                                title=title), (), "command", lang=t.lang)]

    def typed(self, person: Person, text: str, waiting: str) -> list[Reply]:
        """The question after "Ask a question": stored redacted, against the hearing."""
        t = self.ctx.t(person)
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        hearing_id = waiting.partition(":")[2]
        hearing = hearing_store.get(self.ctx.db, int(hearing_id)) if hearing_id.isdigit() else None
        if hearing is None:
            return expired(t)
        if closed := self._over(hearing, t):
            return closed
        if full := self._quota_reached(person, t):  # the quota filled while this one was being typed
            return full
        question = redact(" ".join(text.split()))[:QUESTION_MAX_CHARS]
        stored.add_question(self.ctx.db, hearing.id, person.key, t.lang, question)
        log.info("hearing question stored hearing=%s chars=%d", hearing.id, len(question))
        return [Reply(t.gettext("Thank you: your question goes to the akimat before the hearing. See or delete "
                                "it with /mydata and /forget."), (), "hearing_question", lang=t.lang)]

    def unsubscribe(self, person: Person, hearing: Hearing) -> list[Reply]:
        t = self.ctx.t(person)
        areas = self.ctx.areas
        # The subscriptions that brought it: its own area, and the areas around it followed with everything in them.
        own, around = announcing.audience(areas, hearing.area)
        stopped = [code for code, scope in subscriptions.scopes_of(self.ctx.db, person.key).items()
                   if code in own or (code in around and scope == subscriptions.TREE)]
        for code in stopped:
            subscriptions.unsubscribe(self.ctx.db, person.key, code)
        if not stopped:
            return [Reply(t.gettext("You no longer follow this area. See your subscriptions with /subscriptions."),
                          (), "unsubscribed", lang=t.lang)]
        names = ", ".join(areas.path(code, t.lang) for code in stopped)
        return [Reply(t.gettext("Done: no more announcements for {area}. Follow it again with /subscribe.",
                                area=names), (), "unsubscribed", lang=t.lang)]
