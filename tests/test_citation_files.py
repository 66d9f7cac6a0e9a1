"""Citations in bulk (a .bib and a .ris file per day, week, month and topic) and the OPML list of
every feed: keys unique and stable, hostile text escaped, every file read by a real parser."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import SeparateCoAuthors

from generator.ingest.importer import ImportOptions, import_paths
from generator.model import ArxivInfo, Author, Paper
from generator.render import citation
from generator.render.archive import Archive
from generator.render.pages import render
from generator.settings import load_settings
from generator.store import Store

from .conftest import API_DIR, make_project, render_fixture_archive

HOSTILE_TITLES = [
    "Braces {unbalanced and } closed} {{",
    "100% of $1 & #2 in C:\\path\\to_file ~ ^caret",
    "Line one\nline two\r\nand\ttab",
    r"\input{/etc/passwd} \def\x{y} \end{document}",
    "Maths stays: $\\mathcal{O}(n^2)$ and $\\alpha$-tuning",
    "@misc{evil, title={x}} } @comment{",
    "ER  - \nTY  - JOUR",
]


def paper(pid: str = "2501.00001", title: str = "Some Paper Title", **fields) -> Paper:
    fields.setdefault("authors", [Author(name="Ada Lovelace")])
    return Paper(id=pid, title=title, daily_date=fields.pop("day", date(2025, 1, 2)), **fields)


def parse_bib(text: str, middleware=()):
    library = bibtexparser.parse_string(text, append_middleware=list(middleware))
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return library


# -- keys ------------------------------------------------------------------------------------
def test_colliding_keys_get_the_later_papers_id():
    first = paper("2501.00002", "Scaling Laws", day=date(2025, 1, 2))
    later = paper("2501.00001", "Scaling Things", day=date(2025, 1, 3))
    same_day = paper("2501.00003", "Scaling Again", day=date(2025, 1, 2))
    keys = citation.cite_keys([later, same_day, first])
    assert keys == {
        "2501.00002": "lovelace2025scaling",
        "2501.00003": "lovelace2025scaling-2501.00003",
        "2501.00001": "lovelace2025scaling-2501.00001",
    }


def test_keys_do_not_depend_on_order_or_on_later_days():
    papers = [paper(f"2501.0000{i}", "Scaling Laws", day=date(2025, 1, i)) for i in range(1, 5)]
    keys = citation.cite_keys(papers)
    assert citation.cite_keys(reversed(papers)) == keys
    newer = paper("2502.00001", "Scaling Laws", day=date(2025, 2, 1))
    assert citation.cite_keys([*papers, newer]).items() >= keys.items()


def test_keys_are_unique_across_the_fixture_archive(archive_papers):
    keys = citation.cite_keys(archive_papers)
    assert len(set(keys.values())) == len(keys) == len(archive_papers)
    assert all(" " not in k and "," not in k and "{" not in k for k in keys.values())


# -- escaping --------------------------------------------------------------------------------
@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_parse_as_one_entry_with_every_field(title):
    hostile = paper(
        title=title,
        authors=[Author(name=title), Author(name="Tom and Jerry"), Author(name="Doe, Jr. John")],
        arxiv=ArxivInfo(primary_category="cs.{}%", doi="10.1/a b{c}\\"),
    )
    library = parse_bib(citation.bibtex(hostile, "key-1"), [SeparateCoAuthors()])
    (entry,) = library.entries
    assert entry.key == "key-1"
    assert set(entry.fields_dict) >= {"title", "author", "year", "eprint", "doi", "primaryClass"}
    assert "\n" not in entry["title"]
    # BibTeX splits authors on a bare "and" outside braces: three authors stay three.
    assert len(entry["author"]) == 3 and entry["author"][1] == "{Tom and Jerry}"
    assert entry["doi"] == "10.1/abc"


def test_latex_specials_are_literal_and_maths_stays_latex():
    title = "100% of $1 & #2 in C:\\path\\to_file ~ ^caret {x} and $\\mathcal{O}(n^2)$"
    entry = citation.bibtex(paper(title=title), "k")
    assert (
        r"100\% of \$1 \& \#2 in C:\textbackslash{}path\textbackslash{}to\_file \~{} \^{}caret "
        r"\textbraceleft{}x\textbraceright{} and $\mathcal{O}(n^2)$" in entry
    )


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_text_stays_in_its_ris_line(title):
    hostile = paper(title=title, authors=[Author(name=title)])
    text = citation.ris(hostile, "k").replace("\r\n", "\n")
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == "UNPB" and entry["id"] == "k"
    assert entry["title"] == " ".join(title.split())
    assert text.count("\nER  - ") == 1 and text.count("TY  - ") == 1


# -- files of the fixture archive ------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("cite") / "project"
    return render_fixture_archive(where, site_url="https://x.org/")


@pytest.fixture(scope="module")
def archive_papers(rendered) -> list[Paper]:
    return Store(load_settings(rendered.parent).path("data_dir")).load_all()


def test_every_bib_file_parses_and_covers_its_page(rendered, archive_papers):
    archive = Archive(archive_papers)
    keys = citation.cite_keys(archive_papers)
    expected = {f"date/{d.isoformat()}.bib": ps for d, ps in archive.days.items()}
    expected |= {f"{t.path}/papers.bib": t.papers for t in archive.organizations}
    found = {p.relative_to(rendered).as_posix() for p in rendered.rglob("*.bib")}
    assert found == set(expected)
    for rel, papers in expected.items():
        library = parse_bib((rendered / rel).read_text(encoding="utf-8"))
        assert [e.key for e in library.entries] == [keys[p.id] for p in papers], rel


def test_a_week_or_month_page_links_its_days_files_and_has_none_of_its_own(
    rendered, archive_papers
):
    archive = Archive(archive_papers)
    for kind, groups in (("week", archive.weeks), ("month", archive.months)):
        for key in groups:
            page = (rendered / f"{kind}/{key}.md").read_text(encoding="utf-8")
            for day in archive.days_of(key, kind):
                for suffix in ("bib", "ris"):
                    assert f'../date/{day.isoformat()}.{suffix}"' in page, (key, day)
                    assert (rendered / f"date/{day.isoformat()}.{suffix}").is_file()
    assert not list(rendered.glob("week/*.bib")) and not list(rendered.glob("month/*.ris"))


def test_every_ris_file_parses_like_its_bib(rendered):
    for path in rendered.rglob("*.ris"):
        data = path.read_bytes()
        assert b"\n" not in data.replace(b"\r\n", b"")  # CR LF lines only
        entries = rispy.loads(data.decode("utf-8"))
        bib = parse_bib(path.with_suffix(".bib").read_text(encoding="utf-8"))
        assert [e["id"] for e in entries] == [e.key for e in bib.entries], path


def test_the_paper_page_cites_by_the_archive_key(rendered, archive_papers):
    keys = citation.cite_keys(archive_papers)
    for paper_ in archive_papers:
        page = (rendered / f"papers/{paper_.id}.md").read_text(encoding="utf-8")
        assert f"@misc{{{keys[paper_.id]},\n" in page


def test_opml_lists_every_feed_and_each_exists(rendered):
    root = ElementTree.parse(rendered / "feeds/all.opml").getroot()
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Daily Papers: all feeds"
    feeds = [o for o in root.iter("outline") if o.get("xmlUrl")]
    assert all(o.get("type") == "rss" and o.get("text") and o.get("htmlUrl") for o in feeds)
    paths = [o.get("xmlUrl").removeprefix("https://x.org/") for o in feeds]
    on_disk = {p.relative_to(rendered).as_posix() for p in rendered.glob("feeds/**/atom.xml")}
    assert paths[0] == "feeds/latest/atom.xml" and set(paths) == on_disk
    for rel in paths:
        ElementTree.parse(rendered / rel)  # valid XML


def test_citation_files_can_be_turned_off(tmp_path):
    project = make_project(tmp_path / "project", citation_files="false")
    settings = load_settings(project)
    store = Store(settings.path("data_dir"))
    import_paths(store, [API_DIR], ImportOptions())
    render(settings, store.load_all())
    out = settings.generated_dir
    assert not list(out.rglob("*.bib")) and not list(out.rglob("*.ris"))
    assert "cite-links" not in (out / "date/2025-04-11.md").read_text(encoding="utf-8")
    assert (out / "feeds/all.opml").exists()


def test_a_new_colliding_paper_renders_only_what_cites_it(tmp_path):
    """The incremental render rewrites the files a changed key appears in, and no others: a
    backfilled paper that takes a key moves the other paper's page and files to the new key."""
    project = make_project(tmp_path / "project")
    settings = load_settings(project)
    store = Store(settings.path("data_dir"), cache=settings.cache_dir / "store")
    store.save(paper("2501.00002", "Scaling Laws", day=date(2025, 1, 6)))
    store.save(paper("2501.00009", "Other Things", day=date(2025, 1, 6)))

    def again():
        papers = store.load_all()
        return render(settings, papers, store.hashes, settings.cache_dir)

    again()
    page = settings.generated_dir / "papers/2501.00002.md"
    other = settings.generated_dir / "papers/2501.00009.md"
    before = other.stat().st_mtime_ns
    assert "@misc{lovelace2025scaling,\n" in page.read_text(encoding="utf-8")
    store.save(paper("2501.00001", "Scaling Up", day=date(2025, 1, 2)))  # an older day
    again()
    assert "@misc{lovelace2025scaling-2501.00002,\n" in page.read_text(encoding="utf-8")
    bib = (settings.generated_dir / "date/2025-01-06.bib").read_text(encoding="utf-8")
    assert "@misc{lovelace2025scaling-2501.00002," in bib
    assert "@misc{lovelace2025scaling," in (
        settings.generated_dir / "date/2025-01-02.bib"
    ).read_text(encoding="utf-8")
    # Untouched: the other paper of 2025-01-06, whose page names neither key.
    assert other.stat().st_mtime_ns == before
    assert again().written == 0
