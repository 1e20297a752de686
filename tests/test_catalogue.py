"""The message catalogue: the template is current, every language translates every
message (same placeholders, every plural form), and a Russian build and pack contain no
English text of the catalogue."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dossier.build import build_case
from dossier.catalogue import folder, updated
from dossier.submit import submit_case
from entities.i18n import LANGUAGES, plural, template, text
from tests.test_pdf import pdf_text

FIXTURES = Path(__file__).parent / "fixtures"
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def test_the_template_and_translations_are_current() -> None:
    for name, data in updated().items():
        assert (folder() / name).read_bytes() == data, \
            f"{name} is stale: run python -m dossier.catalogue"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_message_is_translated(lang: str) -> None:
    catalog = read_po(io.BytesIO((folder() / f"{lang}.po").read_bytes()), locale=lang)
    english = template()
    seen = set()
    for message in catalog:
        if not message.context:
            continue
        seen.add(message.context)
        assert not message.fuzzy, f"{message.context} is fuzzy (the English changed)"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{message.context} is not translated"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1])) - {"{n}"}
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) - {"{n}"} == wanted, message.context
        if isinstance(message.id, tuple):
            assert len(forms) == catalog.num_plurals, message.context
    assert seen == set(english)


def test_plural_forms_follow_the_language() -> None:
    forms = [plural("pdf.n_attributed", n, "ru", name="X", list="…") for n in (1, 3, 5, 21)]
    assert "1 инцидент:" in forms[0] and "3 инцидента" in forms[1]
    assert "5 инцидентов" in forms[2] and "21 инцидент:" in forms[3]
    assert plural("pdf.n_attributed", 1, "en", name="X", list="…").startswith(
        "The case attributes one incident")
    assert text("vocab.violation_types.torture", "ru").startswith("Пытки")


def _english_phrases() -> set[str]:
    """The fixed parts of every English message that a translation changes: the runs of
    words between placeholders, of at least two words."""
    out = set()
    for context, message in template().items():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        translated = text(context, "ru") if not isinstance(message.id, tuple) else ""
        for english in ids:
            if translated == english:
                continue  # the same in both languages (codes, SWIFT/BIC)
            for part in PLACEHOLDER.split(english):
                part = part.strip(" .,;:()'\"")
                if len(part.split()) >= 2 and len(part) >= 10:
                    out.add(part)
    return out


def test_a_russian_build_and_pack_have_no_english_catalogue_text(tmp_path: Path) -> None:
    case = tmp_path / "legal"
    shutil.copytree(FIXTURES / "legal", case, ignore=shutil.ignore_patterns(".dossier"))
    build_case(case, tmp_path / "out", "government", lang="ru")
    submit_case(case, tmp_path / "packs", ["eu_ghr", "uk_ghr"], lang="ru", arguable=True)
    dossiers = tmp_path / "out" / "dossiers"
    pdfs = [dossiers / "overview.pdf",  # with the government's check findings
            *sorted(p for p in dossiers.glob("*.pdf") if p.name != "overview.pdf")[:4],
            *sorted((tmp_path / "packs").rglob("*.pdf"))[:4]]
    phrases = _english_phrases()
    found = {}
    for path in pdfs:
        words = " ".join(pdf_text(path).split())
        hits = sorted(p for p in phrases if p in words)
        if hits:
            found[path.name] = hits
    assert not found, found
    overview = " ".join(pdf_text(dossiers / "overview.pdf").split())
    assert "предупреждение: single_source:" in overview
    for word in (" person ", " organisation ", " strong ", " weak "):  # labels, translated
        assert word not in overview, word


def test_the_running_header_is_shortened_at_a_word_boundary() -> None:
    from dossier.pdf.document import fit_text
    from exports.fonts import register_fonts

    font = register_fonts()
    title = "Kazakhstan 2020–2021: surveillance, data handover and reprisals"
    short = fit_text(title, font, 7.5, 150)
    assert short.endswith(" …") and title.startswith(short[:-2])
    assert short[:-2].split()[-1] in [w.strip(",;:") for w in title.split()]  # whole words
    assert fit_text("Unbreakablewordthatistoolong", font, 7.5, 40).endswith("…")


def test_a_message_is_a_key_before_and_after_pickling() -> None:
    """A message keeps its hash once worked out, but never carries it to another
    process (strings hash differently there): equal messages are equal keys, whether
    made here, nested, or read back from a pickle."""
    import pickle

    from entities.i18n import Joined, Msg

    inner = Msg.of("em.gap_birth")
    outer = Msg.of("em.gap_grade", what=inner, grade=Msg.of("em.grade_weak"),
                   minimum=Msg.of("em.grade_moderate"))
    joined = Joined((outer, inner))
    table = {outer: 1, joined: 2}
    copies = pickle.loads(pickle.dumps((outer, joined)))
    assert "_hash" not in pickle.loads(pickle.dumps(outer)).__dict__
    assert table[copies[0]] == 1 and table[copies[1]] == 2
    assert hash(copies[0]) == hash(outer) and copies[1] == joined
    made_anew = Msg("em.gap_grade", outer.values)
    assert made_anew == outer and hash(made_anew) == hash(outer)
    assert outer.render("en") == copies[0].render("en")
