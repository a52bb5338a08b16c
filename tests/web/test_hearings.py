"""Hearings in the console: the form with the core's checks, the preview, sending, the dashboard, the
scope of a broadcaster, and an export that is safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re

from bot.core.hearings import hearing as hearing_store
from bot.storage import hearings as stored
from bot.storage import subscriptions
from tests.web.conftest import BROADCASTER, EDITOR, sign_in

FORM = {"area": "akt.khromtau", "starts_at": "2027-02-10T15:00", "duration_minutes": "120",
        "place": "Хромтау, ул. Абая 12, актовый зал", "kk.title": "Ауыл бюджеті бойынша тыңдау",
        "kk.agenda": "2027 жылғы бюджет жобасын талқылау.", "ru.title": "Слушания по бюджету села",
        "ru.agenda": "Обсуждение проекта бюджета на 2027 год."}


async def test_a_broadcaster_previews_and_sends_a_hearing_in_their_area(client, web_db):
    csrf = await sign_in(client, web_db, BROADCASTER)
    for n in range(3):
        subscriptions.subscribe(web_db, f"tg:{900 + n}", "tg", "akt.khromtau")
    preview = await client.post("/hearings/new?lang=ru", data={**FORM, "csrf": csrf, "step": "preview"})
    page = await preview.text()
    assert preview.status == 200 and "Слушания по бюджету села" in page and "3" in page
    assert not hearing_store.listing(web_db)  # a preview queues nothing
    sent = await client.post("/hearings/new", data={**FORM, "csrf": csrf, "step": "send"}, allow_redirects=False)
    assert sent.status == 303
    [hearing] = hearing_store.listing(web_db)
    page = await (await client.get(sent.headers["Location"])).text()
    assert "data-dashboard" in page
    [dashboard] = re.findall(r'data-dashboard="([^"]+)"', page)
    figures = await (await client.get(dashboard)).json()
    assert figures["total"] == 3 and figures["pending"] == 3 and figures["finished"] is False
    assert hearing.area == "akt.khromtau"


async def test_the_form_reports_the_cores_problems(client, web_db):
    csrf = await sign_in(client, web_db, BROADCASTER)
    bad = {**FORM, "starts_at": "2020-01-01T10:00", "place": "", "csrf": csrf}
    response = await client.post("/hearings/new?lang=en", data=bad)
    assert response.status == 422 and "past" in (await response.text())


async def test_a_broadcaster_cannot_announce_or_open_another_areas_hearing(client, web_db):
    from bot.core.hearings import broadcasts
    from bot.core.hearings.hearing import from_mapping
    from bot.core.knowledge.areas import load_areas_or_fail

    areas = load_areas_or_fail()
    elsewhere = {**{k: v for k, v in FORM.items() if "." not in k}, "area": "ast",
                 "kk": {"title": "Тыңдау", "agenda": "Күн тәртібі"}, "ru": {"title": "Слушания", "agenda": "Повестка"}}
    queued = broadcasts.announce(web_db, areas, from_mapping(elsewhere, areas), "cli:operator")
    csrf = await sign_in(client, web_db, BROADCASTER)
    assert (await client.get(f"/hearings/{queued.hearing}")).status == 404
    assert (await client.get(f"/hearings/{queued.hearing}/questions.csv")).status == 404
    assert (await client.post(f"/hearings/{queued.hearing}/cancel", data={"csrf": csrf})).status == 404
    refused = await client.post("/hearings/new?lang=en", data={**FORM, "area": "ast", "csrf": csrf})
    assert refused.status == 422 and "own area" in await refused.text()
    listing = await (await client.get("/hearings")).text()
    assert f"/hearings/{queued.hearing}\"" not in listing


async def test_the_questions_export_is_safe_in_a_spreadsheet(client, web_db):
    csrf = await sign_in(client, web_db, BROADCASTER)
    await client.post("/hearings/new", data={**FORM, "csrf": csrf, "step": "send"}, allow_redirects=False)
    [hearing] = hearing_store.listing(web_db)
    stored.add_question(web_db, hearing.id, "tg:901", "ru", '=HYPERLINK("http://evil.example","x")')
    stored.add_question(web_db, hearing.id, "tg:902", "ru", "когда построят школу")
    text = await (await client.get(f"/hearings/{hearing.id}/questions.csv")).text()
    rows = list(csv.reader(io.StringIO(text)))
    cells = [row[2] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "когда построят школу" in cells


async def test_cancelling_from_the_console_queues_the_cancellation(client, web_db):
    csrf = await sign_in(client, web_db, BROADCASTER)
    await client.post("/hearings/new", data={**FORM, "csrf": csrf, "step": "send"}, allow_redirects=False)
    [hearing] = hearing_store.listing(web_db)
    response = await client.post(f"/hearings/{hearing.id}/cancel", data={"csrf": csrf}, allow_redirects=False)
    assert response.status == 303
    assert hearing_store.get(web_db, hearing.id).status == "cancelled"


async def test_an_editor_without_the_role_does_not_see_hearings(client, web_db):
    await sign_in(client, web_db, EDITOR)
    assert (await client.get("/hearings", allow_redirects=False)).status == 404
