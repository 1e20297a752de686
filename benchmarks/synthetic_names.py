"""Deterministic synthetic entities with planted duplicates (fictional names).

70% people (Kazakh and Russian names, written in Cyrillic or in one of three Latin
transliteration schemes), 30% companies. 10% of the records are duplicates of another
record, made by transliteration, word reordering, a typo, upper case, an added
patronymic or a different legal form. The transliteration here is written
independently of ``entities.names`` so the benchmark does not test the matcher
against itself.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

GIVEN_M = ("Арман Ерлан Нурлан Серик Бауыржан Асхат Данияр Ержан Марат Самат Тимур Руслан "
           "Айдар Алмас Бекзат Дастан Ерболат Жандос Кайрат Мурат Нурсултан Олжас Талгат "
           "Ильяс Евгений Сергей Александр Дмитрий Андрей Алексей Игорь Олег Виктор Юрий "
           "Әлихан Қайрат Ғалым Төлеген Құдайберген Жомарт Ғабит Нұржан").split()
GIVEN_F = ("Айгерим Алия Гульнара Динара Жанар Сауле Асель Мадина Камила Дана Айжан Гаухар "
           "Жулдыз Назерке Елена Ольга Татьяна Наталья Ирина Анна Әсем Ақбота Ұлжан Гүлнұр").split()
SURNAMES = ("Ахметов Бекетаев Тургумбаев Жаксыбеков Исенов Касымов Нурпеисов Омаров Сейтказиев "
            "Тулегенов Утемисов Хасенов Шаймерденов Абенов Байжанов Досанов Ергалиев Жумабаев "
            "Кенжебаев Муканов Нургалиев Сарсенбаев Темирбаев Есенов Калиев Мамаев Рахимов "
            "Садыков Токаев Уразов Айтжанов Бектуров Габдуллин Джаксыбеков Ибраев Кулибаев "
            "Мусин Оспанов Смагулов Тасмагамбетов Иванов Петров Смирнов Кузнецов Попов Волков "
            "Соколов Лебедев Козлов Новиков Морозов Ильяшев Жовтис Ембергенов Молдалимов "
            "Қасымов Әбдірахманов Ұзақбаев Төлеубаев Құрманов Ғазизов Нұрланов Сәрсенбаев "
            "Жапаров Мирзиёев Смайылов Касенов Есимов Бапишев Тажин Абдыкаримов Сулейменов "
            "Масимов Бозумбаев Шукеев Мамин Жумагалиев Кожамжаров Дуйсенова Ертысбаев").split()
WORDS = ("Астана Алатау Каспий Степь Сункар Жетысу Арман Береке Тулпар Нур Алтын Барыс "
         "Восток Орда Сарыарка Тенгри Самрук Болашак Достык Кайнар Атамекен Жулдыз Бирлик "
         "Шанырак Ак Жол Медеу Хан Тенгиз Көкше Ертіс").split()
KINDS = ("Строй Транс Инвест Агро Энерго Нефть Телеком Медиа Финанс Логистик Сервис Трейд "
         "Консалт Девелопмент Майнинг").split()
FORMS_RU = ("ТОО", "АО")
FORMS_EN = ("LLP", "JSC")

_BASE = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "zh", "з": "z", "и": "i",
         "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
         "т": "t", "у": "u", "ф": "f", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
         "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g", "қ": "k", "ң": "n",
         "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i"}
SCHEMES = {
    # BGN/PCGN-like: Ye- at the start and after vowels, y for й and ы, kh.
    "bgn": {"е": "e", "ё": "yo", "й": "y", "ы": "y", "х": "kh", "__ye": "ye"},
    # Passport-like (Kazakhstan, older): e, i for й, y for ы, kh, -iy.
    "passport": {"е": "e", "ё": "e", "й": "i", "ы": "y", "х": "kh", "__ye": "e"},
    # Simplified and Kazakh Latin-ish: j for ж, q for қ, h for х.
    "simple": {"е": "e", "ё": "e", "й": "i", "ы": "y", "х": "h", "ж": "j", "қ": "q",
               "__ye": "e"},
}


def transliterate(text: str, scheme: str) -> str:
    table = SCHEMES[scheme]
    out = []
    prev = " "
    for char in text:
        lower = char.lower()
        if lower == "е" and (prev in " -" or prev in "аеёиоуыэюяәөұүі"):
            mapped = table["__ye"]
        else:
            mapped = table.get(lower, _BASE.get(lower, lower))
        out.append(mapped.capitalize() if char.isupper() else mapped)
        prev = lower
    return "".join(out)


def _typo(text: str, rng: random.Random) -> str:
    positions = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0
                 and text[i - 1] != " "]
    if not positions:
        return text
    i = rng.choice(positions)
    letters = "aeiounrstlkm"
    return text[:i] + rng.choice([c for c in letters if c != text[i].lower()]) + text[i + 1:]


def _patronymic(given: str, female: bool) -> str:
    stem = given[:-1] if given.endswith(("й", "а")) else given
    return stem + ("овна" if female else "ович")


def make_person(rng: random.Random) -> dict:
    female = rng.random() < 0.4
    given = rng.choice(GIVEN_F if female else GIVEN_M)
    surname = rng.choice(SURNAMES) + ("а" if female and rng.random() < 0.9 else "")
    record = {"schema": "Person", "given": given, "surname": surname, "female": female}
    if rng.random() < 0.6:
        record["birthDate"] = f"{rng.randint(1950, 1995)}-{rng.randint(1, 12):02d}-" \
                              f"{rng.randint(1, 28):02d}"
    record["script"] = rng.choice(["cyr", "bgn", "passport", "simple"])
    return record


def make_company(rng: random.Random) -> dict:
    name = f"{rng.choice(WORDS)} {rng.choice(KINDS)}"
    if rng.random() < 0.5:
        name = f"{rng.choice(WORDS)}{rng.choice(KINDS).lower()} {rng.choice(WORDS)}"
    return {"schema": "Company", "base": name, "script": rng.choice(["cyr", "simple"]),
            "form": rng.choice([0, 1])}


def render(record: dict) -> str:
    if record["schema"] == "Person":
        words = [record["given"], record["surname"]]
        if record.get("patronymic"):
            words.insert(1, record["patronymic"])
        if record.get("reorder"):
            words = [record["surname"] + ",", *[w for w in words if w != record["surname"]]]
        text = " ".join(words)
    else:
        form = (FORMS_RU if record["script"] == "cyr" else FORMS_EN)[record["form"]]
        text = f"{form} «{record['base']}»" if record["script"] == "cyr" else \
            f"{record['base']} {form}"
    if record["script"] != "cyr":
        text = transliterate(text, record["script"])
    if record.get("typo_seed") is not None:
        text = _typo(text, random.Random(record["typo_seed"]))
    if record.get("upper"):
        text = text.upper()
    return text


def mutate(original: dict, rng: random.Random) -> dict:
    record = dict(original)
    kind = rng.choice(["translit", "translit", "reorder", "typo", "upper", "patronymic"])
    if kind == "translit" or (kind == "patronymic" and record["schema"] != "Person"):
        others = [s for s in ("cyr", "bgn", "passport", "simple") if s != record["script"]]
        if record["schema"] == "Company":
            others = [s for s in ("cyr", "simple") if s != record["script"]]
        record["script"] = rng.choice(others)
    elif kind == "reorder" and record["schema"] == "Person":
        record["reorder"] = True
    elif kind == "reorder":
        record["form"] = 1 - record["form"]
    elif kind == "typo":
        record["typo_seed"] = rng.randint(0, 10**9)
    elif kind == "upper":
        record["upper"] = True
    else:
        record["patronymic"] = _patronymic(rng.choice(GIVEN_M), record["female"])
    if record.get("birthDate") and rng.random() < 0.5:
        del record["birthDate"]
    return record


def generate(count: int, seed: int = 42) -> tuple[list[dict], set[tuple[str, str]]]:
    """FtM-shaped dicts and the planted duplicate pairs (by id)."""
    rng = random.Random(seed)
    records: list[dict] = []
    planted: set[tuple[str, str]] = set()
    originals: list[tuple[str, dict]] = []
    for index in range(count):
        entity_id = f"syn-{index:07d}"
        if originals and rng.random() < 0.1:
            source_id, source = rng.choice(originals)
            record = mutate(source, rng)
            a, b = sorted((source_id, entity_id))
            planted.add((a, b))
        else:
            record = make_person(rng) if rng.random() < 0.7 else make_company(rng)
            originals.append((entity_id, record))
        props = {"name": [render(record)]}
        if record.get("birthDate"):
            props["birthDate"] = [record["birthDate"]]
        records.append({"id": entity_id, "schema": record["schema"], "properties": props})
    return records, planted


def write(path: Path, count: int, seed: int = 42) -> set[tuple[str, str]]:
    records, planted = generate(count, seed)
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return planted


if __name__ == "__main__":
    for row in generate(30, 7)[0]:
        print(row["schema"], row["properties"]["name"][0], row["properties"].get("birthDate"))
