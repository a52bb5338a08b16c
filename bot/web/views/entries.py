"""/entries: the knowledge base for editors. A list with search and filters, and the entry editor: kk, ru
and en side by side, the answer as a resident's phone shows it, this entry's problems from kb check's own
checks as the editor types, a "try a question" box that asks the bot with the unsaved draft, and a save
that is live in the running bot within seconds (bot/core/curation/editing.py). Each entry has its history
with a readable diff and one-click revert; a new category is added the same way."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from bot.core.curation import drafts, editing, review, upstream
from bot.core.curation.check import retrieval_findings
from bot.core.curation.clustering import find
from bot.core.curation.features import PLACEHOLDER
from bot.core.knowledge.render import answer_text, short_text
from bot.core.matching import policy
from bot.core.matching.ranker import Matcher
from bot.i18n import LANGUAGES, translator
from bot.web.page import console, form_of, render, require, t_of
from bot.web.views.gaps import clusters_now, today

# Rows for sources in the form: the entry's own, plus this many empty ones to add new sources.
EMPTY_SOURCE_ROWS = 2


def _editor(staff) -> bool:
    return staff.editor


def _matches(entry, query: str) -> bool:
    query = query.casefold()
    return query in entry.id or any(query in text.title.casefold() or query in text.answer.casefold()
                                    or any(query in q.casefold() for q in text.questions)
                                    for text in entry.texts.values())


async def listing(request: web.Request) -> web.Response:
    require(request, _editor)
    kb = await console(request).kb()
    query = request.query.get("q", "").strip()[:200]
    category = request.query.get("category", "")
    due_only = request.query.get("due") == "1"
    due = {d.entry_id: d for d in review.due_for_review(kb, today())}
    entries = [e for e in kb.entries.values()
               if (not query or _matches(e, query)) and (not category or e.category == category)
               and (not due_only or e.id in due)]
    entries.sort(key=lambda e: (e.category, e.id))
    return render(request, "entries.html", entries=entries, kb=kb, query=query, category=category,
                  due_only=due_only, due=due)


def _view_model(draft: drafts.Draft) -> dict:
    rows = [*draft.sources, *(drafts.SourceDraft() for _ in range(EMPTY_SOURCE_ROWS))]
    return {"draft": draft, "source_rows": rows}


async def _editor_page(request: web.Request, draft: drafts.Draft, *, editing_id: str | None, base_hash: str | None,
                       found: list | None = None, conflict: editing.Conflict | None = None, status: int = 200,
                       saved: bool = False) -> web.Response:
    state = console(request)
    kb = await state.kb()
    return render(request, "entry_edit.html", status=status, kb=kb, editing=editing_id, base_hash=base_hash or "",
                  findings=found or [], conflict=conflict, saved=saved, languages_order=LANGUAGES,
                  previews=_previews(draft, kb, editing_id, state.directory), **_view_model(draft))


def _previews(draft: drafts.Draft, kb, editing_id: str | None, directory) -> dict[str, str]:
    """Each language's answer as a resident's phone shows it, as far as the draft goes (a field with a problem
    elsewhere does not hide the preview)."""
    entry = drafts.to_entry(draft, directory / "draft.toml", today())
    return {lang: _phone(entry, translator(lang)) for lang in LANGUAGES
            if entry.texts[lang].title and entry.texts[lang].answer}


def _phone(entry, t) -> str:
    """The short answer residents get first and, under its "More" button, the full one; the full one alone
    for an entry without a short answer."""
    short = short_text(entry, t)
    if short is None:
        return answer_text(entry, t)
    return f"{short}\n\n[ {t.gettext('More')} ]\n\n{answer_text(entry, t)}"


async def edit(request: web.Request) -> web.Response:
    require(request, _editor)
    state = console(request)
    kb = await state.kb()
    entry = kb.entries.get(request.match_info["entry"])
    if entry is None:
        raise web.HTTPNotFound()
    return await _editor_page(request, drafts.from_entry(entry), editing_id=entry.id,
                              base_hash=editing.content_hash(editing.read(entry.path)),
                              saved=request.query.get("saved") == "1")


async def new(request: web.Request) -> web.Response:
    """A new entry; from a cluster of unanswered questions, with its questions as the phrasings."""
    require(request, _editor)
    draft = drafts.Draft()
    cluster_id = request.query.get("cluster", "")
    if cluster_id.isdigit():
        cluster = find(await clusters_now(request), int(cluster_id))
        if cluster is not None:
            for gap in cluster.gaps:
                text = " ".join(PLACEHOLDER.sub(" ", gap.question).split())
                if gap.lang in draft.texts and text and text not in draft.texts[gap.lang].questions \
                        and len(text) <= drafts.MAX_PHRASING:
                    draft.texts[gap.lang].questions.append(text)
    return await _editor_page(request, draft, editing_id=None, base_hash=None)


async def save(request: web.Request) -> web.Response:
    staff = require(request, _editor)
    state = console(request)
    form = await form_of(request)
    editing_id = request.match_info.get("entry")
    kb = await state.kb()
    if editing_id is not None and editing_id not in kb.entries:
        raise web.HTTPNotFound()
    draft = _draft_of(form, editing_id)
    base_hash = str(form.get("base_hash", "")) or None
    result = editing.save_entry(state.db, state.directory, kb, draft, editing=editing_id, base_hash=base_hash,
                                by=staff.key, today=today())
    if isinstance(result, editing.Saved):
        state.changed()
        raise web.HTTPSeeOther(f"/entries/{result.entry_id}?saved=1")
    if isinstance(result, editing.Conflict):
        mine = drafts.toml_text(draft, result.current, today())
        result.diff = editing.diff(result.current, mine, f"{draft.id}.toml")
        return await _editor_page(request, draft, editing_id=editing_id, base_hash=result.current_hash,
                                  conflict=result, status=409)
    return await _editor_page(request, draft, editing_id=editing_id, base_hash=base_hash, found=result.findings,
                              status=422)


async def check(request: web.Request) -> web.Response:
    """The live checks as the editor types: the findings of the draft and the previews (JSON)."""
    require(request, _editor)
    started = time.perf_counter()
    state = console(request)
    t = t_of(request)
    form = await form_of(request)
    kb = await state.kb()
    editing_id = str(form.get("editing", "")) or None
    draft = _draft_of(form, editing_id)
    path = kb.entries[editing_id].path if editing_id in kb.entries else state.directory / "draft.toml"
    found = drafts.findings(draft, kb, editing=editing_id, path=path, today=today())
    errors = sum(f.severity == "error" for f in found)
    return web.json_response({
        "findings": [_finding(f, t) for f in found],
        "errors": errors,
        "status": t.ngettext("{n} problem to fix before saving", "{n} problems to fix before saving", errors)
        if errors else t.gettext("No problems found: ready to save"),
        "previews": _previews(draft, kb, editing_id, state.directory),
        "ms": round((time.perf_counter() - started) * 1000, 1),
    })


def _draft_of(form, editing_id: str | None) -> drafts.Draft:
    """The editor's form as a draft; an entry being edited keeps its id whatever the form says."""
    draft = drafts.from_form(form)
    if editing_id is not None:
        draft.id = editing_id
    return draft


def _finding(f, t) -> dict:
    return {"field": f.field, "lang": f.lang, "severity": f.severity, "text": f.text(t)}


async def try_question(request: web.Request) -> web.Response:
    """What the bot would answer with the unsaved draft, and whether the draft's phrasings find it (JSON)."""
    require(request, _editor)
    started = time.perf_counter()
    state = console(request)
    t = t_of(request)
    form = await form_of(request)
    served = await state.knowledge()
    editing_id = str(form.get("editing", "")) or None
    question = str(form.get("question", "")).strip()[:1000]
    draft = _draft_of(form, editing_id)
    errors = [f for f in drafts.field_findings(draft, served.kb, editing=editing_id) if f.severity == "error"]
    if errors:
        return web.json_response({"problem": t.gettext("Fix the fields marked in red first."), "reply": None})
    entry = drafts.to_entry(draft, state.directory / "draft.toml", today())
    grown = drafts.with_draft(served.kb, entry, replacing=editing_id)

    def ask() -> dict:
        # The served model over the draft's index: no training, so an answer in well under a second.
        matcher = Matcher(grown, model=served.matcher.model)
        out: dict = {"phrasings": [_finding(f, t) for f in retrieval_findings(entry, matcher)]}
        if question:
            result = matcher.match(question)
            decision = policy.decide(result)
            status, answered, suggestions = policy.describe(decision)
            reply_lang = result.query.detection.lang
            if answered:
                text = answer_text(grown.entries[answered], translator(reply_lang))
            elif suggestions:
                text = "\n".join(grown.entries[s].texts[reply_lang].title for s in suggestions)
            else:
                text = ""
            out["reply"] = {"status": status, "entry": answered, "suggestions": list(suggestions), "text": text,
                            "is_this_entry": answered == entry.id}
        return out

    out = await asyncio.to_thread(ask)
    out["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return web.json_response(out)


async def history(request: web.Request) -> web.Response:
    require(request, _editor)
    state = console(request)
    kb = await state.kb()
    entry = kb.entries.get(request.match_info["entry"])
    if entry is None:
        raise web.HTTPNotFound()
    versions = editing.history(state.db, state.directory, entry.path)
    return render(request, "entry_history.html", entry=entry, versions=versions,
                  base_hash=editing.content_hash(editing.read(entry.path)))


async def revert(request: web.Request) -> web.Response:
    staff = require(request, _editor)
    state = console(request)
    t = t_of(request)
    form = await form_of(request)
    kb = await state.kb()
    entry_id = request.match_info["entry"]
    if entry_id not in kb.entries:
        raise web.HTTPNotFound()
    try:
        version_id = int(request.match_info["version"])
    except ValueError:
        raise web.HTTPNotFound() from None
    result = editing.revert(state.db, state.directory, kb, entry_id, version_id,
                            base_hash=str(form.get("base_hash", "")) or None, by=staff.key, today=today())
    if isinstance(result, editing.Saved):
        state.changed()
        raise web.HTTPSeeOther(f"/entries/{entry_id}?saved=1")
    if isinstance(result, editing.Conflict):
        problems = [t.gettext("The entry was changed since you opened its history. Open the history again.")]
    else:
        problems = [f.text(t) for f in result.findings]
    return render(request, "done.html", status=409 if isinstance(result, editing.Conflict) else 422,
                  title=t.gettext("History"), back=f"/entries/{entry_id}/history", lines=[], problems=problems)


async def category_form(request: web.Request) -> web.Response:
    require(request, _editor)
    return render(request, "category_new.html", findings=[], values={})


async def category_add(request: web.Request) -> web.Response:
    staff = require(request, _editor)
    state = console(request)
    form = await form_of(request)
    kb = await state.kb()
    values = {key: str(form.get(key, "")).strip() for key in ("id", *LANGUAGES)}
    found = editing.add_category(state.db, state.directory, kb, values["id"],
                                 {lang: values[lang] for lang in LANGUAGES}, by=staff.key)
    if found:
        return render(request, "category_new.html", status=422, findings=found, values=values)
    state.changed()
    raise web.HTTPSeeOther("/entries")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/entries", listing)
    app.router.add_get("/entries/new", new)
    app.router.add_post("/entries/new", save)
    app.router.add_post("/entries/check", check)
    app.router.add_post("/entries/try", try_question)
    app.router.add_get("/entries/{entry}", edit)
    app.router.add_post("/entries/{entry}", save)
    app.router.add_get("/entries/{entry}/history", history)
    app.router.add_post("/entries/{entry}/revert/{version}", revert)
    app.router.add_get("/categories/new", category_form)
    app.router.add_post("/categories/new", category_add)
    app.router.add_get("/upstream", upstream_page)
    app.router.add_post("/upstream/take", upstream_act)
    app.router.add_post("/upstream/keep", upstream_act)


async def upstream_page(request: web.Request) -> web.Response:
    require(request, _editor)
    state = console(request)
    return render(request, "upstream.html", changes=upstream.changes(state.db, state.directory),
                  same=upstream.same_directory(state.directory))


async def upstream_act(request: web.Request) -> web.Response:
    staff = require(request, _editor)
    state = console(request)
    form = await form_of(request)
    name = str(form.get("path", ""))
    if name not in {c.path for c in upstream.changes(state.db, state.directory)}:
        raise web.HTTPNotFound()
    if request.path.endswith("/take"):
        upstream.take(state.db, state.directory, name, by=staff.key)
    else:
        upstream.keep(state.db, name, by=staff.key)
    state.changed()
    raise web.HTTPSeeOther("/upstream")
