"""A deterministic fictional case with N targets, in realistic proportions.

Usage: python tests/synthetic_case.py N OUT_DIR

For N targets (officials of invented security services, courts and prosecutors'
offices): about N/10 organisations, one position (every fifth a leadership post) and one
tenure per official, N/2 incidents (each attributed to 2-3 officials and to their
organisation), N/4 sources (a tenth of them confidential, some repeating others), two
evidence items per attribution and one per tenure, victims (a tenth confidential), and
5 % of the officials entered a second time under a Cyrillic spelling of their name (for
identity resolution to find).
Every name is invented; the same N always gives byte-identical files.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

GIVEN = ["Serik", "Aibek", "Nurlan", "Marat", "Bolat", "Daniyar", "Yerlan", "Askar",
         "Timur", "Ruslan", "Aidos", "Kairat", "Zhanna", "Aigerim", "Dana", "Saule",
         "Gulnara", "Madina", "Asel", "Aruzhan"]
FAMILY = ["Oydanov", "Zhaksylykov", "Temirbekov", "Sadykov", "Nurpeisov", "Abenov",
          "Kasymov", "Tulegenov", "Omarov", "Bekmukhambetov", "Seitkali", "Utegenov",
          "Zhumabayev", "Iskakov", "Mukanov", "Baimukhanov", "Suleimenov", "Yesenov"]
CYR = {"a": "а", "b": "б", "d": "д", "e": "е", "g": "г", "h": "х", "i": "и", "k": "к",
       "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
       "u": "у", "y": "ы", "z": "з", "j": "дж", "v": "в", "f": "ф"}
BODIES = ["Department of Internal Security", "Regional Prosecutor's Office",
          "District Court", "Border Service", "Penitentiary Committee", "Police Department"]
VIOLATIONS = ["arbitrary_detention", "torture", "prosecution_for_expression",
              "unfair_trial", "unlawful_surveillance", "enforced_disappearance"]
MODES = ["ordering", "direct_perpetrator", "command_responsibility", "aiding_abetting"]


def cyrillic(text: str) -> str:
    out = text.lower().replace("zh", "ж").replace("kh", "х").replace("sh", "ш")
    out = "".join(CYR.get(ch, ch) for ch in out)
    return " ".join(w[:1].upper() + w[1:] for w in out.split())


def generate(n: int, seed: int = 7) -> dict[str, dict[str, list[dict[str, Any]]]]:
    rng = random.Random(seed)
    files: dict[str, dict[str, list[dict[str, Any]]]] = {}
    orgs = [{"id": f"org-{i}", "type": "public_body", "country": "KZ",
             "names": [{"name": f"{BODIES[i % len(BODIES)]} No. {i}", "lang": "en"}]}
            for i in range(max(1, n // 10))]
    sources, evidence = [], []
    for i in range(max(2, n // 4)):
        source: dict[str, Any] = {"id": f"src-{i}", "title": f"Report {i} (fictional)",
                                  "publisher": f"Fictional Monitor {i % 7}",
                                  "published": f"20{18 + i % 6}-0{1 + i % 9}",
                                  "reliability": "ABC"[i % 3]}
        if i % 10 == 9:
            source["sensitivity"] = "confidential"
        if i % 8 == 7 and i > 0:
            source["derived_from"] = [f"src-{i - 1}"]
        sources.append(source)

    def cite(text: str) -> str:
        number = len(evidence)
        evidence.append({"id": f"ev-{number}", "source": f"src-{rng.randrange(len(sources))}",
                         "locator": f"p. {rng.randrange(1, 40)}", "type": "official_document",
                         "credibility": rng.randrange(1, 4), "excerpt": text})
        return f"ev-{number}"

    people, positions, tenures = [], [], []
    for i in range(n):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        org = orgs[i % len(orgs)]
        person: dict[str, Any] = {
            "id": f"off-{i}", "names": [{"name": f"{given} {family}-{i}", "lang": "en"}],
            "birth_date": f"19{55 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "nationality": ["KZ"], "statuses": ["official"]}
        people.append(person)
        lead = i % 5 == 0  # every fifth official heads a unit: a leadership post
        positions.append({"id": f"pos-{i}", "title": [{"name": f"{'Head' if lead else 'Officer'}"
                                                      f" {i} of {org['names'][0]['name']}"}],
                          "organisation": org["id"], "leadership": lead})
        tenures.append({"id": f"ten-{i}", "person": person["id"], "position": f"pos-{i}",
                        "start": "2015-01", "end": "2024-12-31",
                        "evidence": [cite(f"Staff list names officer {i}.")]})
        if i % 20 == 19:
            people.append({"id": f"off-{i}-cyr", "names": [{"name": cyrillic(
                f"{given} {family}-{i}"), "lang": "ru"}], "birth_date": person["birth_date"]})
    victims = [{"id": f"vic-{i}", "names": [f"Victim Person {i}"], "statuses": ["activist"],
                **({"sensitivity": "confidential"} if i % 10 == 3 else {})}
               for i in range(max(1, n // 2))]
    incidents, attributions = [], []
    for i in range(max(1, n // 2)):
        incident = {"id": f"inc-{i}", "title": f"Incident {i} (fictional)",
                    "date": f"20{18 + i % 6}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                    "place": f"Exampletown {i % 13}", "country": "KZ",
                    "description": f"A fictional incident number {i}.",
                    "violations": rng.sample(VIOLATIONS, 2), "victims": [f"vic-{i}"],
                    "evidence": [cite(f"Incident {i} happened.")]}
        incidents.append(incident)
        officials = rng.sample(range(n), min(n, 2 + i % 2))
        for k in officials:
            attributions.append({
                "id": f"att-{i}-{k}", "actor": f"off-{k}", "incident": incident["id"],
                "mode": rng.choice(MODES), "status": "reviewed", "reviewed_by": "Bench",
                "evidence": [cite(f"Officer {k} took part in incident {i}."),
                             cite(f"Witnesses name officer {k}.")]})
        org = orgs[officials[0] % len(orgs)]["id"]
        attributions.append({"id": f"att-{i}-org", "actor": org, "incident": incident["id"],
                             "mode": "ordering", "status": "reviewed", "reviewed_by": "Bench",
                             "evidence": [cite(f"The body ordered incident {i}.")]})
    files["actors.yml"] = {"organisations": orgs, "people": people + victims,
                           "positions": positions, "tenures": tenures}
    files["sources.yml"] = {"sources": sources, "evidence": evidence}
    files["incidents.yml"] = {"incidents": incidents, "attributions": attributions}
    return files


def write(n: int, out: Path) -> Path:
    (out / "data").mkdir(parents=True, exist_ok=True)
    meta = {"id": f"synthetic_{n}", "prefix": f"syn{n}", "title": f"Synthetic case ({n} "
            "targets, fictional)", "summary": "Invented people and bodies for benchmarks.",
            "languages": ["en", "ru"], "organisation": {"name": "Benchmark Rights Centre"},
            "default_sensitivity": "public", "date": "2024-06-01"}
    (out / "case.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False),
                                  encoding="utf-8")
    for name, data in generate(n).items():
        (out / "data" / name).write_text(yaml.safe_dump(data, allow_unicode=True,
                                                        sort_keys=False, width=100),
                                         encoding="utf-8")
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(write(int(sys.argv[1]), Path(sys.argv[2])))
