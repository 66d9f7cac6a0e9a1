"""The one cache rule (generator/cache.py): a value comes back only under the key it was kept
under; anything else reads as nothing, and keeping never fails a run."""

from __future__ import annotations

import os
import pickle

import pytest

from generator import cache


def test_a_value_comes_back_under_its_key_only(tmp_path):
    path = tmp_path / "entry.pickle"
    cache.save(path, ("v1", "abc"), {"papers": [1, 2]})
    assert cache.load(path, ("v1", "abc")) == {"papers": [1, 2]}
    assert cache.load(path, ("v2", "abc")) is None  # other code, or other inputs
    assert cache.load(tmp_path / "missing.pickle", ("v1", "abc")) is None
    assert cache.load(None, "k") is None


@pytest.mark.parametrize(
    "damage", [b"", b"not a pickle", pickle.dumps("one thing"), pickle.dumps((1, 2, 3))]
)
def test_a_damaged_or_foreign_entry_reads_as_nothing(tmp_path, damage):
    path = tmp_path / "entry.pickle"
    path.write_bytes(damage)
    assert cache.load(path, 1) is None


def test_keeping_what_cannot_be_kept_is_not_an_error(tmp_path):
    path = tmp_path / "entry.pickle"
    cache.save(path, "k", lambda: None)  # pickle cannot keep a lambda
    assert not path.exists()
    cache.save(None, "k", 1)
    read_only = tmp_path / "ro"
    read_only.mkdir()
    os.chmod(read_only, 0o500)
    try:
        cache.save(read_only / "entry.pickle", "k", 1)  # root may still write: no error either way
    finally:
        os.chmod(read_only, 0o700)
