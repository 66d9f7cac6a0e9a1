"""Draw the related-papers quality sample (frozen: committed before any ranking was looked at).

    python benchmarks/related/draw.py        # rewrites benchmarks/related/sample.yaml

Protocol, written before the ranking code existed:

- Population: the 6,752-paper corpus (/work/shared/corpus/hf-daily-papers, imported with the
  project's importer), papers with an abstract and at least one AI keyword (the keyword measure
  below needs them; 3,952 papers). Candidates for each paper's list are the whole corpus.
- Sample: ``random.Random(SEED).sample`` of the population's ids, sorted, SIZE of them.
- Measures, over each method's top 5 for each sampled paper (benchmarks/related_eval.py):
  1. keyword: the share of the 5 that have an AI keyword in common with the paper (compared
     case-folded); keywords are an input of ours and not of the baseline, so it is also
     reported for ours without keywords;
  2. category: the same for arXiv categories, where both papers have them (the corpus has none:
     reported as n/a there, measured on enriched archives);
  3. author: the share of the 5 with an author in common, a signal neither method reads;
  4. agreement: how many of ours' 5 the baseline's 5 also hold.
- Baseline: scikit-learn's TfidfVectorizer with its defaults on title + abstract, cosine.
- Tuning happens on kinds of input (weights of fields, the IDF form), judged on the whole
  sample's means, never on one paper's list.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import search_eval as ev

SEED, SIZE = 20261129, 48
OUT = Path(__file__).with_name("sample.yaml")


def main() -> None:
    papers = ev.load_corpus()
    population = sorted(p.id for p in papers if p.abstract and p.ai_keywords)
    drawn = sorted(random.Random(SEED).sample(population, SIZE))
    titles = {p.id: p.title for p in papers}
    header = f"# Drawn by draw.py (seed {SEED}) from {len(population)} papers; see its protocol.\n"
    body = yaml.safe_dump([{"id": i, "title": titles[i]} for i in drawn], allow_unicode=True)
    OUT.write_text(header + body, encoding="utf-8")
    print(f"{len(drawn)} papers -> {OUT}")


if __name__ == "__main__":
    main()
