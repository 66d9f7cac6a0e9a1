"""A BERT sentence encoder (all-MiniLM-L6-v2 and its kin) for the papers: tokenizers' WordPiece,
the encoder run by ONNX Runtime in int8 (``runtime``: the graph is written from the checkpoint,
no torch), then mean pooling over the real pieces and L2 normalisation, as
sentence-transformers' Transformer, Pooling and Normalize modules do.

The build embeds each paper once (vectors are kept by a digest of the text and ``digest``,
which names the model and this way of running it).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import runtime

# A paper's text is cut at 128 pieces (title and the abstract's first ~90 words): MiniLM was
# trained at 128, the dev set ranks the same as at 256 (benchmarks/hybrid_eval.py), and it
# costs half as much.
MAX_TOKENS = 128


@dataclass
class Encoder:
    """A loaded model: its tokenizer, its weights and a digest that names it in caches."""

    tokenizer: object
    weights: dict[str, np.ndarray]
    layers: int
    heads: int
    eps: float
    digest: str
    cache: Path
    _session: object = field(default=None, repr=False)

    @property
    def dims(self) -> int:
        return self.weights["embeddings.word_embeddings.weight"].shape[1]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit vectors (len(texts) x dims, float32), in the order given."""
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(texts)):
            out[row] = self._forward(encoding.ids)
        return out

    def _forward(self, ids: list[int]) -> np.ndarray:
        """One text at a time: int8 quantizes activations by each input's range, so a text
        batched with others would get other numbers (and no padding is ever needed). It is as
        fast as batches of 32 here (57 papers a second)."""
        feed = {
            "ids": np.array([ids], dtype=np.int64),
            "positions": np.arange(len(ids), dtype=np.int64),
        }
        pooled = self.session().run(None, feed)[0][0].mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def session(self):
        if self._session is None:
            args = (self.weights, self.layers, self.heads, self.eps)
            self._session = runtime.session(runtime.quantized(*args, self.digest, self.cache))
        return self._session


def load(folder: Path, cache: Path | None = None) -> Encoder:
    """A model folder as sentence-transformers saves it: config.json, tokenizer.json and
    model.safetensors (the digest is of those three files and of ``runtime.VERSION``); the
    int8 model is kept in ``cache`` (default: the system's temporary folder)."""
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
    digest.update(f"onnxruntime-int8-v{runtime.VERSION}".encode())
    return Encoder(
        tokenizer=tokenizer,
        weights=weights,
        layers=config["num_hidden_layers"],
        heads=config["num_attention_heads"],
        eps=config.get("layer_norm_eps", 1e-12),
        digest=digest.hexdigest()[:16],
        cache=cache or Path(tempfile.gettempdir()) / "daily-papers-models",
    )
