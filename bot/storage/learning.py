"""What editors taught the bot from residents' questions: phrasings added to entries, and questions
to ignore. The knowledge files stay the source of truth; these rows wait here until
`qogam kb learned --export` writes the phrasings into them.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.storage.clock import now_iso
from bot.storage.db import transaction


def add_phrasing(db: Database, *, entry_id: str, lang: str, text: str, cluster_id: int | None, by: str) -> bool:
    """False when the entry already has this phrasing in this language."""
    with transaction(db):
        return db.execute(
            "insert or ignore into learned_phrasings (entry_id, lang, text, cluster_id, created_at, created_by) "
            "values (?, ?, ?, ?, ?, ?)", [entry_id, lang, text, cluster_id, now_iso(), by]).rowcount == 1


def phrasings(db: Database, *, exported: bool | None = None) -> list[dict]:
    """Learned phrasings, oldest first; `exported` False: only those not yet in the entry files."""
    where = "" if exported is None else " where exported_at is null" if not exported else " where exported_at is not null"
    return list(db.query("select id, entry_id, lang, text, cluster_id, created_at, created_by, exported_at "
                         f"from learned_phrasings{where} order by id"))


def mark_exported(db: Database, ids: list[int]) -> None:
    with transaction(db):
        db.execute(f"update learned_phrasings set exported_at = ? where id in ({', '.join('?' for _ in ids)})",
                   [now_iso(), *ids])


def ignore(db: Database, *, form: str, lang: str | None, by: str) -> bool:
    """Remember a normalised, redacted question form to ignore; False when it was already ignored."""
    with transaction(db):
        return db.execute("insert or ignore into ignored_questions (form, lang, created_at, created_by) "
                          "values (?, ?, ?, ?)", [form, lang, now_iso(), by]).rowcount == 1


def ignored_forms(db: Database) -> list[tuple[str, str]]:
    """(form, language) of every ignored question."""
    return [(r["form"], r["lang"] or "kk") for r in db.query("select form, lang from ignored_questions order by id")]


def generation(db: Database) -> tuple:
    """Changes whenever a phrasing is learned or exported: a running bot compares it to rebuild its
    matcher when another process (`qogam gaps resolve`) taught it something."""
    row = db.execute("select count(*), max(id), max(exported_at) from learned_phrasings").fetchone()
    return tuple(row)
