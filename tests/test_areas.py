"""The areas file: its tree, its checks, and finding an area by a typed name."""

import datetime as dt
import shutil

import pytest

from bot.core.knowledge.areas import KZ_TIME, load_areas, load_areas_or_fail
from bot.core.knowledge.loader import DEFAULT_DIR


@pytest.fixture(scope="module")
def areas():
    return load_areas_or_fail()


def test_every_region_and_city_with_a_real_iso_code(areas):
    import pycountry

    top = areas.top("en")
    assert len([a for a in top if a.kind == "region"]) == 17
    assert {a.names["en"] for a in top if a.kind == "city_republican"} == {"Astana", "Almaty", "Shymkent"}
    iso = {s.code for s in pycountry.subdivisions.get(country_code="KZ")}
    assert all(a.iso in iso for a in top)
    assert areas.get("akt").names == {"kk": "Ақтөбе облысы", "ru": "Актюбинская область", "en": "Aktobe Region"}


def test_aktobe_and_the_city_districts_are_complete(areas):
    # Aktobe region: 12 districts and the city of Aktobe; the three big cities' districts (2024: Saraishyk).
    aktobe = areas.children("akt")
    assert len([a for a in aktobe if a.kind == "district"]) == 12
    assert {len(areas.children(c)) for c in ("ast", "ala", "shy")} == {6, 8, 5}


@pytest.mark.parametrize("typed", ["aktobe", "актобе", "Ақтөбе", "Актобе облысы", "Aktobe region", "актбе"])
def test_a_typed_name_finds_the_area_however_it_is_written(areas, typed):
    assert areas.find(typed)[0].code == "akt"


def test_a_name_several_areas_share_lists_them_broadest_first(areas):
    found = [a.code for a in areas.find("Абай")]
    assert found[0] == "aba" and len(found) > 1


def test_nonsense_finds_nothing(areas):
    assert areas.find("") == [] and areas.find("пицца доставка") == []


def test_tree_queries(areas):
    assert "akt.khromtau" in areas.descendants("akt")
    assert areas.within("akt.khromtau", "akt") and not areas.within("akt", "akt.khromtau")
    assert areas.path("akt.khromtau", "en") == "Khromtau District, Aktobe Region"


def test_kazakhstan_is_utc_plus_5_everywhere_since_march_2024():
    assert dt.datetime(2026, 6, 1, 12, tzinfo=KZ_TIME).utcoffset() == dt.timedelta(hours=5)
    assert dt.datetime(2026, 1, 1, 12, tzinfo=KZ_TIME).utcoffset() == dt.timedelta(hours=5)


def _broken(tmp_path, old, new):
    shutil.copy(DEFAULT_DIR / "areas.toml", tmp_path / "areas.toml")
    text = (tmp_path / "areas.toml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "areas.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return [p.message for p in load_areas(tmp_path)[1]]


def test_a_wrong_iso_code_is_an_error(tmp_path):
    assert any("not a subdivision" in m for m in _broken(tmp_path, 'iso = "KZ-15"', 'iso = "KZ-99"'))


def test_a_missing_parent_or_language_or_source_is_an_error(tmp_path):
    assert any("is not an area" in m for m in _broken(tmp_path, 'parent = "akt"', 'parent = "zzz"'))
    assert any("names must give" in m for m in _broken(tmp_path, 'en = "Khromtau District"', 'de = "X"'))
    assert any("cite the source" in m for m in _broken(tmp_path, 'source = "', '# source = "'))


def test_the_real_areas_file_is_clean():
    assert load_areas()[1] == []
