"""Residents follow areas: /subscribe (by buttons, by a typed name, by a poster's deep link) and
/subscriptions (each with a one-tap remove).

Buttons it owns:
    a:<area>:<page>   browse: the areas under <area> ("kz" for the regions and cities)
    sb:<area>         subscribe to <area>
    us:<area>         unsubscribe from <area>
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.dialogue.base import Context, after_press, deep_link_key, expired, page, unknown_command
from bot.core.knowledge.areas import Area
from bot.core.replies import Button, Person, Reply
from bot.i18n import N_, Translator
from bot.storage import subscriptions, users

log = logging.getLogger(__name__)

# A deep link t.me/<bot>?start=sub-<code> offers the area's subscription: for posters and QR codes.
DEEP_LINK_PREFIX = "sub-"
# What `users.awaiting` holds while /subscribe waits for a typed area name.
AWAITING_AREA = "area"
# Typed names that fit several areas ("Абай": a region and three districts) offer this many at most.
MAX_MATCHES = 6
# Areas come two to a row, 14 to a page (7 rows and the navigation fit a phone screen): most regions'
# districts fit on one page, and the 20 regions and cities on two.
AREA_PAGE_SIZE = 14
# The button that takes an area with all the areas under it. The screen starts with the area's name, so
# the button names only its kind: with the name ("Восточно-Казахстанская область целиком") it would not
# fit a phone's width. A kind not listed (no such area has areas under it yet) keeps the name.
WHOLE_AREA = {"region": N_("The whole region"), "city_republican": N_("The whole city"),
              "city_regional": N_("The whole city"), "district": N_("The whole district"),
              "city_district": N_("The whole district")}


@dataclass
class Subscriptions:
    ctx: Context

    COMMANDS = ("subscribe", "subscriptions")
    PREFIXES = ("a", "sb", "us")
    AWAITS = (AWAITING_AREA,)

    def command(self, person: Person, name: str, argument: str = "") -> list[Reply]:
        if name == "subscribe":
            return self.subscribe(person, argument)
        if name == "subscriptions":
            return self.listing(person)
        return unknown_command(self.ctx.t(person), name)

    # ---- /subscribe ------------------------------------------------------------------------------
    def subscribe(self, person: Person, typed: str = "") -> list[Reply]:
        """Pick a region (or type a name); `typed` is a name given with the command itself."""
        if typed.strip():
            return self.typed(person, typed)
        users.set_awaiting(self.ctx.db, person.key, person.channel, AWAITING_AREA)
        return self.browse(person, "kz", 0)

    def browse(self, person: Person, code: str, number: int) -> list[Reply]:
        t = self.ctx.t(person)
        areas = self.ctx.areas
        area = areas.get(code)
        if area is None:
            return expired(t)
        if area.kind == "country":
            items = areas.top(t.lang)
            rows, nav = page(items, number, lambda a: self._pick_button(a, t), f"a:{code}:{{}}", t, AREA_PAGE_SIZE)
            rows = _two_per_row(rows)
            text = t.gettext("Which area should I tell you about? Choose your region or city, or type its name.")
            return [Reply(text, (*rows, *nav), "command", lang=t.lang)]
        children = areas.children(code, t.lang)
        rows, nav = page(children, number, lambda a: self._pick_button(a, t), f"a:{code}:{{}}", t, AREA_PAGE_SIZE)
        rows = _two_per_row(rows)
        whole = (Button(_whole_area(area, t), f"sb:{code}"),)
        back = (Button(t.gettext("« All regions"), "a:kz:0"),)
        text = t.gettext("{area}: choose a district or the whole area, or type a name.", area=area.name(t.lang))
        return [Reply(text, (whole, *rows, *nav, back), "command", lang=t.lang)]

    def _pick_button(self, area: Area, t: Translator) -> Button:
        # An area with areas under it opens them; one without is subscribed to with one tap.
        has_children = bool(self.ctx.areas.children(area.code))
        return Button(area.name(t.lang), f"a:{area.code}:0" if has_children else f"sb:{area.code}")

    def typed(self, person: Person, text: str) -> list[Reply]:
        """A name typed after /subscribe: one match is offered as a poster's link offers it, several as a
        numbered list of their full paths with a numbered button each (two districts may share a name,
        and a path is too long for a button)."""
        t = self.ctx.t(person)
        found = self.ctx.areas.find(text, limit=MAX_MATCHES)
        if not found:
            users.set_awaiting(self.ctx.db, person.key, person.channel, AWAITING_AREA)
            return [Reply(t.gettext("I could not find an area called “{name}”. Check the spelling, or choose "
                                    "from the list with /subscribe.", name=text.strip()[:60]),
                          (), "area_unknown", lang=t.lang)]
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        if len(found) == 1:
            return self._confirm(found[0].code, t, "area_found")
        lines = [t.gettext("Several areas have this name. Which one?")]
        numbered = list(enumerate(found, start=1))
        lines += [f"{number}. {self.ctx.areas.path(a.code, t.lang)}" for number, a in numbered]
        rows = tuple((Button(f"{number}. {a.name(t.lang)}", f"sb:{a.code}"),) for number, a in numbered)
        return [Reply("\n".join(lines), rows, "area_found", lang=t.lang)]

    def offer(self, person: Person, payload: str) -> list[Reply]:
        """/start sub-<code> from a poster: the area and one confirm button."""
        t = self.ctx.t(person)
        code = payload[len(DEEP_LINK_PREFIX):]
        code = code if code in self.ctx.areas else deep_link_key(code)
        if code not in self.ctx.areas:
            return [Reply(t.gettext("This link names an area I do not know. Choose yours with /subscribe."),
                          (), "stale", lang=t.lang)]
        return self._confirm(code, t, "command")

    def _confirm(self, code: str, t: Translator, outcome: str) -> list[Reply]:
        text = t.gettext("Get announcements of public hearings in {area}?", area=self.ctx.areas.path(code, t.lang))
        return [Reply(text, ((Button(t.gettext("Yes, subscribe"), f"sb:{code}"),),), outcome, lang=t.lang)]

    # ---- /subscriptions ---------------------------------------------------------------------------
    def listing(self, person: Person) -> list[Reply]:
        t = self.ctx.t(person)
        followed = [c for c in subscriptions.of_user(self.ctx.db, person.key) if c in self.ctx.areas]
        if not followed:
            return [Reply(t.gettext("You do not follow any area yet. Choose one with /subscribe."),
                          (), "command", lang=t.lang)]
        # The sentence below says what a tap does, so the button carries the area's name alone: with
        # "✖ Stop:" before it, the longest names did not fit a phone's width.
        rows = tuple((Button(f"✖ {self.ctx.areas.get(c).name(t.lang)}", f"us:{c}"),) for c in followed)
        lines = [t.gettext("You get announcements of public hearings for:")]
        lines += [f"• {self.ctx.areas.path(c, t.lang)}" for c in followed]
        lines.append(t.gettext("Tap an area below to stop following it. Add another with /subscribe."))
        return [Reply("\n".join(lines), rows, "command", lang=t.lang)]

    # ---- buttons ----------------------------------------------------------------------------------
    def press(self, person: Person, data: str) -> list[Reply]:
        t = self.ctx.t(person)
        kind, _, rest = data.partition(":")
        args = rest.split(":")
        try:
            if kind == "a" and len(args) == 2:
                return after_press(self.browse(person, args[0], int(args[1])), replaces_pressed=True)
            if kind == "sb" and len(args) == 1 and args[0] in self.ctx.areas:
                return after_press(self._subscribe(person, args[0], t), replaces_pressed=True)
            if kind == "us" and len(args) == 1:
                subscriptions.unsubscribe(self.ctx.db, person.key, args[0])
                return after_press(self.listing(person), replaces_pressed=True)
        except (ValueError, OverflowError):  # a forged page number
            pass
        return expired(t)

    def _subscribe(self, person: Person, code: str, t: Translator) -> list[Reply]:
        new = subscriptions.subscribe(self.ctx.db, person.key, person.channel, code)
        if users.get_language(self.ctx.db, person.key) is None:
            # Announcements go out in the resident's language: keep the one we show them now, as inferred.
            users.set_language(self.ctx.db, person.key, person.channel, t.lang, chosen=False)
        subscriptions.resume(self.ctx.db, person.key)
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        log.info("subscription %s area=%s", "added" if new else "kept", code)
        path = self.ctx.areas.path(code, t.lang)
        text = (t.gettext("Done: you will get announcements of public hearings in {area}.", area=path) if new
                else t.gettext("You already follow {area}.", area=path))
        return [Reply(text + "\n" + t.gettext("See or stop your subscriptions with /subscriptions."),
                      (), "subscribed", lang=t.lang)]


def _whole_area(area: Area, t: Translator) -> str:
    if area.kind in WHOLE_AREA:
        return t.gettext(WHOLE_AREA[area.kind])
    return t.gettext("All of {area}", area=area.name(t.lang))


def _two_per_row(rows: tuple[tuple[Button, ...], ...]) -> tuple[tuple[Button, ...], ...]:
    flat = [button for row in rows for button in row]
    return tuple(tuple(flat[i:i + 2]) for i in range(0, len(flat), 2))
