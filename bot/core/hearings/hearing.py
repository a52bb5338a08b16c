"""A public hearing as an akimat announces it, and the checks it must pass before anyone is told.

The same checks serve the /hearing conversation in Telegram (one field at a time) and
`qogam hearings add FILE.toml` (all at once), so a hearing that one accepts the other accepts too.
A problem is an English sentence with placeholders, marked for translation: the command line prints
it in English, the conversation in the broadcaster's language.
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from bot.clock import now as clock_now
from bot.core.knowledge.areas import KZ_TIME, Areas
from bot.i18n import N_, Nn_, Plural, Translator
from bot.storage import hearings as stored

# A resident reads the hearing in their language, else Kazakh, else Russian: kk and ru are required.
REQUIRED_LANGUAGES = ("kk", "ru")
OPTIONAL_LANGUAGES = ("en",)
STATUSES = ("draft", "announced", "corrected", "cancelled", "held")
# A title is the first line of the announcement and the calendar event's name: a calendar's day view
# shows about a line of it.
TITLE_MAX = 200
# An address with a landmark ("Kazybek bi St 12, akimat building, hall 2, 2nd floor") fits in 300.
PLACE_MAX = 300
URL_MAX = 500
# Hearings last from a quarter of an hour to a working day.
DURATION_MIN, DURATION_MAX = 15, 12 * 60
# Hearings are announced for the coming year at most; a date further out is almost always a typo.
HORIZON_DAYS = 366
# Dates as akimats type them: ISO (2026-12-05 15:00) and the local day-first form (05.12.2026 15:00).
_LOCAL_FORMATS = ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                  "%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M", "%d.%m.%y %H:%M")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """A message, or a Plural whose number is the parameter n, put into words when the reader's language
    is known. So are its parameters: one that is itself words (an area's path, a status) is a mapping with
    its value in each language, since the reader is not known when the problem is found, and a date and
    time is written as the reader's language writes dates."""

    message: str | Plural
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, t: Translator) -> str:
        params = {name: _in_words(value, t) for name, value in self.params.items()}
        if isinstance(self.message, Plural):
            n = params.pop("n")
            return t.ngettext(self.message.singular, self.message.plural, n, **params)
        return t.gettext(self.message, **params)


def _in_words(value: object, t: Translator) -> object:
    if isinstance(value, Mapping):
        return value[t.lang]
    if isinstance(value, dt.datetime):
        # As an announcement gives the time: the language's own date, the 24-hour clock in every language.
        return f"{t.date(value.date(), 'medium')}, {value:%H:%M}"
    return value


# The msgids themselves: what the command line and the logs show.
SOURCE = Translator("en", gettext.NullTranslations())


class HearingError(ValueError):
    """One or more problems with a hearing, each to be shown to the person who gave it."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text(SOURCE) for p in problems))
        self.problems = problems

    def texts(self, t: Translator) -> list[str]:
        return [p.text(t) for p in self.problems]


def fail(message: str | Plural, **params: object) -> HearingError:
    return HearingError([Problem(message, params)])


@dataclass(frozen=True)
class Texts:
    title: str
    agenda: str


@dataclass(frozen=True)
class Hearing:
    area: str
    starts_at: dt.datetime  # local time in Kazakhstan, without tzinfo
    duration_minutes: int
    place: str
    texts: Mapping[str, Texts]
    online_url: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    id: int | None = None
    uid: str = ""
    sequence: int = 0
    status: str = "draft"
    urgent: bool = False
    results: Mapping[str, str] = field(default_factory=dict)

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def starts_utc(self) -> dt.datetime:
        return self.starts_at.replace(tzinfo=KZ_TIME).astimezone(dt.UTC)

    @property
    def ends_utc(self) -> dt.datetime:
        return self.ends_at.replace(tzinfo=KZ_TIME).astimezone(dt.UTC)

    def language_for(self, lang: str) -> str:
        """The resident's language if the hearing is written in it, else Kazakh, else Russian."""
        for candidate in (lang, "kk", "ru"):
            if candidate in self.texts:
                return candidate
        return next(iter(self.texts))


def local_now() -> dt.datetime:
    return clock_now().astimezone(KZ_TIME).replace(tzinfo=None)


# ---- one field at a time ---------------------------------------------------------------------------
def check_area(value: object, areas: Areas) -> str:
    code = str(value or "").strip()
    if code in areas and code != "kz":
        return code
    found = [a for a in areas.find(code, limit=4) if a.code != "kz"] if code else []
    if len(found) == 1:
        return found[0].code
    if found:
        raise fail(N_("“{area}” fits several areas: {codes}. Give one of these codes."), area=code[:60],
                   codes=", ".join(a.code for a in found))
    raise fail(N_("Unknown area “{area}”: give an area code from `qogam areas`."), area=code[:60])


def check_start(value: object, now: dt.datetime | None = None) -> dt.datetime:
    """A local date and time in the future, within a year."""
    now = now or local_now()
    if isinstance(value, dt.datetime):
        start = value
    else:
        text = " ".join(str(value or "").split())
        start = None
        try:
            start = dt.datetime.fromisoformat(text)
        except ValueError:
            for pattern in _LOCAL_FORMATS:
                try:
                    start = dt.datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
        if start is None:
            raise fail(N_("I could not read the date and time “{value}”. Write it as 2026-12-05 15:00 "
                          "or 05.12.2026 15:00."), value=text[:40])
    if start.tzinfo is not None:
        raise fail(N_("Give the start as local time without a UTC offset, for example 2026-12-05T15:00."))
    start = start.replace(second=0, microsecond=0)
    if start <= now:
        raise fail(N_("The start {start} is in the past. Give a future date and time."), start=start)
    if start > now + dt.timedelta(days=HORIZON_DAYS):
        raise fail(N_("The start {start} is more than a year away. Check the year."), start=start)
    return start


def check_duration(value: object) -> int:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        minutes = 0
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        raise fail(N_("The duration is in minutes, from {low} to {high}."), low=DURATION_MIN, high=DURATION_MAX)
    return minutes


def check_place(value: object) -> str:
    place = " ".join(str(value or "").split())
    if not place:
        raise fail(N_("Give the place: the address where the hearing is held."))
    if len(place) > PLACE_MAX:
        raise fail(Nn_("The place is {n} character long; at most {limit} fit.",
                       "The place is {n} characters long; at most {limit} fit."), n=len(place), limit=PLACE_MAX)
    return place


def check_url(value: object) -> str | None:
    url = str(value or "").strip()
    if not url:
        return None
    if len(url) > URL_MAX or not _URL.fullmatch(url):
        raise fail(Nn_("The online link must be a web address starting with https:// (at most {n} character).",
                       "The online link must be a web address starting with https:// (at most {n} characters)."),
                   n=URL_MAX)
    return url


def check_point(latitude: object, longitude: object) -> tuple[float | None, float | None]:
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        lat = lon = float("nan")
    # Kazakhstan lies within about 40-56° N and 46-88° E; a point outside is a swapped or mistyped pair.
    if not (40 <= lat <= 56 and 46 <= lon <= 88):
        raise fail(N_("The map point must be a latitude and longitude in Kazakhstan, for example "
                      "51.1283, 71.4305."))
    return round(lat, 6), round(lon, 6)


def parse_point(text: str) -> tuple[float | None, float | None]:
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    if len(parts) != 2:
        raise fail(N_("The map point must be a latitude and longitude in Kazakhstan, for example "
                      "51.1283, 71.4305."))
    return check_point(*parts)


def check_title(value: object, lang: str) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise fail(N_("The title in {lang} is missing."), lang=lang)
    if len(title) > TITLE_MAX:
        raise fail(Nn_("The title in {lang} is {n} character long; at most {limit} fit.",
                       "The title in {lang} is {n} characters long; at most {limit} fit."),
                   lang=lang, n=len(title), limit=TITLE_MAX)
    return title


def check_agenda(value: object, lang: str) -> str:
    agenda = "\n".join(line.rstrip() for line in str(value or "").strip().splitlines())
    if not agenda:
        raise fail(N_("The agenda in {lang} is missing."), lang=lang)
    return agenda


def check_texts(raw: Mapping[str, Any]) -> dict[str, Texts]:
    problems: list[Problem] = []
    texts: dict[str, Texts] = {}
    for lang in (*REQUIRED_LANGUAGES, *OPTIONAL_LANGUAGES):
        table = raw.get(lang)
        if table is None:
            if lang in REQUIRED_LANGUAGES:
                problems.append(Problem(N_("The hearing has no text in {lang}: add a [{lang}] table with a "
                                           "title and an agenda."), {"lang": lang}))
            continue
        if not isinstance(table, Mapping):
            problems.append(Problem(N_("[{lang}] must be a table with a title and an agenda."), {"lang": lang}))
            continue
        try:
            texts[lang] = Texts(check_title(table.get("title"), lang), check_agenda(table.get("agenda"), lang))
        except HearingError as exc:
            problems.extend(exc.problems)
    if problems:
        raise HearingError(problems)
    return texts


# ---- a whole hearing -------------------------------------------------------------------------------
FILE_KEYS = {"area", "starts_at", "duration_minutes", "place", "online_url", "latitude", "longitude",
             "urgent", *REQUIRED_LANGUAGES, *OPTIONAL_LANGUAGES}


def from_mapping(data: Mapping[str, Any], areas: Areas, *, now: dt.datetime | None = None) -> Hearing:
    """A hearing file's contents (see knowledge/README.md and the contract in issue 10), checked field by
    field; every problem is reported at once."""
    problems: list[Problem] = []

    def field_of(check, *args):
        try:
            return check(*args)
        except HearingError as exc:
            problems.extend(exc.problems)
            return None

    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        problems.append(Problem(N_("Unknown keys in the hearing file: {keys}."), {"keys": ", ".join(unknown)}))
    for key in ("area", "starts_at", "duration_minutes", "place"):
        if key not in data:
            problems.append(Problem(N_("The hearing file has no “{key}”."), {"key": key}))
    area = field_of(check_area, data.get("area"), areas) if "area" in data else None
    start = field_of(check_start, data.get("starts_at"), now) if "starts_at" in data else None
    duration = field_of(check_duration, data.get("duration_minutes")) if "duration_minutes" in data else None
    place = field_of(check_place, data.get("place")) if "place" in data else None
    url = field_of(check_url, data.get("online_url"))
    point = field_of(check_point, data.get("latitude"), data.get("longitude")) or (None, None)
    texts = field_of(check_texts, data)
    if problems:
        raise HearingError(problems)
    return Hearing(area=area, starts_at=start, duration_minutes=duration, place=place, texts=texts,
                   online_url=url, latitude=point[0], longitude=point[1], urgent=bool(data.get("urgent")))


# ---- stored hearings: rows of bot/storage/hearings.py mapped to Hearing and back ----------------------
def to_row(hearing: Hearing) -> dict:
    """The columns a hearing is stored in (bot/storage/hearings.py)."""
    return {
        "area_code": hearing.area,
        "starts_at": hearing.starts_at.isoformat(timespec="minutes") if hearing.starts_at else None,
        "duration_minutes": hearing.duration_minutes, "place": hearing.place,
        "latitude": hearing.latitude, "longitude": hearing.longitude, "online_url": hearing.online_url,
        "texts": json.dumps({lang: {"title": x.title, "agenda": x.agenda} for lang, x in (hearing.texts or {}).items()},
                            ensure_ascii=False),
        "results": json.dumps(dict(hearing.results), ensure_ascii=False) if hearing.results else None,
        "urgent": int(hearing.urgent),
    }


def from_row(row: dict) -> Hearing:
    """A stored hearing; a draft's missing fields are None."""
    return Hearing(
        id=row["id"], uid=row["uid"], area=row["area_code"],
        # A draft in the /hearing conversation may not have its start yet.
        starts_at=dt.datetime.fromisoformat(row["starts_at"]) if row["starts_at"] else None,
        duration_minutes=row["duration_minutes"], place=row["place"], online_url=row["online_url"],
        latitude=row["latitude"], longitude=row["longitude"],
        texts={lang: Texts(x["title"], x["agenda"]) for lang, x in json.loads(row["texts"] or "{}").items()},
        results=json.loads(row["results"]) if row["results"] else {},
        status=row["status"], sequence=row["sequence"], urgent=bool(row["urgent"]),
    )


def get(db: Database, hearing_id: int) -> Hearing | None:
    row = stored.get(db, hearing_id)
    return from_row(row) if row else None


def listing(db: Database, *, statuses: tuple[str, ...] | None = None, limit: int = 1000) -> list[Hearing]:
    return [from_row(row) for row in stored.listing(db, statuses=statuses, limit=limit)]


def insert(db: Database, hearing: Hearing, created_by: str, status: str = "draft") -> int:
    """Store a hearing (the caller holds the transaction)."""
    return stored.insert(db, to_row(hearing), created_by, status)


def save(db: Database, hearing: Hearing, *, status: str | None = None, sequence: int | None = None) -> None:
    """Write back a changed hearing (the caller holds the transaction)."""
    stored.save(db, hearing.id, to_row(hearing), status=status or hearing.status,
                sequence=hearing.sequence if sequence is None else sequence)
