"""Draw the papers of the outsider's relevance set (step 1 of the protocol).

    python benchmarks/relevance/draw.py [CORPUS]   # default /work/shared/corpus/hf-daily-papers

Protocol (README of this folder is this docstring and the header of queries.yaml):

1. This script reads the corpus with the project's own parser (``generator.ingest.importer``, what
   ``papers import`` uses, so ids, titles, abstracts and organisations are the records the
   search indexes) and, with ``random.Random(SEED)``, draws for each kind ``PER_KIND`` papers
   from the pool of papers eligible for that kind. The eligibility rules below were written
   before drawing. A paper is used once across kinds: kinds with a restricted pool are drawn
   first, in the order of ``KINDS``, then the kinds open to any paper; each pool is the sorted
   list of eligible ids not drawn yet. The sample (id, title, abstract, organisation, date,
   project page and GitHub repo) goes to ``sample.json``.
2. The queries in ``queries.yaml`` were then written by hand from ``sample.json`` alone, one per
   drawn paper, before any search (ours or a baseline) was run on the corpus.
3. draw.py, sample.json and queries.yaml were committed together, frozen, before
   ``benchmarks/search_eval.py`` existed.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from generator.ingest.importer import ImportOptions, collect_files, read_capture  # noqa: E402
from generator.model import Paper  # noqa: E402

SEED = 20260311
PER_KIND = 14
CORPUS = Path("/work/shared/corpus/hf-daily-papers")
OUT = Path(__file__).resolve().parent / "sample.json"

# Restricted kinds first (their pools are smaller), then the kinds any paper can carry.
KINDS = (
    "model-name",
    "org",
    "spelling",
    "arxiv-id",
    "typo",
    "partial",
    "punctuation",
    "paraphrase",
    "question",
    "known-item",
)

# --- eligibility rules (written before the draw) -------------------------------------------

# model-name: the title holds a token mixing letters and digits that is not a bare quantity
# ("3D", "7B", "4K", "2x", "100M"), or a known model family name.
FAMILIES = re.compile(
    r"\b(llama|qwen|gpt|phi|gemma|mistral|mixtral|claude|gemini|deepseek|stable diffusion|"
    r"sdxl|flux|sora|llava|internvl|chatglm|glm|kimi|minicpm|yi|olmo|falcon|bert|clip|sam|"
    r"whisper|dall-e|imagen|veo|wan|hunyuan|cogvideo|pixart|dino|dinov2|t5|mamba|opus)\b",
    re.I,
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_QUANTITY = re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{1,2}$")  # 3D, 7B, 4K, 2x, 100M, 1.5B


def model_name_eligible(paper: Paper) -> bool:
    for token in _TOKEN.findall(paper.title):
        for part in token.split("-"):
            mixed = re.search(r"[A-Za-z]", part) and re.search(r"\d", part)
            if mixed and not _QUANTITY.match(part):
                return True
    return bool(FAMILIES.search(paper.title))


# org: the paper has an organisation (Hugging Face's "organization" of the entry).
def org_eligible(paper: Paper) -> bool:
    return paper.organization is not None


# spelling: title or abstract holds a word with a British/American variant, or the title holds
# a hyphenated compound or a closed compound often written hyphenated.
_IZE = re.compile(r"\b[a-z]{3,}i[sz](?:ation|ations|ed|ing|es|e|er|ers)\b", re.I)
# -ise/-ize words with no other spelling
_IZE_NOT = re.compile(
    r"(?:nois|precis|promis|exercis|expertis|rais|surpris|enterpris|concis|premis|compris|"
    r"devis|revis|supervis|advertis|compromis|franchis|seiz|capsiz|siz|resiz|downsiz|upsiz|"
    r"oversiz|priz|cris|pois|prais|paradis|improvis|televis|merchandis|\w*wis)"
    r"(?:ation|ations|ed|ing|es|e|er|ers)",
    re.I,
)
_VARIANT = re.compile(
    r"\b(?:colou?rs?|behaviou?rs?|behaviou?ral|favou?r\w*|labou?r\w*|neighbou?r\w*|"
    r"humou?r\w*|rumou?rs?|vapou?rs?|harbou?rs?|armou?r\w*|cent(?:re|er)s?|cent(?:re|er)ed|"
    r"modell?ing|modell?ed|labell?ed|labell?ing|travell?ing|signall?ing|analy[sz]e[sd]?|"
    r"analy[sz]ing|catalog(?:ue)?s?|programmes?|defen[cs]es?|licen[cs]es?|grey|gray|fibres?|"
    r"metres?|aluminium|aluminum|dialogue|dialog|judgement|judgment)\b",
    re.I,
)
_HYPHENATED = re.compile(r"\b[A-Za-z]{2,}-[A-Za-z]{2,}\b")
_CLOSED = re.compile(
    r"\b(pretrain\w*|posttrain\w*|multiagent|multimodal|realtime|selfsupervised|finetun\w*|"
    r"multiview|multilingual|multiturn|longform|opensource|endtoend|zeroshot|fewshot)\b",
    re.I,
)


def spelling_eligible(paper: Paper) -> bool:
    text = f"{paper.title} {paper.abstract}"
    if _VARIANT.search(text) or _HYPHENATED.search(paper.title) or _CLOSED.search(paper.title):
        return True
    return any(not _IZE_NOT.fullmatch(w) for w in _IZE.findall(text))


def any_paper(paper: Paper) -> bool:
    return True


RULES = {
    "model-name": model_name_eligible,
    "org": org_eligible,
    "spelling": spelling_eligible,
}

# --------------------------------------------------------------------------------------------


def load(corpus: Path) -> dict[str, Paper]:
    """Every paper of the corpus by id, parsed as ``papers import`` parses it (last file wins,
    which is moot here: the corpus lists each paper once)."""
    papers: dict[str, Paper] = {}
    for path in collect_files([corpus]):
        for paper in read_capture(path, ImportOptions()):
            papers[paper.id] = paper
    return papers


def draw(papers: dict[str, Paper]) -> list[dict]:
    rng = random.Random(SEED)
    used: set[str] = set()
    sample = []
    for kind in KINDS:
        rule = RULES.get(kind, any_paper)
        pool = sorted(pid for pid, p in papers.items() if pid not in used and rule(p))
        for pid in rng.sample(pool, PER_KIND):
            used.add(pid)
            sample.append(row(kind, papers[pid], len(pool)))
    return sample


def row(kind: str, paper: Paper, pool: int) -> dict:
    org = paper.organization
    return {
        "kind": kind,
        "pool": pool,
        "id": paper.id,
        "date": paper.daily_date.isoformat(),
        "title": paper.title,
        "abstract": paper.abstract,
        "organization": org.name if org else None,
        "organization_fullname": org.fullname if org else None,
        "project_page": paper.project_page,
        "github_repo": paper.github_repo,
    }


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else CORPUS
    papers = load(corpus)
    sample = draw(papers)
    OUT.write_text(json.dumps(sample, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(papers)} papers, seed {SEED}: {len(sample)} drawn -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
