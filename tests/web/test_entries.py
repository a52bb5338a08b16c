"""The entry editor: live checks, "try a question" with the draft, saving (checked, whole or not at all,
live for the bot), conflicts between two editors, history and revert, new entries and categories, and the
shipped content of a new release."""

from __future__ import annotations

import html
import re

import pytest

from bot.core.curation import drafts, editing
from bot.storage import learning
from tests.web.conftest import EDITOR, sign_in

ENTRY = "appeals.deadlines"


async def form_of(client, path: str) -> dict:
    """The editor's form as the browser would send it (inputs, selects and textareas)."""
    page = await (await client.get(path)).text()
    fields = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        fields[html.unescape(name)] = html.unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.DOTALL):
        fields[html.unescape(name)] = html.unescape(value)
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


async def test_an_edit_is_saved_to_the_file_with_a_small_diff_and_reaches_the_bot(client, web_db, state, knowledge):
    await sign_in(client, web_db, EDITOR)
    form = await form_of(client, f"/entries/{ENTRY}")
    path = knowledge / "appeals" / f"{ENTRY}.toml"
    before = path.read_text(encoding="utf-8")
    generation = learning.generation(web_db)
    form["ru.questions"] += "\nчерез сколько дней акимат обязан ответить на мою жалобу"
    response = await client.post(f"/entries/{ENTRY}", data=form, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"/entries/{ENTRY}?saved=1"
    after = path.read_text(encoding="utf-8")
    changed = [line for line in editing.diff(before, after, "f").splitlines() if line.startswith(("+", "-"))
               and not line.startswith(("+++", "---", "-reviewed", "+reviewed"))]  # today's review date
    assert changed == ['+  "через сколько дней акимат обязан ответить на мою жалобу",']
    assert learning.generation(web_db) != generation  # the running bot rebuilds within its 2 s watch
    served = await state.knowledge()
    assert "через сколько дней акимат обязан ответить на мою жалобу" in served.kb.entries[ENTRY].texts["ru"].questions
    history = await (await client.get(f"/entries/{ENTRY}/history")).text()
    assert EDITOR in history and "через сколько дней" in history


@pytest.mark.parametrize(("field", "value", "message"), [
    ("kk.title", "", "This field is empty"),
    ("ru.answer", "a" * 100_000, "at most"),
    ("en.answer", "Zero\u200bwidth", "invisible"),
    ("ru.short", "Тест\x07", "invisible"),
    ("source.0.url", "javascript:alert(1)", "web address"),
    ("law_as_of", "yesterday", "date"),
])
async def test_a_bad_field_refuses_the_save_beside_that_field_and_leaves_the_file(client, web_db, knowledge, field,
                                                                                  value, message):
    await sign_in(client, web_db, EDITOR)
    form = await form_of(client, f"/entries/{ENTRY}")
    path = knowledge / "appeals" / f"{ENTRY}.toml"
    before = path.read_text(encoding="utf-8")
    form[field] = value
    response = await client.post(f"/entries/{ENTRY}?lang=en", data=form)
    page = await response.text()
    assert response.status == 422 and message in page
    assert path.read_text(encoding="utf-8") == before


async def test_script_in_a_text_is_shown_as_text(client, web_db):
    await sign_in(client, web_db, EDITOR)
    form = await form_of(client, f"/entries/{ENTRY}")
    form["en.title"] = "<script>alert(1)</script>"
    form["kk.title"] = ""  # refused, so the page shows the draft back
    page = await (await client.post(f"/entries/{ENTRY}", data=form)).text()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("entry_id", "message"), [("../../etc/passwd", "lower-case Latin"),
                                                   ("appeals.file", "taken"), ("new", "reserved")])
async def test_a_new_entry_needs_a_new_id_that_is_a_file_name(client, web_db, knowledge, entry_id, message):
    await sign_in(client, web_db, EDITOR)
    form = await form_of(client, f"/entries/{ENTRY}")
    form.update({"id": entry_id, "editing": "", "base_hash": ""})
    files = sorted(knowledge.rglob("*"))
    page = await (await client.post("/entries/new?lang=en", data=form)).text()
    assert message in page
    assert sorted(knowledge.rglob("*")) == files


async def test_a_new_entry_in_three_languages_is_answered(client, web_db, state, knowledge):
    await sign_in(client, web_db, EDITOR)
    form = {**await form_of(client, "/entries/new"), "id": "village.wells", "category": "appeals",
            "law_as_of": "2026-09-10", "source.0.title": "Law No. 148-II", "source.0.title_ru": "Закон № 148-II",
            "source.0.title_kk": "№ 148-II Заң", "source.0.url": "https://adilet.zan.kz/rus/docs/Z010000148_"}
    answer = {"kk": "Ауыл құдығын жөндеу туралы ауыл әкіміне өтініш беріңіз.",
              "ru": "О ремонте сельского колодца подайте обращение акиму села.",
              "en": "To have the village well repaired, file an appeal with the village akim."}
    questions = {"kk": "ауылдағы құдықты кім жөндейді\nқұдық бұзылды кімге жүгінемін",
                 "ru": "кто ремонтирует колодец в селе\nсломался колодец куда обращаться",
                 "en": "who repairs the village well\nthe well is broken who do I ask"}
    for lang in ("kk", "ru", "en"):
        form.update({f"{lang}.title": answer[lang].split()[0] + " …", f"{lang}.answer": answer[lang],
                     f"{lang}.questions": questions[lang]})
    tried = await (await client.post("/entries/try", data={**form, "question": "кто чинит колодец в селе"},
                                     headers={"X-CSRF-Token": form["csrf"]})).json()
    assert tried["reply"]["entry"] == "village.wells" or "village.wells" in tried["reply"]["suggestions"]
    response = await client.post("/entries/new", data=form, allow_redirects=False)
    assert response.status == 303, await response.text()
    assert (knowledge / "appeals" / "village.wells.toml").exists()
    served = await state.knowledge()
    result = served.matcher.match("кто ремонтирует колодец в селе", "ru")
    assert result.candidates[0].entry_id == "village.wells", result.candidates[:3]


async def test_the_second_of_two_editors_is_shown_the_first_ones_change(client, web_db, knowledge):
    await sign_in(client, web_db, EDITOR)
    first = await form_of(client, f"/entries/{ENTRY}")
    second = dict(first)
    first["en.title"] = "Deadlines for appeals (first editor)"
    assert (await client.post(f"/entries/{ENTRY}", data=first, allow_redirects=False)).status == 303
    second["en.title"] = "Deadlines for appeals (second editor)"
    response = await client.post(f"/entries/{ENTRY}", data=second)
    page = await response.text()
    assert response.status == 409 and "first editor" in page
    assert "first editor" in (knowledge / "appeals" / f"{ENTRY}.toml").read_text(encoding="utf-8")


async def test_a_version_is_restored_from_the_history(client, web_db, knowledge):
    await sign_in(client, web_db, EDITOR)
    path = knowledge / "appeals" / f"{ENTRY}.toml"
    original = path.read_text(encoding="utf-8")
    form = await form_of(client, f"/entries/{ENTRY}")
    form["en.title"] = "A title to take back"
    await client.post(f"/entries/{ENTRY}", data=form, allow_redirects=False)
    page = await (await client.get(f"/entries/{ENTRY}/history")).text()
    # Newest first: the first restore button is under the version before the edit.
    version = re.search(r'action="/entries/[^/]+/revert/(\d+)"', page).group(1)
    base_hash = re.search(r'name="base_hash" value="([^"]+)"', page).group(1)
    response = await client.post(f"/entries/{ENTRY}/revert/{version}", data={"csrf": form["csrf"],
                                                                             "base_hash": base_hash},
                                 allow_redirects=False)
    assert response.status == 303
    assert "A title to take back" not in path.read_text(encoding="utf-8")
    assert drafts.from_form(form).id == ENTRY and "reviewed" in original


async def test_live_checks_report_a_figure_missing_in_one_language(client, web_db):
    csrf = await sign_in(client, web_db, EDITOR)
    form = await form_of(client, f"/entries/{ENTRY}")
    form["en.answer"] += " Appeals are answered within 99 days."
    data = await (await client.post("/entries/check?lang=en", data=form, headers={"X-CSRF-Token": csrf})).json()
    texts = [f["text"] for f in data["findings"] if f["lang"] in ("kk", "ru")]
    assert any("99" in text for text in texts)
    assert data["previews"]["en"].startswith(form["en.title"])
    assert data["errors"] >= 2 and "2" in data["status"]


async def test_a_category_is_added(client, web_db, knowledge):
    csrf = await sign_in(client, web_db, EDITOR)
    response = await client.post("/categories/new", data={"csrf": csrf, "id": "water", "kk": "Су", "ru": "Вода",
                                                           "en": "Water"}, allow_redirects=False)
    assert response.status == 303
    text = (knowledge / "categories.toml").read_text(encoding="utf-8")
    assert 'id = "water"' in text and text.startswith("# Categories")  # comments kept
    refused = await client.post("/categories/new?lang=en", data={"csrf": csrf, "id": "water", "kk": "Су",
                                                                  "ru": "Вода", "en": "Water"})
    assert refused.status == 422 and "taken" in await refused.text()


async def test_the_new_releases_content_is_taken_or_kept(client, web_db, knowledge, tmp_path, monkeypatch):
    from bot.core.curation import upstream
    from tests.conftest import REPO

    release = tmp_path / "release"
    import shutil

    shutil.copytree(REPO / "knowledge", release)
    monkeypatch.setattr(upstream, "shipped_dir", lambda: release)
    csrf = await sign_in(client, web_db, EDITOR)
    assert "Nothing to take" in await (await client.get("/upstream?lang=en")).text()
    name = f"appeals/{ENTRY}.toml"
    (release / name).write_text((release / name).read_text(encoding="utf-8").replace(
        "reviewed = ", "# a release's note\nreviewed = "), encoding="utf-8")
    page = await (await client.get("/upstream?lang=en")).text()
    assert "a release&#39;s note" in page and "changed in the release only" in page
    await client.post("/upstream/take", data={"csrf": csrf, "path": name}, allow_redirects=False)
    assert "# a release's note" in (knowledge / name).read_text(encoding="utf-8")
    assert "Nothing to take" in await (await client.get("/upstream?lang=en")).text()
    forged = await client.post("/upstream/take", data={"csrf": csrf, "path": "../../etc/passwd"})
    assert forged.status == 404
