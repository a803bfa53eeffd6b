"""Language detection, and the per-language resource files it selects."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.extract.language import (
    UND,
    UnknownLanguage,
    choose_language,
    detect_language,
    resource_language,
)
from geomap.extract.resources import (
    RESOURCES_DIR,
    available_languages,
    compile_phrases,
    load_resource_file,
    load_resources,
)
from geomap.model import GeomapError, Mode, Status

# One short paragraph per resource language (written for these tests).
PARAGRAPHS = {
    "en": "North Korean troops have been sent to Russia and deployed to the Kursk region, the alliance said "
    "on Monday, calling it a dangerous expansion of the war.",
    "id": "Pasukan Korea Utara telah dikirim ke Rusia dan dikerahkan ke wilayah Kursk, kata aliansi itu pada "
    "hari Senin, yang menyebutnya perluasan perang yang berbahaya.",
    "ru": "Северокорейские войска были отправлены в Россию и развернуты в Курской области, заявили в альянсе "
    "в понедельник, назвав это опасным расширением войны.",
    "uk": "Північнокорейські війська було відправлено до Росії та розгорнуто в Курській області, заявили в "
    "альянсі в понеділок, назвавши це небезпечним розширенням війни.",
    "de": "Nordkoreanische Truppen wurden nach Russland geschickt und im Gebiet Kursk eingesetzt, teilte das "
    "Bündnis am Montag mit und sprach von einer gefährlichen Ausweitung des Krieges.",
    "fr": "Des troupes nord-coréennes ont été envoyées en Russie et déployées dans la région de Koursk, a "
    "déclaré l'alliance lundi, évoquant une dangereuse extension de la guerre.",
}
MALAY = "Tentera Korea Utara telah dihantar ke Rusia dan ditempatkan di wilayah Kursk, kata pakatan itu pada hari Isnin."
SPANISH = "Las tropas norcoreanas han sido enviadas a Rusia y desplegadas en la región de Kursk, dijo la alianza el lunes."


# ------------------------------------------------------------------------------------------------ detection


def test_seed_article_is_indonesian(seed_article: Path) -> None:
    lang, confidence = detect_language(seed_article.read_text(encoding="utf-8"))
    assert lang == "id"
    assert confidence > 0.95


def test_english_news_is_english(shared_dir: Path) -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(shared_dir / "eval" / "geoparse" / "GeoVirus.xml").getroot()
    texts = [a.findtext("text") or "" for a in root.iter("article")][:40]
    assert [detect_language(t)[0] for t in texts] == ["en"] * len(texts)


@pytest.mark.parametrize("lang", sorted(PARAGRAPHS))
def test_each_resource_language_is_detected(lang: str) -> None:
    code, confidence = detect_language(PARAGRAPHS[lang])
    assert code == lang
    assert confidence > 0.8
    assert resource_language(code) == lang


def test_english_and_indonesian_short_sentences_apart() -> None:
    assert detect_language("Troops were deployed to Kursk last week.")[0] == "en"
    assert detect_language("Pasukan dikirim ke Rusia minggu lalu.")[0] in ("id", "ms")
    assert resource_language(detect_language("Pasukan dikirim ke Rusia minggu lalu.")[0]) == "id"


def test_malay_is_read_with_indonesian_resources() -> None:
    code, confidence = detect_language(MALAY)
    assert code in ("ms", "id")
    assert confidence > 0.9
    assert resource_language("ms") == "id"
    choice = choose_language(MALAY)
    assert choice.resources == "id"
    assert choice.warning is None


@pytest.mark.parametrize("text", ["", "   ", "Kursk", "Korea Utara", "12.000 / 2024"])
def test_short_or_empty_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == (UND, 0.0)


def test_language_without_resources_is_a_clear_outcome() -> None:
    code, confidence = detect_language(SPANISH)
    assert code == "es"
    with pytest.raises(UnknownLanguage) as err:
        resource_language(code, confidence)
    assert err.value.code == "es"
    assert "'es'" in str(err.value) and "no word lists" in str(err.value)
    choice = choose_language(SPANISH)
    assert (choice.detected, choice.resources) == ("es", "en")
    assert choice.warning is not None and "'en' word lists" in choice.warning


def test_declared_language_wins_over_detection() -> None:
    choice = choose_language(PARAGRAPHS["en"], declared="id")
    assert (choice.detected, choice.resources, choice.warning) == ("id", "id", None)
    assert choose_language("", declared="xx").resources == "en"


# ------------------------------------------------------------------------------------------------ resources


@pytest.mark.parametrize("lang", ["en", "id", "ru", "uk", "de", "fr"])
def test_every_resource_file_is_complete(lang: str) -> None:
    res = load_resources(lang)
    assert res.code == lang
    assert sorted(set(res.dates.months.values())) == list(range(1, 13))
    assert sorted(set(res.dates.weekdays.values())) == list(range(7))
    assert {r.unit for r in res.dates.relative} == {"day", "week", "month", "year"}
    assert res.dates.parts and res.dates.templates
    assert res.location_prepositions.get("to") and res.location_prepositions.get("from")
    assert {c.direction for c in res.movement_cues} >= {"to", "at", "none"}
    assert res.origin_markers and res.transit_markers and res.speech_cues and res.meeting_cues
    assert set(res.status_cues) == {Status.CONFIRMED, Status.DENIED, Status.CLAIMED}
    assert set(res.mode_cues) == {Mode.SEA, Mode.RAIL, Mode.ROAD, Mode.AIR}
    assert res.troop_words and res.quantity_nouns and res.stop_words_places and res.region_phrases
    assert res.organisation_words.get("before") or res.organisation_words.get("after")


def test_available_languages_and_fallback() -> None:
    assert set(available_languages()) >= {"en", "id", "ms", "ru", "uk", "de", "fr"}
    assert load_resources("ms").code == "id"
    assert load_resources("ID").code == "id"
    assert load_resources("xx").code == "en"
    assert load_resources(None).code == "en"
    assert load_resources("id") is load_resources("id")  # cached


@pytest.mark.parametrize(
    ("lang", "text", "value"),
    [
        ("id", "1.500", 1500),
        ("id", "10.000", 10000),
        ("id", "2,5 ribu", 2500),
        ("id", "1,5 juta", 1_500_000),
        ("en", "10,000", 10000),
        ("en", "1.5", 1.5),
        ("en", "3 thousand", 3000),
        ("de", "10.000", 10000),
        ("fr", "10 000", 10000),
        ("fr", "10\u202f000", 10000),
        ("ru", "2 тысячи", 2000),
        ("ru", "12 тыс.", 12000),
        ("uk", "1,5 тисячі", 1500),
    ],
)
def test_numbers_read_in_each_language_format(lang: str, text: str, value: float) -> None:
    assert load_resources(lang).parse_number(text) == value


def test_parse_number_without_number_is_none() -> None:
    assert load_resources("en").parse_number("troops") is None


def test_stop_words_demonyms_and_regions() -> None:
    id_, en, ru, de, fr = (load_resources(x) for x in ("id", "en", "ru", "de", "fr"))
    assert id_.is_stop_place("Dia") and id_.is_stop_place("Pasal") and not id_.is_stop_place("Kursk")
    assert en.is_stop_place("March") and not en.is_stop_place("Kyiv")
    assert en.demonym_country("North Korean") == "KP"
    assert en.demonym_country("Polish") == "PL" and en.demonym_country("polish") is None
    assert ru.demonym_country("северокорейские") == "KP"
    assert de.demonym_country("weißrussische") == "BY" and de.demonym_country("russische") == "RU"
    assert fr.demonym_country("nord-coréens") == "KP"

    def region(res_lang: str, text: str) -> list[str]:
        res = load_resources(res_lang)
        return [m.group("name") for p in res.region_patterns() for m in p.finditer(text)]

    assert region("id", "dikerahkan ke wilayah Kursk,") == ["Kursk"]
    assert region("en", "deployed to the Kursk region") == ["Kursk"]
    assert region("ru", "развернуты в Курской области") == ["Курск"]
    assert region("uk", "розгорнуто в Курській області") == ["Курськ"]
    assert region("de", "im Kursker Gebiet") == ["Kursk"]
    assert region("fr", "dans la région de Koursk") == ["Koursk"]


def test_cue_phrases_match_the_seed_article(seed_article: Path) -> None:
    text = seed_article.read_text(encoding="utf-8")
    res = load_resources("id")
    to_cues = compile_phrases(tuple(c.phrase for c in res.movement_cues if c.direction == "to"))
    assert {m.group().casefold() for m in to_cues.finditer(text)} >= {
        "dikirim ke",
        "dikerahkan ke",
        "memasuki",
    }
    assert compile_phrases(res.speech_cues).search(text)
    assert compile_phrases(res.meeting_cues).search(text).group() in ("konferensi pers", "KTT")
    assert compile_phrases(res.status_cues[Status.CONFIRMED]).search(text)
    assert "desas-desus yang tidak berdasar" in [
        m.group() for m in compile_phrases(res.status_cues[Status.DENIED]).finditer(text)
    ]
    claimed = {m.group() for m in compile_phrases(res.status_cues[Status.CLAIMED]).finditer(text)}
    assert claimed >= {"diklaim", "diduga"}
    assert compile_phrases(res.mode_cues[Mode.SEA]).search(text).group().startswith("kapal")


def test_stems_and_apostrophes_in_phrases() -> None:
    ru = load_resources("ru")
    moved = compile_phrases(tuple(c.phrase for c in ru.movement_cues))
    assert moved.search("войска переброшены под Курск").group() == "переброшены"
    assert moved.search("они отправлены в Россию").group() == "отправлены в"
    assert compile_phrases(("aujourd'hui",)).search("Aujourd’hui, Paris")


def test_yaml_words_like_no_and_off_stay_words() -> None:
    en = load_resources("en")
    assert en.demonym_country("Norwegian") == "NO"
    assert "off" in en.location_prepositions["near"]
    assert "no" in en.stop_words_places


def test_bad_resource_file_names_file_line_and_field(tmp_path: Path) -> None:
    source = (RESOURCES_DIR / "id.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "id.yaml"
    bad.write_text(source.replace("    oktober: 10\n", "    oktober: 13\n", 1), encoding="utf-8")
    line = source.splitlines().index("    oktober: 10") + 1
    with pytest.raises(GeomapError) as err:
        load_resource_file(bad)
    assert f"{bad}:{line}:" in str(err.value)
    assert "[dates.months.oktober]" in str(err.value)

    cue = tmp_path / "en.yaml"
    cue.write_text(
        (RESOURCES_DIR / "en.yaml")
        .read_text(encoding="utf-8")
        .replace("{phrase: sent to, direction: to}", "{phrase: sent to, direction: onward}", 1),
        encoding="utf-8",
    )
    with pytest.raises(GeomapError, match=r"en\.yaml:\d+: \[movement_cues\.verbs\.\d+\.direction\]"):
        load_resource_file(cue)

    broken = tmp_path / "fr.yaml"
    broken.write_text("code: fr\nmonths: [unclosed\n", encoding="utf-8")
    with pytest.raises(GeomapError, match=r"fr\.yaml:\d+: not valid YAML"):
        load_resource_file(broken)
