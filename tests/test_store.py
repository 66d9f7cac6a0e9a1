"""The YAML store: round trips, merging captures, never losing data, clear errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import InputError, PapersError
from generator.merge import merge
from generator.model import ArxivInfo, Author, Paper, Source, title_id
from generator.store import Store, dump_yaml

T0 = datetime(2025, 10, 15, 8, tzinfo=UTC)
T1 = datetime(2025, 10, 16, 8, tzinfo=UTC)


def paper(**fields) -> Paper:
    base = dict(
        id="2510.12586",
        title="A Title",
        daily_date=date(2025, 10, 15),
        abstract="An abstract.",
        sources=[Source(kind="hf-api", ref="file:2025-10-15.json", fetched_at=T0)],
    )
    return Paper(**(base | fields))


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "data")


def test_round_trip_keeps_every_field(store):
    p = paper(
        title="Let's <think> about $\\nabla^2$ | {x} *y* _z_ # é 🙂",
        authors=[
            Author(name="Ann"),
            Author(name="Bo", hf_user="bo"),
            Author(name="Cy", hidden=True),
        ],
        ai_keywords=["a: b", "- c", "yes", "null"],
        upvotes=3,
        github_stars=0,
        published_at=T0,
    )
    store.save(p)
    path = store.path_for(p.id)
    assert path == store.root / "papers" / "2510" / "2510.12586.yaml"
    assert store.load(path) == p


def test_records_are_compact_and_keys_in_declared_order(store):
    store.save(paper(authors=[Author(name="Ann")], upvotes=5))
    text = store.path_for("2510.12586").read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0] not in " -"]
    assert keys == ["id", "title", "authors", "abstract", "daily_date", "upvotes", "sources"]
    assert "- Ann\n" in text  # a plain author is a bare name


def test_save_writes_only_on_change(store):
    assert store.save(paper()) is True
    path = store.path_for("2510.12586")
    before = path.stat().st_mtime_ns
    assert store.save(paper()) is False
    assert path.stat().st_mtime_ns == before


def test_newer_counts_win_and_older_snapshots_never_roll_them_back():
    old = paper(upvotes=10, num_comments=2, github_stars=5)
    newer = paper(upvotes=30, num_comments=1, github_stars=None)
    merged = merge(old, newer)
    assert (merged.upvotes, merged.num_comments, merged.github_stars) == (30, 2, 5)
    assert merge(merged, old).upvotes == 30


def test_an_emptier_capture_never_erases():
    rich = paper(
        ai_summary="Summary.",
        ai_keywords=["k"],
        github_repo="https://github.com/a/b",
        authors=[Author(name="Ann")],
    )
    empty = paper(
        abstract="", authors=[], sources=[Source(kind="hf-api", ref="other", fetched_at=T1)]
    )
    merged = merge(rich, empty)
    assert merged.ai_summary == "Summary." and merged.ai_keywords == ["k"]
    assert merged.abstract == "An abstract." and merged.authors == [Author(name="Ann")]
    assert merged.github_repo == "https://github.com/a/b"


def test_richer_fields_fill_gaps_and_provenance_records_the_capture():
    later = paper(
        github_repo="https://github.com/a/b",
        sources=[Source(kind="hf-api", ref="https://hf/api?date=x", fetched_at=T1)],
    )
    merged = merge(paper(), later)
    assert merged.github_repo == "https://github.com/a/b"
    assert [s.ref for s in merged.sources] == ["file:2025-10-15.json", "https://hf/api?date=x"]


def test_merging_the_same_capture_again_changes_nothing():
    p = paper(upvotes=4)
    again = paper(
        upvotes=4, sources=[Source(kind="hf-api", ref="file:2025-10-15.json", fetched_at=T1)]
    )
    assert merge(p, again) is p


def test_a_text_scrape_only_fills_gaps():
    api = paper(abstract="The real abstract.")
    scrape = paper(
        abstract="A mangled abstract.",
        daily_date=date(2020, 1, 1),
        ai_summary="x",
        sources=[Source(kind="text-scrape", ref="file:s.txt", fetched_at=T1)],
    )
    merged = merge(api, scrape)
    assert merged.abstract == "The real abstract." and merged.daily_date == date(2025, 10, 15)
    assert merged.ai_summary == "x"


def test_title_only_record_joins_its_arxiv_id(store):
    scraped = paper(
        id=title_id("A  title"),
        title="A title",
        abstract="From the scrape.",
        sources=[Source(kind="text-scrape", ref="file:s.txt", fetched_at=T0)],
    )
    store.add([scraped])
    tally = store.add([paper(title="A Title", abstract="")])
    assert tally.resolved == 1
    assert [p.id for p in store.load_all()] == ["2510.12586"]
    joined = store.get("2510.12586")
    assert joined.abstract == "From the scrape." and len(joined.sources) == 2


def test_a_scrape_of_a_known_paper_merges_instead_of_duplicating(store):
    store.add([paper()])
    scraped = paper(
        id=title_id("A title"),
        title="a TITLE",
        sources=[Source(kind="text-scrape", ref="file:s.txt", fetched_at=T1)],
    )
    tally = store.add([scraped])
    assert (tally.new, tally.updated) == (0, 1)
    assert [p.id for p in store.load_all()] == ["2510.12586"]


def test_tally_counts_new_updated_unchanged(store):
    assert store.add([paper()]).new == 1
    assert store.add([paper()]).unchanged == 1
    assert store.add([paper(upvotes=9)]).updated == 1


def test_bad_yaml_names_file_and_line(store):
    path = store.path_for("2510.12586")
    path.parent.mkdir(parents=True)
    path.write_text("id: '2510.12586'\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"2510\.12586\.yaml:\d+: invalid YAML"):
        store.load(path)


def test_wrong_type_names_file_line_and_field(store):
    path = store.path_for("2510.12586")
    path.parent.mkdir(parents=True)
    text = (
        dump_yaml(paper().to_record())
        .decode()
        .replace("daily_date: '2025-10-15'", "daily_date: soon")
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("daily_date: soon") + 1
    with pytest.raises(InputError, match=rf"2510\.12586\.yaml:{line}: field daily_date: "):
        store.load(path)


def test_unknown_field_and_wrong_file_name_are_errors(store):
    path = store.path_for("2510.12586")
    path.parent.mkdir(parents=True)
    path.write_text(dump_yaml(paper().to_record() | {"upvote": 3}).decode(), encoding="utf-8")
    with pytest.raises(InputError, match="field upvote: Extra inputs"):
        store.load(path)
    path.write_text(dump_yaml(paper(id="2510.00001").to_record()).decode(), encoding="utf-8")
    with pytest.raises(InputError, match=r"holds paper 2510\.00001"):
        store.load(path)


def test_load_all_reports_every_bad_file(store):
    store.save(paper())
    for name in ("2501.00001", "2501.00002"):
        bad = store.path_for(name)
        bad.parent.mkdir(parents=True, exist_ok=True)
        bad.write_text("- not a mapping\n", encoding="utf-8")
    with pytest.raises(PapersError, match=r"2 bad file\(s\)(.|\n)*2501\.00001(.|\n)*2501\.00002"):
        store.load_all()


def test_lock_keeps_a_second_run_out(store):
    with store.lock(), pytest.raises(PapersError, match="in use by another papers run"):  # noqa: SIM117
        with Store(store.root).lock():
            pass
    with store.lock():  # released
        pass


# -- order independence: the newest capture wins text fields, whatever the order ---------------
def capture(at: datetime, kind: str = "hf-api", ref: str | None = None, **fields) -> Paper:
    source = Source(kind=kind, ref=ref or f"file:{at:%Y-%m-%dT%H-%M-%SZ}.json", fetched_at=at)
    return paper(sources=[source], **fields)


def fields_of(p: Paper) -> dict:
    return p.model_dump(exclude={"sources"})


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [
        ("title", "An Old Title", "A New Title"),
        ("abstract", "The old abstract, and longer.", "The new abstract."),
        ("ai_summary", "Old summary.", "New summary."),
        ("github_repo", "https://github.com/old/repo", "https://github.com/new/repo"),
        ("project_page", "https://old.example/", "https://new.example/"),
        ("daily_date", date(2025, 10, 15), date(2025, 10, 16)),
    ],
)
def test_the_newer_capture_wins_whatever_the_order(store, field, old, new):
    older, newer = capture(T0, **{field: old}), capture(T1, **{field: new})
    assert getattr(merge(older, newer), field) == new
    assert getattr(merge(newer, older), field) == new
    store.add([newer])
    store.add([older])  # an old snapshot imported last
    assert getattr(store.get(newer.id), field) == new


def test_a_newer_record_still_takes_gaps_from_an_older_capture():
    newer = capture(T1, abstract="", upvotes=5)
    older = capture(T0, abstract="Only the old one has it.", ai_summary="Old.", upvotes=9)
    for merged in (merge(newer, older), merge(older, newer)):
        assert (merged.abstract, merged.ai_summary, merged.upvotes) == (
            "Only the old one has it.",
            "Old.",
            9,
        )


def test_a_tie_is_broken_by_the_values_not_the_order():
    a, b = (
        capture(T0, ref="file:a.json", title="Short"),
        capture(T0, ref="file:b.json", title="Longer"),
    )
    assert merge(a, b).title == merge(b, a).title == "Longer"
    c = capture(T0, ref="file:c.json", title="Bbbbbb")
    assert merge(b, c).title == merge(c, b).title == "Longer"  # same length: the larger


def test_a_record_never_moves_back_in_time_when_a_ref_repeats():
    newer = capture(T1, ref="file:2025-10-15.json", abstract="New.")
    older = capture(T0, ref="file:2025-10-15.json", abstract="Old.", ai_summary="Only here.")
    merged = merge(newer, older)  # the same file name from another folder, captured earlier
    assert merged.abstract == "New." and merged.ai_summary == "Only here."
    assert [s.fetched_at for s in merged.sources] == [T1]
    assert merge(merged, capture(T0 + (T1 - T0) / 2, abstract="Between.")).abstract == "New."


def test_arxiv_metadata_comes_from_the_latest_arxiv_answer():
    old = capture(T0, kind="arxiv", ref="arxiv?1", arxiv=ArxivInfo(version=1))
    new = capture(T1, kind="arxiv", ref="arxiv?2", arxiv=ArxivInfo(version=2))
    stored = capture(T1 + (T1 - T0), arxiv=None)  # a later Hugging Face capture
    assert merge(merge(stored, old), new).arxiv.version == 2
    assert merge(merge(stored, new), old).arxiv.version == 2


TIMES = st.sampled_from([T0, T1, datetime(2025, 10, 17, tzinfo=UTC)])
MAYBE_TEXT = st.sampled_from(["", "a", "b", "ab", "A longer text."])


@st.composite
def captures(draw, ref: str) -> Paper:
    optional = st.none() | MAYBE_TEXT.filter(bool)
    return capture(
        draw(TIMES),
        kind=draw(st.sampled_from(["hf-api", "hf-html", "text-scrape", "arxiv"])),
        ref=ref,
        title=draw(MAYBE_TEXT.filter(bool)),
        abstract=draw(MAYBE_TEXT),
        ai_summary=draw(optional),
        github_repo=draw(optional),
        project_page=draw(optional),
        ai_keywords=draw(st.lists(MAYBE_TEXT.filter(bool), max_size=2)),
        authors=[Author(name=n) for n in draw(st.lists(MAYBE_TEXT.filter(bool), max_size=2))],
        daily_date=draw(st.sampled_from([date(2025, 10, 15), date(2025, 10, 16)])),
        upvotes=draw(st.integers(0, 3)),
        github_stars=draw(st.none() | st.integers(0, 3)),
    )


@settings(max_examples=300, deadline=None)
@given(a=captures("file:a.json"), b=captures("file:b.json"))
def test_merging_two_captures_in_either_order_gives_the_same_record(a, b):
    assert fields_of(merge(a, b)) == fields_of(merge(b, a))
