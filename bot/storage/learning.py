"""What editors taught the bot from residents' questions: phrasings added to entries, questions that are
not our topic, and questions to ignore. The knowledge files stay the source of truth; these rows wait
here until `qogam kb learned --export` writes the phrasings and the not-our-topic questions into them.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.clock import now_iso
from bot.storage.db import transaction


def add_phrasing(db: Database, *, entry_id: str, lang: str, text: str, cluster_id: int | None, by: str) -> bool:
    """False when the entry already has this phrasing in this language."""
    with transaction(db):
        return db.execute(
            "insert or ignore into learned_phrasings (entry_id, lang, text, cluster_id, created_at, created_by) "
            "values (?, ?, ?, ?, ?, ?)", [entry_id, lang, text, cluster_id, now_iso(), by]).rowcount == 1


def phrasings(db: Database, *, exported: bool | None = None) -> list[dict]:
    """Learned phrasings, oldest first; `exported` False: only those not yet in the entry files."""
    return list(db.query("select id, entry_id, lang, text, cluster_id, created_at, created_by, exported_at "
                         f"from learned_phrasings{_exported_where(exported)} order by id"))


def mark_exported(db: Database, ids: list[int]) -> None:
    _mark_exported(db, "learned_phrasings", ids)


def _exported_where(exported: bool | None) -> str:
    return "" if exported is None else " where exported_at is not null" if exported else " where exported_at is null"


def _mark_exported(db: Database, table: str, ids: list[int]) -> None:
    with transaction(db):
        db.execute(f"update {table} set exported_at = ? where id in ({', '.join('?' for _ in ids)})", [now_iso(), *ids])


def add_not_our_topic(db: Database, *, lang: str, text: str, cluster_id: int | None, by: str) -> bool:
    """False when the question is listed already."""
    with transaction(db):
        return db.execute(
            "insert or ignore into learned_out_of_scope (lang, text, cluster_id, created_at, created_by) "
            "values (?, ?, ?, ?, ?)", [lang, text, cluster_id, now_iso(), by]).rowcount == 1


def not_our_topic(db: Database, *, exported: bool | None = None) -> list[dict]:
    """Questions editors marked "not our topic", oldest first (`exported` as for phrasings). Each row has
    entry_id None, so a list of learned rows can hold both (bot/core/curation/serving.py, with_learned)."""
    return [{**row, "entry_id": None} for row in db.query(
        "select id, lang, text, cluster_id, created_at, created_by, exported_at "
        f"from learned_out_of_scope{_exported_where(exported)} order by id")]


def mark_not_our_topic_exported(db: Database, ids: list[int]) -> None:
    _mark_exported(db, "learned_out_of_scope", ids)


def served(db: Database) -> list[dict]:
    """Everything the served knowledge base adds to the files: learned phrasings, then the questions that
    are not our topic (entry_id None)."""
    return phrasings(db) + not_our_topic(db)


def ignore(db: Database, *, form: str, lang: str | None, by: str) -> bool:
    """Remember a normalised, redacted question form to ignore; False when it was already ignored."""
    with transaction(db):
        return db.execute("insert or ignore into ignored_questions (form, lang, created_at, created_by) "
                          "values (?, ?, ?, ?)", [form, lang, now_iso(), by]).rowcount == 1


def ignored_forms(db: Database) -> list[tuple[str, str]]:
    """(form, language) of every ignored question."""
    return [(r["form"], r["lang"] or "kk") for r in db.query("select form, lang from ignored_questions order by id")]


def generation(db: Database) -> tuple:
    """Changes whenever a phrasing or a not-our-topic question is learned or exported, or an editor saves a
    knowledge file in the web console: a running bot compares it to rebuild its matcher when another
    process (`qogam gaps resolve`, `qogam web`) changed what it serves."""
    rows = [db.execute(f"select count(*), max(id), max(exported_at) from {table}").fetchone()
            for table in ("learned_phrasings", "learned_out_of_scope")]
    saved = db.execute("select max(id) from knowledge_versions").fetchone()[0]
    return (*(value for row in rows for value in row), saved)


def taught(generation: tuple) -> bool:
    """Whether editors taught anything in this generation (each table gives a count, then two marks)."""
    return any(generation[0:6:3])
