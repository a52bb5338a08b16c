"""Residents follow areas: /subscribe (by buttons, by a typed name, by a poster's deep link) and
/subscriptions (each with a one-tap remove).

Buttons it owns:
    a:<area>:<page>   browse: the areas under <area> ("kz" for the regions and cities)
    sb:<area>         subscribe to <area>; for an area with areas under it, first ask what following it means
    sb:<area>:area    subscribe to <area>'s own hearings only
    sb:<area>:tree    subscribe to <area> and everything in it
    us:<area>         unsubscribe from <area>

What following an area means is the resident's choice, asked whenever the area has areas under it: its
own hearings (a region's, the country's national ones), or those and every hearing of every area in it.
The first is offered first: following the whole country "with everything in it" would bring every district
hearing in Kazakhstan. An area with nothing under it is simply followed (with everything in it, so that
villages added under a district later reach its followers too).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.dialogue.base import (
    Context,
    after_press,
    deep_link_key,
    expired,
    followed_line,
    page,
    unknown_command,
)
from bot.core.knowledge.areas import Area
from bot.core.replies import Button, Person, Reply
from bot.i18n import N_, Translator
from bot.storage import subscriptions, users
from bot.storage.subscriptions import AREA, SCOPES, TREE

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
# The two meanings of following an area with areas under it. Both screens start with the area's name, so
# the buttons do not repeat it: with it ("Восточно-Казахстанская область: только общие слушания") they
# would not fit a phone's width.
OWN_HEARINGS = N_("📍 Only its own hearings")
WITH_EVERYTHING = N_("🗺 With everything in it")


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
        name = area.name(t.lang)
        # The area itself, in either meaning, above the areas in it: the same two choices as `scope`.
        own = (Button(t.gettext(OWN_HEARINGS), f"sb:{code}:{AREA}"),)
        whole = (Button(t.gettext(WITH_EVERYTHING), f"sb:{code}:{TREE}"),)
        back = (Button(t.gettext("« All regions"), "a:kz:0"),)
        text = t.gettext("{area}: choose a district, or the area as a whole (only its own hearings, or with "
                         "everything in it), or type a name.", area=name)
        return [Reply(text, (own, whole, *rows, *nav, back), "command", lang=t.lang)]

    def scope(self, person: Person, code: str) -> list[Reply]:
        """What following an area with areas under it should mean: two buttons, its own hearings first."""
        t = self.ctx.t(person)
        path = self.ctx.areas.path(code, t.lang)
        name = self.ctx.areas.get(code).name(t.lang)
        text = "\n".join([
            t.gettext("Which public hearings in {area} should I tell you about?", area=path),
            t.gettext("📍 Only those held for {area} as a whole.", area=name),
            t.gettext("🗺 Those, and the hearings of every district, town and village in it: many more messages."),
        ])
        rows = ((Button(t.gettext(OWN_HEARINGS), f"sb:{code}:{AREA}"),),
                (Button(t.gettext(WITH_EVERYTHING), f"sb:{code}:{TREE}"),))
        return [Reply(text, rows, "command", lang=t.lang)]

    def _has_children(self, code: str) -> bool:
        return bool(self.ctx.areas.children(code))

    def _pick_button(self, area: Area, t: Translator) -> Button:
        # An area with areas under it opens them; one without is subscribed to with one tap.
        return Button(area.name(t.lang), f"a:{area.code}:0" if self._has_children(area.code) else f"sb:{area.code}")

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
        if self._has_children(code):
            return self.scope(person, code)  # a region's or the country's poster: which hearings, at once
        return self._confirm(code, t, "command")

    def _confirm(self, code: str, t: Translator, outcome: str) -> list[Reply]:
        text = t.gettext("Get announcements of public hearings in {area}?", area=self.ctx.areas.path(code, t.lang))
        return [Reply(text, ((Button(t.gettext("Yes, subscribe"), f"sb:{code}"),),), outcome, lang=t.lang)]

    # ---- /subscriptions ---------------------------------------------------------------------------
    def listing(self, person: Person) -> list[Reply]:
        t = self.ctx.t(person)
        followed = {c: scope for c, scope in subscriptions.scopes_of(self.ctx.db, person.key).items()
                    if c in self.ctx.areas}
        if not followed:
            return [Reply(t.gettext("You do not follow any area yet. Choose one with /subscribe."),
                          (), "command", lang=t.lang)]
        # The sentence below says what a tap does, so the button carries the area's name alone: with
        # "✖ Stop:" before it, the longest names did not fit a phone's width.
        rows = tuple((Button(f"✖ {self.ctx.areas.get(c).name(t.lang)}", f"us:{c}"),) for c in followed)
        lines = [t.gettext("You get announcements of public hearings for:")]
        lines += [f"• {followed_line(self.ctx.areas, c, scope, t)}" for c, scope in followed.items()]
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
                if self._has_children(args[0]):
                    return after_press(self.scope(person, args[0]), replaces_pressed=True)
                return after_press(self._subscribe(person, args[0], TREE, t), replaces_pressed=True)
            if kind == "sb" and len(args) == 2 and args[0] in self.ctx.areas and args[1] in SCOPES:
                return after_press(self._subscribe(person, args[0], args[1], t), replaces_pressed=True)
            if kind == "us" and len(args) == 1:
                subscriptions.unsubscribe(self.ctx.db, person.key, args[0])
                return after_press(self.listing(person), replaces_pressed=True)
        except (ValueError, OverflowError):  # a forged page number
            pass
        return expired(t)

    def _subscribe(self, person: Person, code: str, scope: str, t: Translator) -> list[Reply]:
        # Nothing under the area: "everything in it" is the area, and stays right if villages are added later.
        scope = scope if self._has_children(code) else TREE
        new = subscriptions.subscribe(self.ctx.db, person.key, person.channel, code, scope)
        if users.get_language(self.ctx.db, person.key) is None:
            # Announcements go out in the resident's language: keep the one we show them now, as inferred.
            users.set_language(self.ctx.db, person.key, person.channel, t.lang, chosen=False)
        subscriptions.resume(self.ctx.db, person.key)
        users.set_awaiting(self.ctx.db, person.key, person.channel, None)
        log.info("subscription %s area=%s scope=%s", "added" if new else "kept", code, scope)
        path = self.ctx.areas.path(code, t.lang)
        if not new:
            text = t.gettext("You already follow {area}.", area=path)
        elif scope == AREA:
            text = t.gettext("Done: you will get announcements of the public hearings held for {area} as a whole, "
                             "not for the areas in it.", area=path)
        elif self._has_children(code):
            text = t.gettext("Done: you will get announcements of public hearings in {area} and in every area in "
                             "it.", area=path)
        else:
            text = t.gettext("Done: you will get announcements of public hearings in {area}.", area=path)
        return [Reply(text + "\n" + t.gettext("See or stop your subscriptions with /subscriptions."),
                      (), "subscribed", lang=t.lang)]



def _two_per_row(rows: tuple[tuple[Button, ...], ...]) -> tuple[tuple[Button, ...], ...]:
    flat = [button for row in rows for button in row]
    return tuple(tuple(flat[i:i + 2]) for i in range(0, len(flat), 2))
