"""The residents' dialogue: questions and answers, topics, language, /about, /mydata, /forget, /whoami.

Buttons it owns (the prefix names the module; see base.py):
    e:<entry>            open an entry                 l:<lang>           set the language
    s:<gap>:<entry>      pick a suggestion             x:<gap>            "none of these" / "not what I asked"
    v:<answer>:u|d[:m]   👍 / 👎 on an answer shown      r:<feedback>:w|o|u reason for a 👎
                         (":m" under a short answer: the vote keeps its "More")
    t:<page>             categories                    c:<category>:<page> entries of a category
    n:<gap>              🔔 tell me when there is an answer (under "I don't have an answer")
    m:<entry>:<lang>[:<answer>]  "More": the full answer with its sources in place of the short one (the
                         answer id, when the short one had 👍 / 👎, keeps them under the full one)
    forget               confirm deleting my data
Ids that do not exist or belong to someone else get a polite "expired" reply; so do votes from before
answers were recorded (v:<entry>:u, an entry id where the answer id now is).

What a typed message gets, in this order: an entry's answer when the matcher is sure (its short answer
first, with "More"); else the kind's reply when the whole message is small talk ("рахмет", "ок", "кто
ты?": bot/core/matching/small_talk.py), never logged; else, when it is nearest a question of an
out-of-scope topic, that topic's referral (where such questions are answered: no 🔔, no gap for editors,
and "Not what I asked" to send it to them after all; policy.referral); else "did you mean"; else "no
answer yet", logged for the editors, with 🔔.

/mydata, /forget and the "forget" button show or touch one resident's data: where others read along
(a group), they answer only with a link to the private chat.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from bot.core import quotas
from bot.core.dialogue.base import (
    Context,
    after_press,
    client_language,
    deep_link_key,
    expired,
    followed_line,
    private_only,
    unknown_command,
)
from bot.core.dialogue.base import page as button_page
from bot.core.knowledge.render import answer_text, no_match_text, referral_text, short_text, suggestion_text
from bot.core.matching import policy
from bot.core.matching.result import Query
from bot.core.matching.small_talk import Recognised, Recognizer
from bot.core.privacy import STORED
from bot.core.replies import Button, Person, Reply
from bot.core.text.hygiene import scrub
from bot.core.text.redact import redact
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, Translator, translator
from bot.storage import feedback, gaps, hearings, notifications, outbox, subscriptions, users

log = logging.getLogger(__name__)

# Longer questions are cut before matching and storing: no real question is longer, and a 10,000
# character paste should not cost the matcher or the gap log anything.
MAX_QUESTION_CHARS = 1000
REASON_CODES = {"w": "wrong_topic", "o": "outdated", "u": "unclear"}


@dataclass
class Residents:
    ctx: Context
    # (the knowledge base it was built for, the small-talk recognizer)
    _small_talk: tuple | None = field(default=None, init=False, repr=False)

    # The slash commands, in the order menus show them.
    COMMANDS = ("start", "topics", "language", "help", "about", "mydata", "forget", "whoami")
    PREFIXES = ("e", "l", "s", "x", "v", "r", "t", "c", "n", "m", "forget")

    @property
    def kb(self):
        return self.ctx.kb

    @property
    def small_talk(self) -> Recognizer:
        """The recognizer of the knowledge base served now (rebuilt after a reload: the phrases are content)."""
        if self._small_talk is None or self._small_talk[0] is not self.ctx.kb:
            self._small_talk = (self.ctx.kb, Recognizer(self.ctx.kb))
        return self._small_talk[1]

    @property
    def matcher(self):
        return self.ctx.matcher

    @property
    def db(self) -> Database:
        return self.ctx.db

    def language(self, person: Person) -> str:
        return self.ctx.language(person)

    def _t(self, person: Person) -> Translator:
        return self.ctx.t(person)

    # ---- commands -------------------------------------------------------------------------------
    def start(self, person: Person, payload: str = "") -> list[Reply]:
        """Greeting; `payload` is a deep link (t.me/bot?start=...) to a topic or a category."""
        payload = payload.strip()
        if payload:
            opened = self._open_deep_link(person, payload)
            if opened:
                return opened
        subscriptions.resume(self.db, person.key)  # back after blocking the bot: their subscriptions work again
        t = self._t(person)
        saved = users.language_chosen(self.db, person.key)
        text = "\n".join([
            t.gettext("Hello! I am Qogam, a guide to local government in Kazakhstan."),
            t.gettext("Ask me in Kazakh, Russian or English: who elects the village akim, what the maslikhat "
                      "decides, how to file an appeal to the akimat and how long it may take."),
            t.gettext("Every answer comes with its legal basis. Browse all topics with /topics."),
        ])
        buttons = () if saved else (self._language_row(),)
        if not saved:
            text += "\n\n" + t.gettext("Choose your language:")
        return [Reply(text, buttons, "command", lang=t.lang)]

    def help(self, person: Person) -> list[Reply]:
        t = self._t(person)
        text = "\n".join([
            t.gettext("Just write your question, for example: \"Who approves the village budget?\""),
            "",
            t.gettext("/topics — browse topics"),
            t.gettext("/subscribe — announcements of public hearings in your area"),
            t.gettext("/subscriptions — the areas you follow"),
            t.gettext("/language — change the language"),
            t.gettext("/about — about this bot"),
            t.gettext("/mydata — what is stored about you"),
            t.gettext("/forget — delete what is stored about you"),
            t.gettext("/help — this help"),
        ])
        return [Reply(text, (), "command", lang=t.lang)]

    def choose_language(self, person: Person) -> list[Reply]:
        t = self._t(person)
        return [Reply(t.gettext("Choose your language:"), (self._language_row(),), "command", lang=t.lang)]

    def about(self, person: Person) -> list[Reply]:
        return self._entry_reply(person, "bot.about", outcome="command") if "bot.about" in self.kb.entries else []

    def topics(self, person: Person, page: int = 0) -> list[Reply]:
        t = self._t(person)
        categories = list(self.kb.categories.values())
        used = [c for c in categories if self.kb.in_category(c.id)]
        rows, nav = button_page(used, page, lambda c: Button(c.names[t.lang], f"c:{c.id}:0"), "t:{}", t)
        return [Reply(t.gettext("Choose a topic:"), (*rows, *nav), "command", lang=t.lang)]

    def category(self, person: Person, category_id: str, page: int = 0) -> list[Reply]:
        t = self._t(person)
        category = self.kb.categories.get(category_id)
        entries = self.kb.in_category(category_id)
        if not category or not entries:
            return expired(t)
        rows, nav = button_page(
            entries, page, lambda e: Button(e.texts[t.lang].title, f"e:{e.id}"), f"c:{category_id}:{{}}", t
        )
        back = (Button(t.gettext("« All topics"), "t:0"),)
        return [Reply(category.names[t.lang], (*rows, *nav, back), "command", lang=t.lang)]

    def my_data(self, person: Person) -> list[Reply]:
        t = self._t(person)
        if not person.private:  # the list holds their questions, which may name them: never in a group
            return private_only(t, "mydata")
        lines = [t.gettext("This is everything stored about you:")]
        for kind in STORED:
            lines.extend(self._mydata_lines[kind.id](person.key, t))
        lines.append(t.gettext("Delete all of it with /forget."))
        return [Reply("\n".join(lines), (), "command", lang=t.lang)]

    @property
    def _mydata_lines(self) -> dict[str, Callable[[str, Translator], list[str]]]:
        """/mydata's lines for each kind of data in privacy.STORED (tests/test_privacy_list.py checks that
        every kind has its lines)."""
        return {
            "language": self._language_lines, "questions": self._question_lines, "ratings": self._rating_lines,
            "answers": self._shown_lines, "areas": self._area_lines, "hearing_questions": self._hearing_question_lines,
            "attending": self._attending_lines, "announcements": self._announcement_lines, "told": self._told_lines,
        }

    def _language_lines(self, key: str, t: Translator) -> list[str]:
        user = users.get_user(self.db, key)
        if user and user["language"]:
            return [t.gettext("Language: {language}", language=LANGUAGE_NAMES[user["language"]])]
        return [t.gettext("Language: not chosen")]

    def _question_lines(self, key: str, t: Translator) -> list[str]:
        questions = gaps.for_user(self.db, key)
        return [t.ngettext("{n} question the bot could not answer (without your name):",
                           "{n} questions the bot could not answer (without your name):", len(questions)),
                *(f"• {g.question}" for g in questions[-10:])]

    def _rating_lines(self, key: str, t: Translator) -> list[str]:
        return [t.ngettext("{n} rating of an answer", "{n} ratings of answers", len(feedback.for_user(self.db, key)))]

    def _shown_lines(self, key: str, t: Translator) -> list[str]:
        shown = feedback.answers_shown(self.db, key)
        return [t.ngettext("{n} answer shown to you (so that you can rate it)",
                           "{n} answers shown to you (so that you can rate them)", shown)]

    def _area_lines(self, key: str, t: Translator) -> list[str]:
        followed = subscriptions.scopes_of(self.db, key)
        return [t.ngettext("{n} area you follow:", "{n} areas you follow:", len(followed)),
                *(f"• {followed_line(self.ctx.areas, code, scope, t)}" for code, scope in followed.items()
                  if code in self.ctx.areas)]

    def _hearing_question_lines(self, key: str, t: Translator) -> list[str]:
        asked = hearings.questions_of(self.db, key)
        return [t.ngettext("{n} question for a public hearing (without your name):",
                           "{n} questions for public hearings (without your name):", len(asked)),
                *(f"• {q['question']}" for q in asked[-10:])]

    def _attending_lines(self, key: str, t: Translator) -> list[str]:
        return [t.ngettext("{n} hearing you said you will attend", "{n} hearings you said you will attend",
                           len(hearings.attends_of(self.db, key)))]

    def _announcement_lines(self, key: str, t: Translator) -> list[str]:
        return [t.ngettext("{n} announcement sent to you", "{n} announcements sent to you",
                           len(outbox.received(self.db, key)))]

    def _told_lines(self, key: str, t: Translator) -> list[str]:
        # Requests still open: no answer yet, or an answer on its way to them.
        return [t.ngettext("{n} answer you asked to be told about", "{n} answers you asked to be told about",
                           len(notifications.pending_for(self.db, key)))]

    def forget(self, person: Person) -> list[Reply]:
        t = self._t(person)
        if not person.private:
            return private_only(t, "forget")
        return [Reply(
            t.gettext("Delete your language choice, your unanswered questions, your ratings, your subscriptions "
                      "and your questions for hearings? This cannot be undone."),
            ((Button(t.gettext("Yes, delete"), "forget"),),), "command", lang=t.lang,
        )]

    def whoami(self, person: Person) -> list[Reply]:
        """The resident's numeric Telegram id, which the operator needs to make them an admin
        (QOGAM_ADMIN_IDS) or to grant a role (`qogam roles grant tg:<id> ...`). Nothing is stored."""
        t = self._t(person)
        if not person.private:
            return private_only(t, "whoami")
        channel, _, number = person.key.partition(":")
        if channel != "tg" or not number.isdigit():
            text = t.gettext("Here you have no Telegram id (you are {key}). Write /whoami to the bot in Telegram "
                             "to see yours.", key=person.key)
            return [Reply(text, (), "command", lang=t.lang)]
        text = "\n\n".join([
            t.gettext("Your Telegram user id: {id}", id=number),
            t.gettext("Send this number to whoever runs the bot if you are to become its admin, an editor or an "
                      "akimat's broadcaster. It is not a secret, and the bot does not store it for this."),
        ])
        return [Reply(text, (), "command", lang=t.lang)]

    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        """Dispatch one of this module's slash commands by name (without the slash)."""
        handlers = {
            "start": lambda: self.start(person, argument),
            "help": lambda: self.help(person),
            "topics": lambda: self.topics(person),
            "language": lambda: self.choose_language(person),
            "about": lambda: self.about(person),
            "mydata": lambda: self.my_data(person),
            "forget": lambda: self.forget(person),
            "whoami": lambda: self.whoami(person),
        }
        handler = handlers.get(name)
        return handler() if handler else unknown_command(self._t(person), name)

    # ---- questions ------------------------------------------------------------------------------
    def ask(self, person: Person, text: str) -> list[Reply]:
        # Scrubbed before matching: the matcher's clean-up would leave the tail of an escape sequence
        # ("[31m") in the question that is stored.
        text = scrub((text or "")[:MAX_QUESTION_CHARS])
        saved = self.language(person)
        result = self.matcher.match(text, hint=saved)
        query, candidates = result.query, result.candidates
        # Numbers alone ("9", a flat number sent by mistake) are no question either: nothing to answer, and
        # nothing for the editors.
        if not query.has_letters:
            t = translator(saved)
            return [Reply(t.gettext(
                "Please write your question in words, for example: \"What does the maslikhat do?\""),
                          (), "empty", lang=saved)]
        lang = _reply_language(query, saved)
        if query.detection.confident and lang != saved and not users.language_chosen(self.db, person.key):
            # No choice made: the interface follows the language the resident clearly writes in.
            users.set_language(self.db, person.key, person.channel, lang, chosen=False)
        t = translator(lang)
        decision = policy.decide(result)
        top = [(c.entry_id, c.score) for c in candidates[:policy.MAX_SUGGESTIONS]]
        if isinstance(decision, policy.Answer):
            return self._entry_reply(person, decision.entry_id, lang=lang, score=decision.score)
        # The knowledge base first ("что умеет этот бот" is bot.about's phrasing); small talk only where it
        # would have offered "did you mean" or said it has no answer.
        chat = self.small_talk.recognise(text)
        if chat is not None:
            return self._small_talk_reply(chat, saved, query)
        topic = policy.referral(self.kb, result, decision)
        if not quotas.allows(self.db, person.key, quotas.Kind.GAPS):
            # Answered as well as the bot can, and not stored: suggestions open their entries directly.
            log.info("quota reached: %s", quotas.Kind.GAPS.value)
            note = t.gettext("You have asked many questions today that I could not answer, so I am not passing "
                             "more of them to the editors until tomorrow.")
            if topic is not None:  # where to go instead, without "Not what I asked", which would store it
                return [Reply(referral_text(topic, t), (), "not_ours", decision.score, lang, topic=topic.id)]
            if isinstance(decision, policy.Suggest):
                rows = tuple((Button(self.kb.entries[eid].texts[lang].title, f"e:{eid}"),)
                             for eid in decision.entry_ids)
                return [Reply(suggestion_text(decision.entry_ids, self.kb, t) + "\n\n" + note, rows, "suggested",
                              decision.score, lang)]
            return [Reply(no_match_text(t, logged=False) + "\n\n" + note, (), "unanswered", decision.score, lang)]
        if topic is not None:
            # Not ours: where such questions are answered, and no promise that editors will answer it. Kept
            # (redacted) only so that "Not what I asked" can still pass it to them.
            gap_id = gaps.record(self.db, user_key=person.key, channel=person.channel, lang=lang,
                                 question=redact(query.text), status=gaps.REFERRED, candidates=top)
            wrong = ((Button(t.gettext("Not what I asked"), f"x:{gap_id}"),),)
            return [Reply(referral_text(topic, t), wrong, "not_ours", decision.score, lang, topic=topic.id)]
        if isinstance(decision, policy.Suggest):
            gap_id = gaps.record(self.db, user_key=person.key, channel=person.channel, lang=lang,
                                 question=redact(query.text), status=gaps.SUGGESTED, candidates=top)
            rows = tuple(
                (Button(self.kb.entries[eid].texts[lang].title, f"s:{gap_id}:{eid}"),) for eid in decision.entry_ids
            )
            rows += ((Button(t.gettext("None of these"), f"x:{gap_id}"),),)
            return [Reply(suggestion_text(decision.entry_ids, self.kb, t), rows, "suggested", decision.score, lang)]
        gap_id = gaps.record(self.db, user_key=person.key, channel=person.channel, lang=lang,
                             question=redact(query.text), status=gaps.UNANSWERED, candidates=top)
        return [Reply(no_match_text(t, logged=True), self._notify_button(person, gap_id, t), "unanswered",
                      decision.score, lang)]

    def _small_talk_reply(self, chat: Recognised, saved: str, query: Query) -> list[Reply]:
        """The kind's reply, in the resident's language when the phrase is one of it ("ок" is Kazakh and
        Russian alike), else in the language the message is clearly written in, else the phrase's."""
        if saved in chat.langs:
            lang = saved
        elif query.detection.confident and query.detection.lang in chat.langs:
            lang = query.detection.lang
        else:
            lang = chat.langs[0]
        return [Reply(self.kb.small_talk.reply(chat.kind, lang), (), "small_talk", lang=lang)]

    def shareable(self, person: Person, text: str, limit: int = 5) -> list[Reply]:
        """Entries worth offering for a half-typed question (Telegram's inline mode), best first.

        Nothing is logged: inline queries arrive as the resident types, letter by letter.
        """
        text = (text or "")[:MAX_QUESTION_CHARS]
        saved = self.language(person)
        result = self.matcher.match(text, hint=saved)
        if not result.query.words:
            return []
        lang = _reply_language(result.query, saved)
        _, entry_id, suggestions = policy.describe(policy.decide(result))
        ids = [entry_id] if entry_id else list(suggestions)
        # After the policy's picks, other candidates that clear the suggestion floor, for a longer list
        # (only when the policy offered something: a question it would not even suggest for gets nothing).
        if ids:
            ids += [c.entry_id for c in result.candidates if c.score >= policy.SUGGEST_MIN and c.entry_id not in ids]
        scores = {c.entry_id: c.score for c in result.candidates}
        # No votes: Telegram shows inline results without our buttons, and recording an answer per keystroke
        # would fill the answers table with what nobody was shown.
        return [r for eid in ids[:limit]
                for r in self._entry_reply(person, eid, lang=lang, score=scores.get(eid), votes=False)]

    def not_text(self, person: Person) -> list[Reply]:
        """Stickers, photos, voice, locations: say what the bot understands."""
        t = self._t(person)
        return [Reply(t.gettext("I can only read text. Please write your question in words, or browse /topics."),
                      (), "not_text", lang=t.lang)]

    def slow_down(self, person: Person) -> list[Reply]:
        t = self._t(person)
        return [Reply(t.gettext("You are sending messages very quickly. Please wait a few seconds, then ask again."),
                      (), "throttled", lang=t.lang)]

    def apology(self, person: Person) -> list[Reply]:
        """After an internal error, which may be the database's: fall back to the client's language."""
        try:
            t = self._t(person)
        except Exception:  # noqa: BLE001 - the apology itself must not fail
            t = translator(client_language(person))
        return [Reply(t.gettext("Sorry, something went wrong on my side. Please try again in a minute."),
                      (), "error", lang=t.lang)]

    # ---- buttons --------------------------------------------------------------------------------
    def press(self, person: Person, data: str) -> list[Reply]:
        """Handle pressed button data. Never raises on forged or stale data."""
        t = self._t(person)
        try:
            kind, _, rest = (data or "").partition(":")
            args = rest.split(":") if rest else []
            if kind == "e" and len(args) == 1:
                return self._entry_reply(person, args[0])
            if kind == "l" and len(args) == 1 and args[0] in LANGUAGES:
                users.set_language(self.db, person.key, person.channel, args[0], chosen=True)
                nt = translator(args[0])
                return [Reply(nt.gettext("Language saved: {language}. Ask your question.",
                                         language=LANGUAGE_NAMES[args[0]]), (), "command", lang=nt.lang,
                              closes_pressed=True)]
            if kind == "s" and len(args) == 2:
                return self._pick_suggestion(person, int(args[0]), args[1], t)
            if kind == "x" and len(args) == 1:
                return after_press(self._reject_suggestions(person, int(args[0]), t), closes_pressed=True)
            # An answer id is digits; a button from before answers were recorded carries an entry id: expired.
            if kind == "v" and len(args) in (2, 3) and args[1] in ("u", "d") and args[0].isascii() \
                    and args[0].isdigit() and args[2:] in ([], ["m"]):
                return after_press(self._vote(person, int(args[0]), args[1] == "u", t, keep_more=len(args) == 3),
                                   closes_pressed=True)
            if kind == "r" and len(args) == 2 and args[1] in REASON_CODES:
                if feedback.set_reason(self.db, int(args[0]), person.key, REASON_CODES[args[1]]):
                    return [Reply(t.gettext("Thank you, the editors will look at this answer."), (), "feedback",
                                  lang=t.lang, replaces_pressed=True)]
                return expired(t)
            if kind == "t" and len(args) == 1:
                return after_press(self.topics(person, int(args[0])), replaces_pressed=True)
            if kind == "c" and len(args) == 2:
                return after_press(self.category(person, args[0], int(args[1])), replaces_pressed=True)
            if kind == "n" and len(args) == 1 and args[0].isascii() and args[0].isdigit():
                return after_press(self._notify_me(person, int(args[0]), t), closes_pressed=True)
            if kind == "m" and len(args) in (2, 3) and args[1] in LANGUAGES:
                answer_id = int(args[2]) if len(args) == 3 and args[2].isascii() and args[2].isdigit() else None
                if len(args) == 2 or answer_id is not None:
                    return after_press(self._more(args[0], args[1], answer_id, t), replaces_pressed=True)
            if kind == "forget" and not args:
                if not person.private:  # an old confirmation in a group: whoever pressed it, not here
                    return private_only(t, "forget")
                return after_press(self._forget_confirmed(person), replaces_pressed=True)
        except (ValueError, OverflowError):  # a forged number: not an id of ours
            pass
        # The data is the sender's to forge: log its prefix (ours are short ASCII words) and length only.
        log.info("stale or forged button data from %s: prefix=%r chars=%d", person.channel,
                 (data or "").partition(":")[0][:8], len(data or ""))
        return expired(t)

    def _pick_suggestion(self, person: Person, gap_id: int, entry_id: str, t: Translator) -> list[Reply]:
        found = gaps.get(self.db, gap_id)
        if not found or found[1] != person.key or entry_id not in self.kb.entries:
            return expired(t)
        gap, _ = found
        gaps.set_status(self.db, gap_id, gaps.RESOLVED, entry_id)
        return self._entry_reply(person, entry_id, lang=gap.lang)

    def _reject_suggestions(self, person: Person, gap_id: int, t: Translator) -> list[Reply]:
        found = gaps.get(self.db, gap_id)
        if not found or found[1] != person.key:
            return expired(t)
        gaps.set_status(self.db, gap_id, gaps.REJECTED)
        lt = translator(found[0].lang)
        return [Reply(no_match_text(lt, logged=True), self._notify_button(person, gap_id, lt), "unanswered",
                      lang=lt.lang)]

    def _more(self, entry_id: str, lang: str, answer_id: int | None, t: Translator) -> list[Reply]:
        """The full answer with its sources, in place of the short one; the same 👍 / 👎 under it. Anyone who
        sees the message may open it (in a group, a neighbour): it is the knowledge base's text. An answer id
        must be a showing of this entry, so a forged one reveals nothing."""
        entry = self.kb.entries.get(entry_id)
        if entry is None:
            return expired(t)
        buttons: tuple[tuple[Button, ...], ...] = ()
        if answer_id is not None:
            shown = feedback.answer_of(self.db, answer_id)
            if shown is None or shown["entry_id"] != entry_id:
                return expired(t)
            buttons = _votes(answer_id)
        lt = translator(lang)
        return [Reply(answer_text(entry, lt), buttons, "more", lang=lt.lang, entry_id=entry.id)]

    def _notify_me(self, person: Person, gap_id: int, t: Translator) -> list[Reply]:
        """🔔 under an unanswered question: only its asker may press it, and pressing again is harmless."""
        found = gaps.get(self.db, gap_id)
        if not found or found[1] != person.key:
            return expired(t)
        if not notifications.requested(self.db, gap_id) and not quotas.allows(self.db, person.key, quotas.Kind.NOTIFY):
            log.info("quota reached: %s", quotas.Kind.NOTIFY.value)
            n = quotas.limit(quotas.Kind.NOTIFY)
            return [Reply(t.ngettext("You have asked to be told about {n} answer today, as many as I take in a day. "
                                     "Please ask again tomorrow.",
                                     "You have asked to be told about {n} answers today, as many as I take in a day. "
                                     "Please ask again tomorrow.", n), (), "quota", lang=t.lang)]
        if not notifications.opt_in(self.db, gap_id, person.key, person.channel):
            # The editors already closed the gap (answered or ignored it): asking again is the way now.
            return expired(t)
        lt = translator(found[0].lang)  # the language of the question, as the notification will be
        return [Reply(lt.gettext("I will write to you once when the editors add an answer. /forget deletes this too."),
                      (), "command", lang=lt.lang)]

    def _vote(self, person: Person, answer_id: int, up: bool, t: Translator, *, keep_more: bool = False
              ) -> list[Reply]:
        """One vote per answer shown to this resident: pressing again changes it; someone else's answer
        (a button in a group, forged data) is expired. Under a short answer (`keep_more`) its "More" stays."""
        answer = feedback.answer_of(self.db, answer_id)
        if answer is None or answer["user_key"] != person.key:
            log.info("vote on an answer not shown to this %s user: expired", person.channel)
            return expired(t)
        feedback_id = feedback.vote(self.db, answer_id=answer_id, user_key=person.key, entry_id=answer["entry_id"],
                                    lang=answer["lang"] or t.lang, vote=1 if up else -1)
        keeps: tuple[tuple[Button, ...], ...] = ()
        shown_in = answer["lang"] if answer["lang"] in LANGUAGES else t.lang
        if keep_more and answer["entry_id"] in self.kb.entries:
            keeps = ((Button(translator(shown_in).gettext("More"),
                             f"m:{answer['entry_id']}:{shown_in}:{answer_id}"),),)
        if up:
            return [Reply(t.gettext("Thank you!"), (), "feedback", lang=t.lang, keeps_pressed=keeps)]
        reasons = (
            (Button(t.gettext("Wrong topic"), f"r:{feedback_id}:w"),),
            (Button(t.gettext("Outdated"), f"r:{feedback_id}:o"),),
            (Button(t.gettext("Unclear"), f"r:{feedback_id}:u"),),
        )
        return [Reply(t.gettext("What was wrong with the answer?"), reasons, "feedback", lang=t.lang,
                      keeps_pressed=keeps)]

    def _forget_confirmed(self, person: Person) -> list[Reply]:
        t = self._t(person)
        removed = users.forget(self.db, person.key)
        log.info("deleted data of a %s user (%d rows)", person.channel, removed)
        return [Reply(t.gettext("Done: everything stored about you has been deleted."), (), "command", lang=t.lang)]

    # ---- helpers --------------------------------------------------------------------------------
    def _entry_reply(self, person: Person, entry_id: str, *, lang: str | None = None, score: float | None = None,
                     outcome: str = "answered", votes: bool = True) -> list[Reply]:
        """The entry as an answer; with `votes`, 👍 / 👎 that name this showing of it (an `answers` row)."""
        t = translator(lang) if lang else self._t(person)
        entry = self.kb.entries.get(entry_id)
        if entry is None:
            return expired(t)
        answer_id = feedback.show_answer(self.db, user_key=person.key, entry_id=entry.id, lang=t.lang) \
            if votes else None
        short = short_text(entry, t)
        if short is None:  # no short answer yet: the full one, as before
            buttons = _votes(answer_id) if answer_id is not None else ()
            return [Reply(answer_text(entry, t), buttons, outcome, score, t.lang, entry_id=entry.id)]
        more = Button(t.gettext("More"), f"m:{entry.id}:{t.lang}" + (f":{answer_id}" if answer_id else ""))
        row = (more, *_votes(answer_id, under_short=True)[0]) if answer_id is not None else (more,)
        return [Reply(short, (row,), outcome, score, t.lang, entry_id=entry.id)]

    def _notify_button(self, person: Person, gap_id: int, t: Translator) -> tuple[tuple[Button, ...], ...]:
        # Only in the private chat: that is where the notification goes, and Telegram lets the bot write
        # there only to someone who has started it, which a resident asking in a group may never have done.
        if not person.private:
            return ()
        return ((Button(t.gettext("🔔 Notify me when answered"), f"n:{gap_id}"),),)

    def _open_deep_link(self, person: Person, payload: str) -> list[Reply] | None:
        # Deep-link payloads allow only A-Z a-z 0-9 _ -, so ids travel with "-" for ".".
        key = deep_link_key(payload)
        if key in self.kb.entries:
            return self._entry_reply(person, key)
        if payload in self.kb.categories:
            return self.category(person, payload)
        return None

    def _language_row(self) -> tuple[Button, ...]:
        return tuple(Button(LANGUAGE_NAMES[lang], f"l:{lang}") for lang in LANGUAGES)


def _votes(answer_id: int, *, under_short: bool = False) -> tuple[tuple[Button, ...], ...]:
    tail = ":m" if under_short else ""
    return ((Button("👍", f"v:{answer_id}:u{tail}"), Button("👎", f"v:{answer_id}:d{tail}")),)


def _reply_language(query: Query, saved: str) -> str:
    """The question's own language wins when it is clear; otherwise the resident's saved language."""
    return query.detection.lang if query.detection.confident else saved
