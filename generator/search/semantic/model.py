"""The query encoder the browser and ``papers search`` share: the sentence model's weights in one
file (int8 matrices with a scale per output row, float32 for the rest), its vocabulary, and a
forward pass over them written for short texts.

The file is what ``semantic.js`` downloads once and caches; Python reads the same bytes, so
both encode a query with the same numbers. Its layout, little-endian: ``DPSM``, a uint32
header length, a JSON header (dims, layers, heads, eps, max_tokens, vocab, special ids and
each tensor's name, shape, dtype and offset), padding to 4 bytes, then the tensors.

The vocabulary keeps the ASCII word pieces and the special tokens (27.6k of MiniLM's 30.5k):
a word in another script becomes [UNK], as a word no piece covers already does. A query's
vector is rounded to integers (``QUERY_SCALE``), so that scoring against the integer paper
vectors is exact on both sides and the two rank alike.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass

import numpy as np

from . import tokenizer
from .encoder import Encoder

MAGIC = b"DPSM"
MAX_QUERY_TOKENS = 64  # a query longer than this is cut (positions past it are not shipped)
QUERY_SCALE = 1024  # a unit query vector's components, in integer steps of 1/1024
SPECIAL = ("[PAD]", "[UNK]", "[CLS]", "[SEP]")


def kept_vocab(encoder: Encoder) -> list[str]:
    """The word pieces shipped, in the model's id order."""
    vocab = encoder.tokenizer.get_vocab()
    ordered = sorted(vocab, key=vocab.__getitem__)
    return [t for t in ordered if t in SPECIAL or (t.isascii() and not t.startswith("[unused"))]


def export(encoder: Encoder) -> bytes:
    """The query encoder file of ``encoder``."""
    vocab = encoder.tokenizer.get_vocab()
    kept = kept_vocab(encoder)
    w = encoder.weights
    tensors: list[tuple[str, np.ndarray]] = []

    def int8(name: str, matrix: np.ndarray, levels: int = 127) -> None:
        scale = np.maximum(np.abs(matrix).max(axis=1), 1e-12) / levels
        tensors.append((name, np.round(matrix / scale[:, None]).astype(np.int8)))
        tensors.append((name + ".scale", scale.astype(np.float32)))

    # The word pieces at 4 bits (-7..7): half the file, and a query's vector moves by a
    # cosine of 0.995 (benchmarks/semantic_eval.py measures what that costs in ranking).
    int8("word", w["embeddings.word_embeddings.weight"][[vocab[t] for t in kept]], levels=7)
    tensors.append(("position", w["embeddings.position_embeddings.weight"][:MAX_QUERY_TOKENS]))
    tensors.append(("type", w["embeddings.token_type_embeddings.weight"][0]))
    tensors += [
        ("ln.weight", w["embeddings.LayerNorm.weight"]),
        ("ln.bias", w["embeddings.LayerNorm.bias"]),
    ]
    for layer in range(encoder.layers):
        p = f"encoder.layer.{layer}."
        for short, long in _PARTS.items():
            if short.startswith("ln"):
                tensors.append((f"{layer}.{short}.weight", w[p + long + ".weight"]))
            else:
                int8(f"{layer}.{short}", w[p + long + ".weight"])
            tensors.append((f"{layer}.{short}.bias", w[p + long + ".bias"]))
    return _pack(encoder, kept, tensors)


# A layer's tensors: short name in the file -> name in the checkpoint (BERT's).
_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "o": "attention.output.dense",
    "ln1": "attention.output.LayerNorm",
    "up": "intermediate.dense",
    "down": "output.dense",
    "ln2": "output.LayerNorm",
}


def _pack(encoder: Encoder, kept: list[str], tensors: list[tuple[str, np.ndarray]]) -> bytes:
    entries, blobs, offset = [], [], 0
    for name, array in tensors:
        array = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))
        dtype = "int4" if name == "word" else array.dtype.name
        entries.append({"name": name, "shape": list(array.shape), "dtype": dtype, "offset": offset})
        data = pack4(array) if dtype == "int4" else array.tobytes()
        data += b"\0" * (-len(data) % 4)
        blobs.append(data)
        offset += len(data)
    header = {
        "dims": encoder.dims,
        "layers": encoder.layers,
        "heads": encoder.heads,
        "eps": encoder.eps,
        "maxTokens": MAX_QUERY_TOKENS,
        "queryScale": QUERY_SCALE,
        "vocab": kept,
        "tensors": entries,
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(len(text) + 8) % 4)
    return MAGIC + struct.pack("<I", len(text)) + text + b"".join(blobs)


@dataclass(frozen=True)
class QueryModel:
    """The query encoder read back from its file (``read``)."""

    header: dict
    tensors: dict[str, np.ndarray]
    vocab: dict[str, int]

    def tokens(self, text: str) -> list[int]:
        special = {name: self.vocab[name] for name in ("[CLS]", "[SEP]", "[UNK]")}
        return tokenizer.encode(text, self.vocab, special, self.header["maxTokens"])

    def encode(self, text: str) -> np.ndarray:
        """The query's integer vector (int64), or all zeros for a text with no pieces."""
        ids = self.tokens(text)
        if len(ids) <= 2:
            return np.zeros(self.header["dims"], dtype=np.int64)
        x = self._embed(ids)
        for layer in range(self.header["layers"]):
            x = self._layer(x, str(layer))
        pooled = x.mean(axis=0)
        unit = pooled / max(float(np.sqrt(pooled @ pooled)), 1e-12)
        return np.floor(unit * self.header["queryScale"] + 0.5).astype(np.int64)  # as JS rounds

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        t = self.tensors
        return (x @ t[name].T) * t[name + ".scale"] + t[name + ".bias"]

    def _embed(self, ids: list[int]) -> np.ndarray:
        t = self.tensors
        rows = unpack4(t["word"][ids].tobytes(), len(ids) * self.header["dims"])
        x = rows.reshape(len(ids), -1).astype(np.float64) * t["word.scale"][ids][:, None]
        x = x + t["position"][: len(ids)] + t["type"]
        return self._norm(x, "ln")

    def _layer(self, x: np.ndarray, p: str) -> np.ndarray:
        n, dims = x.shape
        heads = self.header["heads"]
        size = dims // heads

        def split(name: str) -> np.ndarray:
            return self._dense(x, f"{p}.{name}").reshape(n, heads, size).transpose(1, 0, 2)

        q, k, v = split("q"), split("k"), split("v")
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        attended = (scores @ v).transpose(1, 0, 2).reshape(n, dims)
        x = self._norm(x + self._dense(attended, f"{p}.o"), f"{p}.ln1")
        up = self._dense(x, f"{p}.up")
        inner = 0.5 * up * (1 + np.tanh(np.sqrt(2 / np.pi) * (up + 0.044715 * (up * up * up))))
        return self._norm(x + self._dense(inner, f"{p}.down"), f"{p}.ln2")

    def _norm(self, x: np.ndarray, p: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        t = self.tensors
        return (x - mean) / np.sqrt(var + self.header["eps"]) * t[p + ".weight"] + t[p + ".bias"]


def read(data: bytes) -> QueryModel:
    """A query encoder file as ``QueryModel``; ValueError when it is not one."""
    if data[:4] != MAGIC:
        raise ValueError("not a query encoder file (no DPSM magic)")
    (size,) = struct.unpack("<I", data[4:8])
    header = json.loads(data[8 : 8 + size])
    start = 8 + size
    tensors = {}
    for e in header["tensors"]:
        count = int(np.prod(e["shape"])) if e["shape"] else 1
        at = start + e["offset"]
        if e["dtype"] == "int4":
            # Kept packed, a row of bytes per word piece: a query unpacks the few rows it
            # reads of the 27.6k (_embed), not the whole table.
            rows, cols = e["shape"]
            tensors[e["name"]] = np.frombuffer(data, np.uint8, count // 2, at).reshape(
                rows, cols // 2
            )
            continue
        array = np.frombuffer(data, np.dtype(e["dtype"]).newbyteorder("<"), count, at)
        tensors[e["name"]] = array.reshape(e["shape"]).astype(np.float64)
    return QueryModel(header, tensors, {t: i for i, t in enumerate(header["vocab"])})


def pack4(values: np.ndarray) -> bytes:
    """Integers in -8..7, two to a byte (the first in the low four bits), two's complement."""
    flat = values.astype(np.int8).ravel() & 0x0F
    if len(flat) % 2:
        flat = np.append(flat, 0)
    return (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8).tobytes()


def unpack4(data: bytes, count: int) -> np.ndarray:
    """``pack4``'s integers back, as int8: each half byte, sign-extended by (x ^ 8) - 8."""
    raw = np.frombuffer(data, dtype=np.uint8)
    out = np.empty(len(raw) * 2, dtype=np.int8)
    out[0::2] = (raw & 0x0F) ^ 8
    out[1::2] = (raw >> 4) ^ 8
    out -= 8
    return out[:count]
