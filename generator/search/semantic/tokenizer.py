"""BERT's uncased WordPiece tokenizer for queries, written out so that ``semantic.js`` can follow
it step for step (``tests/test_semantic.py`` holds both to the same ids on generated strings,
and this one to Hugging Face ``tokenizers`` on real titles).

The steps are BertNormalizer's and BertPreTokenizer's: control characters go, whitespace is a
space, CJK ideographs stand alone, the text is stripped of accents (NFD, then no combining
marks) and lower-cased; it splits at whitespace and around each punctuation character; each word
is cut greedily into the longest vocabulary pieces ("##" marks a continuation), and a word
that cannot be cut, or is over 100 characters, is one [UNK].
"""

from __future__ import annotations

import unicodedata

MAX_WORD = 100


def _is_control(ch: str) -> bool:
    return ch not in "\t\n\r" and unicodedata.category(ch).startswith("C")


def _is_space(ch: str) -> bool:
    return ch in " \t\n\r" or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _is_punct(ch: str) -> bool:
    cp = ord(ch)
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def normalize(text: str) -> str:
    out = []
    for ch in text:
        if ch == "\0" or ch == "\ufffd" or _is_control(ch):
            continue
        if _is_space(ch):
            out.append(" ")
        elif _is_cjk(ord(ch)):
            out.append(f" {ch} ")
        else:
            out.append(ch)
    folded = unicodedata.normalize("NFD", "".join(out))
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Mn").lower()


def words(text: str) -> list[str]:
    """The normalised text cut at spaces and around punctuation."""
    out: list[str] = []
    current: list[str] = []
    for ch in normalize(text):
        if ch == " " or _is_punct(ch):
            if current:
                out.append("".join(current))
                current = []
            if ch != " ":
                out.append(ch)
        else:
            current.append(ch)
    if current:
        out.append("".join(current))
    return out


def pieces(word: str, vocab: dict[str, int], unk: int) -> list[int]:
    """The greedy longest-match WordPiece ids of one word."""
    chars = list(word)  # code points, as JS's Array.from
    if len(chars) > MAX_WORD:
        return [unk]
    ids, start = [], 0
    while start < len(chars):
        end, found = len(chars), None
        while start < end:
            piece = ("##" if start else "") + "".join(chars[start:end])
            if piece in vocab:
                found = vocab[piece]
                break
            end -= 1
        if found is None:
            return [unk]
        ids.append(found)
        start = end
    return ids


def encode(text: str, vocab: dict[str, int], special: dict[str, int], limit: int) -> list[int]:
    """[CLS] pieces... [SEP], cut to ``limit`` ids in all."""
    ids = [i for w in words(text) for i in pieces(w, vocab, special["[UNK]"])]
    return [special["[CLS]"], *ids[: limit - 2], special["[SEP]"]]
