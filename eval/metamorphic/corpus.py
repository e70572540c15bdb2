"""A corpus of rewritten plans: which plan, seed, locality and conventions each rewrite gets; files written.

Rewrite ``i`` takes source plan ``i mod 5`` (in file-name order) with its own
seed ``"<seed>:<i>"``. Conventions rotate through every style from a seeded
start, so any five rewrites show every section style; the first rewrite of a
city's plan is a ward's and a commune's plan stays a commune's, so a corpus of
five or more holds at least one commune and one ward. Localities are real
(``places.py``), all different, and named nowhere in the plans or in
``avoid_text`` (the questions asked of them). The same seed gives
byte-identical files.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.metamorphic.damage import DamageOptions
from eval.metamorphic.figures import FigureShift
from eval.metamorphic.mapping import MAPPING_SUFFIX, Conventions, write_mapping
from eval.metamorphic.places import TARGET_LEVELS, Taken, choose_locality, untaken
from eval.metamorphic.rewrite import RewrittenPlan, rewrite_plan
from ingest.batch import expand_paths
from ingest.identity import default_doc_id
from ingest.model import ParsedDocument
from ingest.pipeline import parse_text
from ingest.reading.readers import read_source

__all__ = ["DEFAULT_SEED", "PLANS_DIR", "CorpusOptions", "default_out", "make_corpus", "plan_rewrites",
           "read_plans", "write_corpus"]

PLANS_DIR = Path(__file__).resolve().parents[2] / "data" / "plans"
DEFAULT_SEED = 52
SECTION_STYLES = ("part", "chapter", "heading", "roman_dash", "roman")
ITEM_STYLES = ("decimal", "article", "paren", "dot")
POINT_STYLES = ("letter", "letter_dot", "letter_dash", "bullet")
BULLETS = ("-", "+", "•")
LAYOUTS = ("wrapped", "joined", "keep")


@dataclass(frozen=True)
class CorpusOptions:
    """What a corpus is made of.

    Attributes:
        n: Number of rewrites.
        seed: Corpus seed.
        avoid_text: Text whose place names no rewrite may take (e.g. the questions).
        damage: Optional damage (issue 15); None for the metamorphic run.
    """

    n: int
    seed: int = DEFAULT_SEED
    avoid_text: str = ""
    damage: DamageOptions | None = None


def default_out(seed: int) -> Path:
    """Where a corpus goes unless told: outside the repository, in the temporary folder."""
    return Path(tempfile.gettempdir()) / f"bhyt-corpus-{seed}"


def read_plans(paths: Sequence[str | Path] = (PLANS_DIR,)) -> list[tuple[str, ParsedDocument]]:
    """Source plans (file name, parsed as ingest parses them), in file-name order."""
    files, problems = expand_paths(paths)
    if problems:
        raise FileNotFoundError(problems[0].message)
    plans = []
    for path in sorted(files, key=lambda p: Path(p).name):
        source = read_source(path)
        plans.append((Path(path).name, parse_text(source.text, str(path), encoding=source.encoding)))
    return plans


def _conventions(i: int, rng: random.Random, starts: Sequence[int]) -> Conventions:
    return Conventions(section=SECTION_STYLES[(i + starts[0]) % len(SECTION_STYLES)],
                       item=ITEM_STYLES[(i + starts[1]) % len(ITEM_STYLES)],
                       points=POINT_STYLES[(i + starts[2]) % len(POINT_STYLES)],
                       bullet=rng.choice(BULLETS), heading_case=rng.choice(("upper", "lower")),
                       layout=LAYOUTS[(i + starts[3]) % len(LAYOUTS)], wrap_width=rng.randint(70, 90))


def _slug(text: str) -> str:
    return default_doc_id(text.replace(" ", "-")).lower()


def plan_rewrites(options: CorpusOptions, plans: Sequence[tuple[str, ParsedDocument]] | None = None
                  ) -> tuple[RewrittenPlan, ...]:
    """The rewrites of a corpus, in order (nothing written)."""
    if options.n <= 0:
        raise ValueError(f"n must be > 0, got {options.n}")
    plans = list(plans) if plans is not None else read_plans()
    if not plans:
        raise ValueError("no source plans")
    corpus_rng = random.Random(f"{options.seed}:corpus")
    starts = [corpus_rng.randrange(len(s)) for s in (SECTION_STYLES, ITEM_STYLES, POINT_STYLES, LAYOUTS)]
    shift = FigureShift.from_seed(options.seed)
    avoid = "\n".join([options.avoid_text, *(doc.source_text for _, doc in plans),
                       *(f"{doc.meta.locality} {doc.meta.province}" for _, doc in plans)])
    taken = Taken()
    rewrites = []
    for i in range(options.n):
        name, source = plans[i % len(plans)]
        seed = f"{options.seed}:{i}"
        rng = random.Random(seed)
        levels = TARGET_LEVELS.get(source.meta.level, ("tỉnh",))
        if i < len(plans):
            level = levels[0]
        else:  # one plan per province, as in the country: once every province has one, communes and wards
            open_levels = [lv for lv in levels if untaken(lv, taken, avoid_text=avoid)]
            # Every name taken (~2,900 usable of ~3,350 places): names repeat, as communes where the plan
            # allows (communes are four in five of the country's places), else at the plan's own level.
            drawn = rng.choice(open_levels or [lv for lv in levels if lv == "xã"] or levels[:1])
            level = "tỉnh" if levels[0] == "tỉnh" and "tỉnh" in open_levels else drawn
        locality = choose_locality(level, random.Random(f"{seed}:place"), avoid_text=avoid, taken=taken)
        taken.add(locality)
        stem = f"{i + 1:02d}_{_slug(locality.level)}_{_slug(locality.name)}"
        rewrites.append(rewrite_plan(source, source_name=name, rewrite_name=f"{stem}.txt",
                                     doc_id=default_doc_id(f"{stem}.txt"), seed=seed, corpus_seed=options.seed,
                                     shift=shift, locality=locality, conventions=_conventions(i, rng, starts),
                                     damage=options.damage))
    return tuple(rewrites)


def write_corpus(rewrites: Sequence[RewrittenPlan], out: str | Path) -> list[Path]:
    """Write each rewrite and its mapping (``<stem>.txt``, ``<stem>.mapping.json``) into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    # Rewrites an earlier run left here (a mapping names its plan) go, so the folder is exactly this corpus.
    current = {r.mapping.rewrite.split(".")[0] for r in rewrites}
    for stale in sorted(out.glob(f"*{MAPPING_SUFFIX}")):
        stem = stale.name[:-len(MAPPING_SUFFIX)]
        if stem not in current:
            (out / f"{stem}.txt").unlink(missing_ok=True)
            stale.unlink()
    written = []
    for rewrite in rewrites:
        path = out / rewrite.mapping.rewrite
        path.write_bytes(rewrite.text.encode("utf-8"))
        write_mapping(out / (path.name.split(".")[0] + MAPPING_SUFFIX), rewrite.mapping)
        written.append(path)
    return written


def make_corpus(options: CorpusOptions, out: str | Path | None = None,
                plans: Sequence[tuple[str, ParsedDocument]] | None = None) -> tuple[Path, tuple[RewrittenPlan, ...]]:
    """Plan the rewrites and write them to ``out`` (default :func:`default_out`); returns the folder and rewrites."""
    rewrites = plan_rewrites(options, plans)
    folder = Path(out) if out is not None else default_out(options.seed)
    write_corpus(rewrites, folder)
    return folder, rewrites
