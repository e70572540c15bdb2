"""Benchmark the readers: PDF text extraction (pypdf vs pdfplumber) and encoding detection.

    python bench/encodings.py            # all five plans (needs LibreOffice for the PDFs)
    python bench/encodings.py --no-pdf   # encodings only

PDF table: every plan is typeset as a Word document (Times New Roman, justified,
one paragraph per source line, as tests/data/formats/build_fixtures.py does) and
converted to PDF by LibreOffice; each library's text is compared with the source:
``words`` = share of source words (NFC, in order) recovered exactly, ``toned`` =
the same for words carrying a diacritic, ``lines`` = share of non-blank source
lines found verbatim (whitespace-normalised) among the extracted lines, ``nfc``
= extracted text already NFC, ``ms`` = median extraction time of 3 runs.

Encoding table: every plan is saved in each supported encoding and decoded by
:func:`ingest.reading.encoding.decode_bytes`; ``ok`` = decoded text equals the NFC source
(``exact``; characters an encoding cannot hold, such as ⁽ in cp1258, are
replaced by "?" first), and equal ignoring case: TCVN3 cannot hold a capital toned vowel
at the start of a mixed-case word ("Ủy" comes back "ủy").
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.reading.encoding import decode_bytes
from ingest.reading.legacy_fonts import decode_legacy, encode_legacy
from ingest.vntext import fold_diacritics  # noqa: E402

PLANS = sorted((ROOT / "data" / "plans").glob("*.txt"))


def _fixture_builder():
    spec = importlib.util.spec_from_file_location("build_fixtures", ROOT / "tests/data/formats/build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def extract_pypdf(path: Path) -> str:
    import pypdf

    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(str(path)).pages)


def extract_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def compare(source: str, extracted: str) -> dict[str, float]:
    """Word, toned-word and line recovery of ``extracted`` against ``source``."""
    source_words = unicodedata.normalize("NFC", source).split()
    got_words = unicodedata.normalize("NFC", extracted).split()
    matcher = difflib.SequenceMatcher(None, source_words, got_words, autojunk=False)
    matched = [False] * len(source_words)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            matched[block.a + offset] = True
    toned = [i for i, word in enumerate(source_words) if fold_diacritics(word) != word]
    source_lines = [" ".join(line.split()) for line in source.splitlines() if line.strip()]
    got_lines = {" ".join(line.split()) for line in unicodedata.normalize("NFC", extracted).splitlines()}
    return {
        "words": sum(matched) / len(source_words),
        "toned": sum(matched[i] for i in toned) / len(toned),
        "lines": sum(line in got_lines for line in source_lines) / len(source_lines),
        "nfc": float(extracted == unicodedata.normalize("NFC", extracted)),
    }


def pdf_table() -> None:
    builder = _fixture_builder()
    print("| plan | library | words | toned | lines | nfc | ms |")
    print("|---|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for plan in PLANS:
            text = plan.read_text(encoding="utf-8")
            source = work / f"{plan.stem}.docx"
            builder.write_plan_docx(text, source, header_table=False)
            pdf = builder.libreoffice_convert(source, "pdf", work)
            for name, extract in (("pypdf", extract_pypdf), ("pdfplumber", extract_pdfplumber)):
                times = []
                for _ in range(3):
                    start = time.perf_counter()
                    extracted = extract(pdf)
                    times.append(time.perf_counter() - start)
                scores = compare(text, extracted)
                ms = statistics.median(times) * 1000
                totals.setdefault(name, []).extend([scores["words"], scores["toned"], scores["lines"], ms])
                print(f"| {plan.stem[:22]} | {name} | {scores['words']:.4f} | {scores['toned']:.4f} | "
                      f"{scores['lines']:.4f} | {scores['nfc']:.0f} | {ms:.0f} |")
    for name, values in totals.items():
        words, toned, lines, ms = (statistics.mean(values[i::4]) for i in range(4))
        print(f"| **mean** | {name} | {words:.4f} | {toned:.4f} | {lines:.4f} | | {ms:.0f} |")


def representable(text: str, encode, legacy: str | None = None) -> str:
    """``text`` with the characters ``encode`` cannot hold replaced by "?".

    For TCVN3/VNI that includes characters whose byte is another letter's code
    ("¹" is ạ in TCVN3), which a legacy file cannot contain as themselves.
    """
    kept = {}
    for char in set(text):
        try:
            data = encode(char)
            if legacy and decode_legacy(data.decode("latin-1"), legacy) != char.lower() and char.lower() == char:
                raise ValueError(char)
            kept[char] = char
        except (UnicodeEncodeError, ValueError):
            kept[char] = "?"
    return "".join(kept[char] for char in text)


def encoding_table() -> None:
    builder = _fixture_builder()
    encoders = {
        "utf-8": lambda t: t.encode("utf-8"),
        "utf-8-sig": lambda t: t.encode("utf-8-sig"),
        "utf-16 (BOM)": lambda t: t.encode("utf-16"),
        "utf-16-le (no BOM)": lambda t: t.encode("utf-16-le"),
        "cp1258 (decomposed)": builder.encode_cp1258,
        "tcvn3": lambda t: encode_legacy(t, "tcvn3"),
        "vni": lambda t: encode_legacy(t, "vni"),
    }
    print("\n| plan | encoding | detected | score | exact | exact ignoring case | ms |")
    print("|---|---|---|---|---|---|---|")
    for plan in PLANS:
        plan_text = unicodedata.normalize("NFC", plan.read_text(encoding="utf-8"))
        for label, encode in encoders.items():
            text = representable(plan_text, encode, label if label in ("tcvn3", "vni") else None)
            data = encode(text)
            start = time.perf_counter()
            decoded = decode_bytes(data)
            ms = (time.perf_counter() - start) * 1000
            ok = decoded.text == text
            same_letters = decoded.text.lower() == text.lower()
            print(f"| {plan.stem[:22]} | {label} | {decoded.encoding} | {decoded.score:.3f} | {ok} | "
                  f"{same_letters} | {ms:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF table (no LibreOffice needed)")
    args = parser.parse_args()
    if not args.no_pdf:
        try:
            pdf_table()
        except RuntimeError as exc:  # LibreOffice is needed to make the PDFs
            print(f"(PDF table skipped: {exc})")
    encoding_table()


if __name__ == "__main__":
    main()
