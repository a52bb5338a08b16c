"""What a new release changed in the shipped content, for an installation whose editors change their own copy.

An installation serves the knowledge files in QOGAM_KNOWLEDGE_DIR, outside the code: upgrading the code (a
new release, a new container image) replaces the shipped knowledge/ beside the code and never touches the
editors' copy. For every file this module compares three versions: the shipped one, the installed one, and
the shipped one the installed file was last taken from (its base, kept in the database). Then:
- shipped = installed: nothing to do;
- installed = base, shipped differs: only the release changed it ("take it" is safe);
- shipped = base, installed differs: only the editors changed it: not listed;
- all three differ, or no base is known: both changed; the editor reads the diff and takes the release's
  version or keeps theirs.
"Keep ours" records the shipped version as the base, so the file is not listed again until the next
release changes it. Taking a version is a save like any other (history, audit, the bot reloads).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from bot.core.curation.editing import _record, _write, content_hash, diff, read
from bot.core.knowledge.loader import DEFAULT_DIR
from bot.storage import audit, web
from bot.storage.db import transaction


@dataclass(frozen=True)
class Change:
    path: str  # relative to the knowledge directory
    kind: str  # "release" (only the release changed it), "both" (both did, or unknown), "new" (a new file)
    diff: str  # from the installed version to the shipped one


def shipped_dir() -> Path:
    return DEFAULT_DIR


def same_directory(installed: Path) -> bool:
    """The installation serves the shipped files themselves (a development checkout): nothing to compare."""
    return Path(installed).resolve() == shipped_dir().resolve()


def changes(db: Database, installed: Path) -> list[Change]:
    installed = Path(installed)
    if same_directory(installed):
        return []
    bases = web.upstream_bases(db)
    out = []
    for shipped_path in sorted(shipped_dir().rglob("*.toml")):
        name = str(shipped_path.relative_to(shipped_dir()))
        shipped = read(shipped_path)
        mine = read(installed / name)
        shipped_hash, mine_hash, base = content_hash(shipped), content_hash(mine), bases.get(name)
        if mine is None:
            if base != shipped_hash:  # a file the editors removed is not offered again for the same version
                out.append(Change(name, "new", diff(None, shipped, name)))
        elif shipped_hash == mine_hash:
            if base != shipped_hash:
                with transaction(db):
                    web.set_upstream_base(db, name, shipped_hash)
        elif base == shipped_hash:
            continue  # the editors' change; the release did not touch the file since they took it
        else:
            out.append(Change(name, "release" if base == mine_hash else "both", diff(mine, shipped, name)))
    return out


def take(db: Database, installed: Path, name: str, *, by: str) -> bool:
    """Write the shipped version of `name` into the installation (False: no such shipped file)."""
    source = _inside(shipped_dir(), name)
    shipped = read(source) if source else None
    if shipped is None:
        return False
    target = Path(installed) / name
    before = read(target)
    _write(target, shipped)
    _record(db, Path(installed), target, None, before, shipped, by, "upstream_taken")
    with transaction(db):
        web.set_upstream_base(db, name, content_hash(shipped))
    return True


def keep(db: Database, name: str, *, by: str) -> bool:
    """Keep the installation's version: the release's current one becomes the base."""
    source = _inside(shipped_dir(), name)
    shipped = read(source) if source else None
    if shipped is None:
        return False
    with transaction(db):
        web.set_upstream_base(db, name, content_hash(shipped))
        audit.record(db, by, "upstream_kept", name)
    return True


def _inside(directory: Path, name: str) -> Path | None:
    """`name` as a file inside `directory`, or None for anything that leads out of it ("../", absolute)."""
    path = (directory / name).resolve()
    try:
        path.relative_to(directory.resolve())
    except ValueError:
        return None
    return path if path.suffix == ".toml" else None
