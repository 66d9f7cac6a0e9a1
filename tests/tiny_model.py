"""A sentence model small enough to make in a test: BERT's layout (2 layers, 32 dimensions),
random weights and a WordPiece vocabulary of the bundled papers' commonest words. It covers
the code path (embedding, the query encoder file, ranking and fusion), not the quality: the
packaged MiniLM does that (benchmarks/semantic_eval.py)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

DIMS, LAYERS, HEADS, INNER, WORDS = 32, 2, 2, 64, 2000


def make(folder: Path, texts: list[str], seed: int = 0) -> Path:
    """Write config.json, tokenizer.json and model.safetensors of a tiny model to ``folder``."""
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    counts = Counter(w for t in texts for w in re.findall(r"[a-z]+", t.lower()))
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *letters, *(f"##{c}" for c in letters)]
    vocab += [chr(c) for c in range(33, 127) if not chr(c).isalnum()]
    vocab += [w for w, _ in counts.most_common(WORDS) if w not in vocab]
    ids = {t: i for i, t in enumerate(vocab)}
    tokenizer = Tokenizer(models.WordPiece(ids, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    from tokenizers.processors import TemplateProcessing

    tokenizer.post_processor = TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])]
    )
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {
        "hidden_size": DIMS,
        "num_hidden_layers": LAYERS,
        "num_attention_heads": HEADS,
        "intermediate_size": INNER,
        "layer_norm_eps": 1e-12,
        "vocab_size": len(vocab),
    }
    (folder / "config.json").write_text(json.dumps(config))
    save_file(_weights(len(vocab), np.random.default_rng(seed)), folder / "model.safetensors")
    return folder


def _weights(vocab: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    def normal(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    w = {
        "embeddings.word_embeddings.weight": normal(vocab, DIMS),
        "embeddings.position_embeddings.weight": normal(512, DIMS),
        "embeddings.token_type_embeddings.weight": normal(2, DIMS),
        "embeddings.LayerNorm.weight": np.ones(DIMS, np.float32),
        "embeddings.LayerNorm.bias": np.zeros(DIMS, np.float32),
    }
    shapes = {
        "attention.self.query": (DIMS, DIMS),
        "attention.self.key": (DIMS, DIMS),
        "attention.self.value": (DIMS, DIMS),
        "attention.output.dense": (DIMS, DIMS),
        "intermediate.dense": (INNER, DIMS),
        "output.dense": (DIMS, INNER),
    }
    for layer in range(LAYERS):
        p = f"encoder.layer.{layer}."
        for name, shape in shapes.items():
            w[p + name + ".weight"] = normal(*shape)
            w[p + name + ".bias"] = normal(shape[0])
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[p + norm + ".weight"] = 1 + normal(DIMS)
            w[p + norm + ".bias"] = normal(DIMS)
    return w
