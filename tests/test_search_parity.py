"""One specification, two implementations: generator/search/ and search-core.js (under Node)
must analyse every string alike and rank every query alike.

The index of the bundled data (data/) is built by ``generator.search`` into a tmp folder;
tests/search_parity.js loads search-core.js with lunr.js's stemmer and reads the same files
(as the browser does, through ``get(path)``), and both answer the same strings, over 10,000:

- random Unicode, seeded: letters of many scripts (with case, final sigma, ligatures,
  fullwidth and mathematical forms NFKC folds, letters beyond U+FFFF), digits of many kinds,
  punctuation, hyphens, dots, spaces Python and JavaScript disagree on (U+001C..U+001F, U+0085,
  U+FEFF), NBSP, combining marks, format characters, emoji; and any assigned code point.
  Characters Python 3.11's unicodedata (Unicode 14) has as unassigned (category Cn) are left
  out: Node's ICU knows a newer Unicode, whose new letters and case mappings Python's NFKC and
  str.lower() cannot follow. No surrogates (Python's strings could hold them, JSON and the
  browser's input cannot);
- real text from data/: titles, phrases of abstracts, authors, AI keywords, organisations;
- the 38 queries of tests/fixtures/search/queries.yaml and the 140 of the outsider set
  (benchmarks/relevance/queries.yaml);
- mutations of all these: typos, prefixes, case, trailing spaces, hyphens, arXiv id forms.

The analysis is compared alone first (chunks, terms, clean_query, parse_query: cheaper to
read when something differs), then every query's top 20, their scores, the number of results
and the terms matched; a tenth of the queries also with a sort or filters.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from generator import search
from generator.search.authors import author_key, author_shard, split_authors
from generator.store import Store

from .conftest import FIXTURES
from .site_tools import ROOT, require

SEED = 20260312
TOP = 20
SCRIPT = Path(__file__).parent / "search_parity.js"

POOLS = {
    "latin": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZaeiouyeeessll",
    "latin-ext": "àáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿßẞİıŁłŒœſǄǅǆǇǈǉĲĳŉǰ",
    "ligatures": "ﬁﬂﬀﬃﬄﬅﬆ",
    "greek": "αβγδεζηθικλμνξοπρσςτυφχψωΑΒΓΔΘΣΩάέήίΐΰϐϑϒϕϖϰϱϲᾼῼ",
    "cyrillic": "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЁЖЗӀ",
    "armenian": "աբգդեզէըթժՁՂՃՄﬓﬔև",
    "hebrew-arabic": "אבגדהוזחטיכלמנסעפצקרשתابتثجحخدذرزسشصﻻﷺ",
    "indic": "कखगघङचछजझञटठडढणतथदधनपकि की कु ाीुूृेैोौं्ँ",
    "thai": "กขคฆงจฉชซญฎดตถทธนบปผพฟภมยรลวศษสหอฮัิีึืุู่้",
    "cjk": "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年〇々",
    "kana-hangul": "あいうえおかきくけこアイウエオｱｲｳｶﾞﾟヴ가나다라마바사아자차카타파하ㄱㄴ",
    "fullwidth": "ＡＢＣａｂｃｘｙｚ０１２３４５－．＿",
    "digits": "0123456789",
    "other-digits": "٠١٢٣٤٥٦٧٨٩०१२३४५६७८९¹²³⁴½¼¾ⅠⅡⅢⅫⅰⅱ①②⑩⒈㉑",
    "punctuation": ".,;:!?'\"()[]{}/\\@#$%^&*+=<>|~`§¶•·«»‘’“”",
    "hyphens": "-‐‑‒–—―_﹣－⁃",
    "dots": ".․‥…．｡。·",
    "spaces": " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u200a\u2028\u2029"
    "\u202f\u205f\u3000\ufeff\u180e",
    "format": "\u200b\u200c\u200d\u2060\u00ad\u200e\u061c",
    "marks": "\u0300\u0301\u0302\u0303\u0308\u0327\u0331\u0345\u20dd\u302a\u0951\ufe0f",
    "emoji": "😀🎉👍🏽❤️🇫🇷👩‍💻🤖🧪🚀✨🔥",
    "astral-letters": "𝐀𝐁𝐚𝒜𝔄𝕬𝖆𝟏𝟐𐐀𐐨𐐁𐐩𞤀𞤢𐌰𐌱𠀀𠀁𑀅𖼀",
}
ARXIV_FORMS = (
    "{id}",
    "arXiv:{id}",
    "arxiv {id}v2",
    "https://arxiv.org/abs/{id}",
    "arxiv.org/pdf/{id}v1.pdf",
    "https://huggingface.co/papers/{id}",
    "hf.co/papers/{id}/",
    "ARXIV: {id}",
    "{id}v3",
    "see {id}.",
)


# Strings that once broke, or could: nothing to search, stop words, names of JavaScript's
# Object.prototype (a dictionary is a parsed JSON object), possessives, joins.
EDGES = [
    *("", " ", "\u00a0", "\x1f", "\ufeff", "the ", "of", "the", "of the ", "?!", "---", "..."),
    *("constructor", "constructor ", "constructors", "__proto__", "proto", "hasownproperty"),
    *("valueof ", "tostring", "prototype", "isprototypeof", "__definegetter__"),
    *("LLM's", "Noah’s Ark", "models' s", "llama 3", "llama 3.1 8b", "qwen2.5-vl", "gpt-4o"),
]


def _assigned(ch: str) -> bool:
    return unicodedata.category(ch) not in ("Cn", "Cs")


def _any_char(rng: random.Random) -> str:
    """Any assigned code point (as Python 3.11 knows them), mostly from the BMP."""
    while True:
        top = 0xFFFF if rng.random() < 0.8 else 0x10FFFF
        ch = chr(rng.randint(0x20, top))
        if _assigned(ch):
            return ch


def _random_string(rng: random.Random, words: list[str]) -> str:
    pools = list(POOLS.values())
    out = []
    for _ in range(rng.randint(1, 7)):
        kind = rng.random()
        if kind < 0.45:
            pool = rng.choice(pools)
            out.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 9))))
        elif kind < 0.65:
            out.append(rng.choice(words))
        elif kind < 0.8:
            out.append("".join(_any_char(rng) for _ in range(rng.randint(1, 6))))
        elif kind < 0.9:
            out.append(rng.choice(POOLS["digits"]) * rng.randint(1, 4) + rng.choice(".-v") + "1")
        else:
            out.append(rng.choice(words) + rng.choice(POOLS["hyphens"] + ".") + rng.choice(words))
        separators = [" ", " ", " ", "", rng.choice(POOLS["spaces"] + POOLS["punctuation"])]
        out.append(rng.choice(separators))
    text = "".join(out)
    if rng.random() < 0.5:
        text = text.rstrip()
    return text


def _mutate(rng: random.Random, text: str) -> str:
    """A typo, a prefix, a change of case or spacing, a hyphen or an arXiv form of ``text``."""
    kind = rng.randrange(9)
    chars = list(text)
    if not chars:
        return text
    i = rng.randrange(len(chars))
    if kind == 0:  # dropped letter
        del chars[i]
    elif kind == 1:  # doubled letter
        chars.insert(i, chars[i])
    elif kind == 2 and i + 1 < len(chars):  # swapped letters
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif kind == 3:  # wrong letter
        chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    elif kind == 4:  # half typed
        return text[: rng.randint(1, len(text))]
    elif kind == 5:
        return rng.choice([text.upper(), text.lower(), text.title(), text.swapcase()])
    elif kind == 6:
        return text + rng.choice([" ", "  ", "\u00a0", "\t", "\x1f", "\x85"])
    elif kind == 7:  # spaces become hyphens, or hyphens spaces
        return text.replace(" ", "-") if " " in text else text.replace("-", " ")
    else:
        return text.replace(" ", "", 1) if rng.random() < 0.5 else text.replace(" ", ".", 1)
    return "".join(chars)


def _strings(papers) -> tuple[list[str], list[str]]:
    """(queries, longer texts for the analysis alone)."""
    rng = random.Random(SEED)
    words = sorted({w for p in papers for w in p.title.split()})
    real = [p.title for p in papers]
    for p in papers:
        abstract = p.abstract.split()
        for _ in range(4):
            start = rng.randrange(max(1, len(abstract)))
            real.append(" ".join(abstract[start : start + rng.randint(1, 6)]))
        real += [a.name for a in p.authors[:2]] + p.ai_keywords[:2]
        if p.organization:
            real.append(p.organization.fullname or p.organization.name)
        real.append(rng.choice(ARXIV_FORMS).format(id=p.id))
    cases = yaml.safe_load((FIXTURES / "search" / "queries.yaml").read_text())
    outsider = yaml.safe_load((ROOT / "benchmarks" / "relevance" / "queries.yaml").read_text())
    real += [c["query"] for c in cases] + [c["query"] for c in outsider]
    random_ = [_random_string(rng, words) for _ in range(4000)]
    random_ += ["".join(_any_char(rng) for _ in range(rng.randint(1, 12))) for _ in range(800)]
    mutated = [_mutate(rng, rng.choice(real)) for _ in range(3500)]
    queries = list(dict.fromkeys(real + random_ + mutated + EDGES))
    texts = [p.abstract for p in papers] + [search.field_texts(p)[3] for p in papers]
    return queries, texts


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    papers = Store(ROOT / "data").load_all()
    folder = tmp_path_factory.mktemp("search-index")
    for rel, data in search.index_files(search.build_files(papers)).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return papers, folder


def _filters_for(rng: random.Random, facets: dict) -> tuple[search.Filters, dict]:
    """Random filters, as Python's Filters and as search-core.js's."""
    start = search.EPOCH + timedelta(days=facets["days"][-1])
    end = search.EPOCH + timedelta(days=facets["days"][0])
    since = start + timedelta(rng.randint(0, (end - start).days)) if rng.random() < 0.5 else None
    until = since + timedelta(rng.randint(0, 10)) if since and rng.random() < 0.7 else None
    category = rng.choice([*facets["categories"], "no.such"]) if rng.random() < 0.3 else None
    orgs = [name for name, _ in facets["orgs"]]
    org = rng.choice([*orgs, "no-such-org"]) if rng.random() < 0.3 else None
    has_code = rng.random() < 0.3
    py = search.Filters(since=since, until=until, category=category, org=org, has_code=has_code)
    js = {
        "since": since and since.isoformat(),
        "until": until and until.isoformat(),
        "category": category,
        "org": org,
        "hasCode": has_code,
    }
    return py, js


def _node_run(folder: Path, jobs: dict, tmp_path: Path) -> subprocess.Popen:
    node = shutil.which("node")
    require(node is not None, "node")
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(jobs, ensure_ascii=False), encoding="utf-8")
    return subprocess.Popen(
        [node, str(SCRIPT), str(folder), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _node_result(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


def _differences(strings, python, javascript, limit=12) -> list[str]:
    out = []
    for text, p, j in zip(strings, python, javascript, strict=True):
        if p != j:
            part = next(n for n, (a, b) in enumerate(zip(p, j, strict=True)) if a != b)
            out.append(f"{text!r} (part {part}):\n  python {p[part]!r}\n  js     {j[part]!r}")
            if len(out) == limit:
                break
    return out


def _chunk(raw_chunk) -> list:
    raw, c = raw_chunk
    return [raw, c.main, list(c.parts), c.last]


def _clause(c) -> list:
    return [[list(t) for t in c.terms], c.prefix]


def test_analysis_and_queries_agree_with_python(bundled, tmp_path):
    started = time.monotonic()
    papers, folder = bundled
    queries, texts = _strings(papers)
    assert len(queries) >= 10_000
    index = search.Index.from_folder(folder)
    facets = search.facets_of(index)
    rng = random.Random(SEED + 1)
    runs: list[tuple[str, str, search.Filters, dict | None]] = []
    for n, text in enumerate(queries):
        if n % 10 == 5:
            py, js = _filters_for(rng, facets)
            runs.append((text, rng.choice(search.SORTS), py, js))
        runs.append((text, "relevance", search.Filters(), None))
    analysed = queries + texts
    node = _node_run(
        folder,
        {"analysis": analysed, "queries": [[t, s, js] for t, s, _, js in runs], "top": TOP},
        tmp_path,
    )

    python_analysis = []
    for text in analysed:
        chunks = search.chunks(text)
        python_analysis.append(
            [
                search.clean(text),
                [_chunk(c) for c in chunks],
                [list(search.chunk_terms(raw)) for raw, _ in chunks],
                search.clean_query(text),
                [_clause(c) for c in search.parse_query(text)],
            ]
        )
    python_queries = []
    for text, sort, filters, _ in runs:
        result = search.run(index, text, filters, sort)
        python_queries.append(_shape(result, result.docs[:TOP]))
    js = _node_result(node)

    assert _differences(analysed, python_analysis, js["analysis"]) == []
    labels = [f"{t} [{s}{', filtered' if f else ''}]" for t, s, f, _ in runs]
    assert _differences(labels, python_queries, js["queries"]) == []
    found = sum(1 for q in python_queries if q[2])
    assert found > len(runs) / 3  # most strings find something: the rankings were compared
    elapsed = time.monotonic() - started
    print(
        f"\n{len(analysed)} strings analysed, {len(runs)} queries ({found} with results) alike "
        f"in Python and search-core.js; {elapsed:.1f} s (node {js['ms'] / 1000:.1f} s)",
        file=sys.stderr,
    )


def test_edit_distance_order_and_shard_keys_agree(bundled, tmp_path):
    _, folder = bundled
    rng = random.Random(SEED + 2)
    alphabet = "abcdeé𐐨ß"
    pairs = []
    for _ in range(5000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        b = list(a)
        for _ in range(rng.randint(0, 3)):
            op = rng.randrange(4)
            i = rng.randrange(len(b) + 1)
            if op == 0:
                b.insert(i, rng.choice(alphabet))
            elif b and i < len(b):
                if op == 1:
                    del b[i]
                elif op == 2:
                    b[i] = rng.choice(alphabet)
                elif i + 1 < len(b):
                    b[i], b[i + 1] = b[i + 1], b[i]
        pairs.append([a, "".join(b), rng.choice([1, 2])])
    order = ["".join(_any_char(rng) for _ in range(rng.randint(0, 4))) for _ in range(3000)]
    order += ["\ue000", "\U00010000", "\uffff", "a", "ab", "", "\U0001f600", "\uff21"]
    order += ["2401.01234", "24", "2", "2a", "12ab", "1.5", "٢٣٤٥", "２３４５", "llama3"]
    node = _node_run(folder, {"distances": pairs, "order": order, "keys": order}, tmp_path)
    js = _node_result(node)
    assert js["distances"] == [search.edit_distance(a, b, limit) for a, b, limit in pairs]
    assert js["order"] == sorted(order)
    keys = [[search.prefix_key(t), search.suffix_key(t), len(t)] for t in order]
    assert js["keys"] == keys
    assert (js["format"], js["sorts"]) == (search.FORMAT, list(search.SORTS))


def _random_words(rng: random.Random, n: int) -> list[str]:
    letters = "aeiouybcdfghjklmnprstvwxzqaeiouyssllleeddnngg"
    endings = ["ational", "ization", "fulness", "iveness", "biliti", "ing", "ed", "eed", "ies"]
    endings += ["sses", "s", "y", "ly", "ment", "ence", "ance", "able", "ate", "ion", "ous", "e"]
    words = set()
    for _ in range(n):
        stem = "".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
        words.add(stem + (rng.choice(endings) if rng.random() < 0.6 else ""))
    return sorted(words)


def test_stems_agree_on_corpus_and_random_words(bundled, tmp_path):
    """lunr.js's stemmer (with letters beyond U+FFFF counted as one, search-core.js) and
    generator/search/'s: the bundled data's words, random letter strings and suffixes,
    non-ASCII and astral letters."""
    papers, folder = bundled
    rng = random.Random(SEED + 3)
    texts = [t for p in papers for t in search.field_texts(p)]
    corpus = sorted({c.last for t in texts for _, c in search.chunks(t) if c.last.isalpha()})
    words = corpus + _random_words(rng, 20_000)
    words += [w.replace("a", "𐐨").replace("t", "𝐭") for w in words[::50]]
    words += ["𐐨𐐨ed", "𐐨𐐨", "ba𐐨ed", "yies", "ys"]
    words += [*ODD_WORDS, "glyyed", "kyying", "buyyed"]
    words = list(dict.fromkeys(words))
    node = _node_run(folder, {"stems": words}, tmp_path)
    js = _node_result(node)["stems"]
    assert len(words) > 15_000
    python = [search.stem(w) for w in words]
    assert [(w, p, j) for w, p, j in zip(words, python, js, strict=True) if p != j] == []


# Words on which lunr.py's Porter stemmer and lunr.js's used to differ (the _Stemmer of
# generator/search/analysis.py now follows lunr.js): lunr.js's step 1 patterns want a letter
# before "sses", "ies" and "eed" (^(.+?)(ss|i)es$, ^(.+?)eed$), and lunr.js never undoubles "yy".
ODD_WORDS = {
    "sses": "sse",
    "ies": "ie",
    "eed": "e",
    "eeds": "e",
    "glyyed": "glyi",
    "kyying": "kyi",
}


def test_stems_of_whole_suffixes_and_double_y_agree(bundled, tmp_path):
    _, folder = bundled
    node = _node_run(folder, {"stems": list(ODD_WORDS)}, tmp_path)
    js = _node_result(node)["stems"]
    assert js == list(ODD_WORDS.values())
    assert [search.stem(w) for w in ODD_WORDS] == js


def _author_queries(rng: random.Random, papers) -> list[str]:
    """author: queries as people write them: real names, in other case, without accents, with
    initials, curly or no quotes, half typed, with words, two coauthors."""
    sample = rng.sample(papers, min(300, len(papers)))
    out = []
    for p in sample:
        names = [a.name for a in p.authors if not a.hidden]
        if not names:
            continue
        name = rng.choice(names)
        plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not _mark(c))
        first, *rest = name.split() or [""]
        forms = [
            f'author:"{name}"',
            f'Author:"{rng.choice([name.upper(), name.lower(), plain])}"',
            f"author:\u201c{name}\u201d",
            f"author:{first}",
            f'author:"{first[:1]}. {" ".join(rest)}"',
            f'author:"{name[: rng.randint(1, len(name))]}',
            f'{rng.choice(p.title.split())} author:"{name}" ',
            f'author:"{name}" author:"{rng.choice(names)}"',
            f'author:"{name}" {_mutate(rng, p.title)}',
        ]
        out += rng.sample(forms, 4)
    return [*out, 'author:""', "author:", "coauthor:x", 'author:"\u0301"', "AUTHOR:x y"]


def _mark(ch: str) -> bool:
    return unicodedata.combining(ch) > 0


def _shape(result: search.Result, docs: list[int]) -> list:
    """A result as both sides print it: documents, their scores, how many, the terms matched."""
    scores = [[s.score, s.matched, s.exact] if s else None for s in map(result.scores.get, docs)]
    return [docs, scores, len(result.docs), sorted(result.matched)]


def test_author_queries_and_keys_agree_with_python(bundled, tmp_path):
    """The author: clauses: the name keys and shards of real and random strings, and every
    result (not the top 20 alone) of author queries, with sorts and filters."""
    papers, folder = bundled
    rng = random.Random(SEED + 4)
    queries = _author_queries(rng, papers)
    index = search.Index.from_folder(folder)
    facets = search.facets_of(index)
    runs = []
    for text in queries:
        py, js = _filters_for(rng, facets) if rng.random() < 0.2 else (search.Filters(), None)
        runs.append((text, rng.choice(search.SORTS), py, js))
    words = sorted({w for p in papers for w in p.title.split()})
    strings = queries + [a.name for p in papers for a in p.authors]
    strings += [_random_string(rng, words) for _ in range(1500)]
    strings += [f"author:{_random_string(rng, words)}" for _ in range(500)]
    strings += [f'x author:"{_random_string(rng, words)}" y' for _ in range(500)]
    jobs = {"queries": [[t, s, js] for t, s, _, js in runs], "top": 10**6, "authors": strings}
    js = _node_result(_node_run(folder, jobs, tmp_path))

    keys = [[key, author_shard(key, 4096)] for key in map(author_key, strings)]
    keys = [[*k, list(split_authors(t))] for k, t in zip(keys, strings, strict=True)]
    assert _differences(strings, keys, js["authors"]) == []
    python = []
    for text, sort, filters, _ in runs:
        result = search.run(index, text, filters, sort)
        python.append(_shape(result, result.docs))
    labels = [f"{t} [{s}{', filtered' if f else ''}]" for t, s, f, _ in runs]
    assert _differences(labels, python, js["queries"]) == []
    found = sum(1 for q in python if q[2])
    assert found > len(runs) / 3, found  # the author queries find papers: lists were compared
