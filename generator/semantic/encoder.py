"""A BERT sentence encoder (all-MiniLM-L6-v2 and its kin) in NumPy: no torch, no ONNX.

The build embeds each paper once (the vectors are cached by a digest of the text and the model),
so a plain forward pass in float32 is all it needs: tokenizers' WordPiece, then the encoder's
layers as matrix products, then mean pooling over the real tokens and L2 normalisation, as
sentence-transformers' Transformer, Pooling and Normalize modules do.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# A paper's text is cut at 128 pieces (title and the abstract's first ~90 words): MiniLM was
# trained at 128, the dev set ranks the same as at 256 (benchmarks/semantic_eval.py), and it
# costs half as much.
MAX_TOKENS = 128


@dataclass(frozen=True)
class Encoder:
    """A loaded model: its tokenizer, its weights and a digest that names it in caches."""

    tokenizer: object
    weights: dict[str, np.ndarray]
    layers: int
    heads: int
    eps: float
    digest: str

    @property
    def dims(self) -> int:
        return self.weights["embeddings.word_embeddings.weight"].shape[1]

    def encode(self, texts: list[str], batch: int = 32) -> np.ndarray:
        """Unit vectors (len(texts) x dims, float32), in the order given. Texts are batched by
        length so that padding costs little."""
        encodings = self.tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for start in range(0, len(order), batch):
            rows = order[start : start + batch]
            out[rows] = self._forward([encodings[i].ids for i in rows])
        return out

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        width = max(len(i) for i in ids)
        tokens = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.float32)
        for row, seq in enumerate(ids):
            tokens[row, : len(seq)] = seq
            mask[row, : len(seq)] = 1.0
        hidden = self._embed(tokens)
        for layer in range(self.layers):
            hidden = self._layer(hidden, mask, f"encoder.layer.{layer}.")
        pooled = (hidden * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _embed(self, tokens: np.ndarray) -> np.ndarray:
        w = self.weights
        x = w["embeddings.word_embeddings.weight"][tokens]
        x = x + w["embeddings.position_embeddings.weight"][: tokens.shape[1]][None]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        return self._norm(x, "embeddings.LayerNorm.")

    def _layer(self, x: np.ndarray, mask: np.ndarray, p: str) -> np.ndarray:
        attended = self._attention(x, mask, p + "attention.self.")
        x = self._norm(
            x + self._dense(attended, p + "attention.output.dense."),
            p + "attention.output.LayerNorm.",
        )
        inner = _gelu(self._dense(x, p + "intermediate.dense."))
        return self._norm(x + self._dense(inner, p + "output.dense."), p + "output.LayerNorm.")

    def _attention(self, x: np.ndarray, mask: np.ndarray, p: str) -> np.ndarray:
        n, width, dims = x.shape
        size = dims // self.heads

        def split(name: str) -> np.ndarray:
            return (
                self._dense(x, p + name + ".")
                .reshape(n, width, self.heads, size)
                .transpose(0, 2, 1, 3)
            )

        q, k, v = split("query"), split("key"), split("value")
        scores = (q * np.float32(size**-0.5)) @ k.transpose(0, 1, 3, 2)
        scores += ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        # Softmax in place: the score tensor is the largest array of the pass.
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        return (scores @ v).transpose(0, 2, 1, 3).reshape(n, width, dims)

    def _dense(self, x: np.ndarray, p: str) -> np.ndarray:
        return x @ self.weights[p + "weight"].T + self.weights[p + "bias"]

    def _norm(self, x: np.ndarray, p: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.weights[p + "weight"] + self.weights[
            p + "bias"
        ]


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU by its tanh form, in place: erf costs 90 ns a value here, tanh a tenth of that, and
    the two differ by under 1e-3 (the vectors by a cosine over 0.9999)."""
    inner = x * x
    inner *= np.float32(0.044715)
    inner += 1.0
    inner *= x
    inner *= np.float32(np.sqrt(2.0 / np.pi))
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= x
    inner *= 0.5
    return inner


def load(folder: Path) -> Encoder:
    """A model folder as sentence-transformers saves it: config.json, tokenizer.json and
    model.safetensors (the digest is of those three files)."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    config = json.loads((folder / "config.json").read_text())
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.no_padding()
    weights = {k: v.astype(np.float32) for k, v in load_file(folder / "model.safetensors").items()}
    digest = hashlib.sha256()
    for name in ("config.json", "tokenizer.json", "model.safetensors"):
        digest.update((folder / name).read_bytes())
    return Encoder(
        tokenizer=tokenizer,
        weights=weights,
        layers=config["num_hidden_layers"],
        heads=config["num_attention_heads"],
        eps=config.get("layer_norm_eps", 1e-12),
        digest=digest.hexdigest()[:16],
    )
