"""Text <-> tensor plumbing of the learned attribution tagger, shared by training and inference.

The model reads a document in windows of word pieces and tags, per word:
- cues, with O / B / I tags (one flat layer: cues do not overlap);
- for each cue, the source and content of *that* cue (O / B-SRC / I-SRC / B-CON / I-CON),
  so nested attributions ("X said that Y claimed Z") and the cue -> source/content
  grouping come out of the model rather than from proximity heuristics.

Training (training/train_attribution.py) and inference (learned.py) both build their
inputs here, so the two cannot drift. Only numpy and `tokenizers` are imported: the
training venv and the Lambda artifact both have them, and neither needs the other's stack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer

CUE_TAGS: tuple[str, ...] = ("O", "B-CUE", "I-CUE")
ROLE_TAGS: tuple[str, ...] = ("O", "B-SRC", "I-SRC", "B-CON", "I-CON")
CUE_SPANS = ((1, 2),)  # (B, I) tag ids
ROLE_SPANS = ((1, 2), (3, 4))  # source, content

MAX_PIECES = 510  # + [CLS] and [SEP] = 512, the sequence length the model was trained at
MIN_WINDOW = 32  # never cut a window shorter than this just to end it on a paragraph break
DISTANCE_LIMITS = np.array([1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 24, 32, 48, 64, 96, 128])
DISTANCE_BUCKETS = 2 * (len(DISTANCE_LIMITS) + 1) + 1  # signed buckets, 0 distance in the middle
PARAGRAPH_RELATIONS = 3  # before / same / after the cue's paragraph

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class DocumentEncoding:
    """Word pieces of a whole document, with the offsets needed to map tags back to text."""

    ids: IntArray  # (P,) piece ids, no special tokens
    word: IntArray  # (P,) document word index of each piece
    paragraph: IntArray  # (P,) paragraph index (line breaks separate paragraphs)
    word_start: IntArray  # (W,) first character of each word
    word_end: IntArray  # (W,) end (exclusive) of each word
    sentence_end: NDArray[np.bool_]  # (P,) the piece ends with . ! ? (a safe place to cut)


@dataclass(frozen=True)
class Window:
    """One model input: pieces [start, end) of the document between [CLS] and [SEP]."""

    start: int
    end: int
    input_ids: IntArray  # (T,) with T = end - start + 2
    word: IntArray  # (T,) document word index; specials take their neighbour's
    paragraph: IntArray  # (T,)
    first: IntArray  # positions (into T) of the first piece of each word, in order
    words: IntArray  # (len(first),) document word index at those positions


def load_tokenizer(path: str) -> Tokenizer:
    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def encode_document(tokenizer: Tokenizer, text: str) -> DocumentEncoding:
    encoding = tokenizer.encode(text, add_special_tokens=False)
    ids = np.asarray(encoding.ids, dtype=np.int64)
    offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    word_ids = encoding.word_ids
    # Renumber words densely: the pre-tokenizer's word ids are per-sequence and gap-free,
    # but pieces it could not map (None) must not break the sequence.
    word = np.zeros(len(ids), dtype=np.int64)
    current, previous = -1, None
    for i, w in enumerate(word_ids):
        if w is None or w != previous:
            current += 1
        word[i] = current
        previous = w
    n_words = current + 1
    word_start = np.full(n_words, -1, dtype=np.int64)
    word_end = np.zeros(n_words, dtype=np.int64)
    for i in range(len(ids)):
        w = word[i]
        if word_start[w] < 0:
            word_start[w] = offsets[i, 0]
        word_end[w] = max(word_end[w], offsets[i, 1])
    breaks = np.cumsum(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == ord("\n"))
    paragraph = breaks[np.maximum(offsets[:, 0] - 1, 0)] if len(ids) else np.zeros(0, dtype=np.int64)
    if len(ids):
        paragraph = np.where(offsets[:, 0] == 0, 0, paragraph)
    sentence_end = np.array([text[e - 1 : e] in (".", "!", "?") for _, e in offsets], dtype=bool)
    return DocumentEncoding(ids, word, paragraph.astype(np.int64), word_start, word_end, sentence_end)


def window_bounds(encoding: DocumentEncoding, max_pieces: int = MAX_PIECES) -> list[tuple[int, int]]:
    """Cut the document into windows, at paragraph breaks where possible, else after a
    sentence, else between words; never inside a word."""
    n = len(encoding.ids)
    bounds = []
    start = 0
    while start < n:
        if n - start <= max_pieces:
            bounds.append((start, n))
            break
        limit = start + max_pieces
        cut = _last_cut(encoding, start, limit, "paragraph") or _last_cut(encoding, start, limit, "sentence")
        cut = cut or _last_cut(encoding, start, limit, "word") or limit
        bounds.append((start, cut))
        start = cut
    return bounds


def _last_cut(encoding: DocumentEncoding, start: int, limit: int, kind: str) -> int | None:
    """The last piece index c in (start + MIN_WINDOW, limit] where a window may begin."""
    word, paragraph = encoding.word, encoding.paragraph
    for cut in range(limit, start + MIN_WINDOW, -1):
        if word[cut] == word[cut - 1]:
            continue
        if kind == "word":
            return cut
        if kind == "paragraph" and paragraph[cut] != paragraph[cut - 1]:
            return cut
        if kind == "sentence" and encoding.sentence_end[cut - 1]:
            return cut
    return None


def make_window(encoding: DocumentEncoding, start: int, end: int, cls_id: int, sep_id: int) -> Window:
    ids = np.concatenate(([cls_id], encoding.ids[start:end], [sep_id])).astype(np.int64)
    inner_word = encoding.word[start:end]
    word = np.concatenate((inner_word[:1], inner_word, inner_word[-1:]))
    inner_par = encoding.paragraph[start:end]
    paragraph = np.concatenate((inner_par[:1], inner_par, inner_par[-1:]))
    is_first = np.zeros(len(ids), dtype=bool)
    is_first[1:-1] = np.concatenate(([True], inner_word[1:] != inner_word[:-1]))
    first = np.flatnonzero(is_first).astype(np.int64)
    return Window(start, end, ids, word, paragraph, first, word[first])


def cue_features(
    window: Window, cue_first_word: int, cue_last_word: int
) -> tuple[IntArray, IntArray, int, int]:
    """Per-piece signed distance bucket and paragraph relation to a cue, and the cue's
    first and last piece positions in the window."""
    word = window.word
    distance = np.where(
        word < cue_first_word, word - cue_first_word, np.where(word > cue_last_word, word - cue_last_word, 0)
    )
    magnitude = np.searchsorted(DISTANCE_LIMITS, np.abs(distance), side="left") + (distance != 0)
    middle = len(DISTANCE_LIMITS) + 1
    bucket = middle + np.sign(distance) * magnitude
    inside = np.flatnonzero((word >= cue_first_word) & (word <= cue_last_word))
    cue_paragraph = window.paragraph[inside[0]]
    relation = np.sign(window.paragraph - cue_paragraph) + 1
    return bucket.astype(np.int64), relation.astype(np.int64), int(inside[0]), int(inside[-1])


def viterbi(log_probs: NDArray[np.float32], spans: tuple[tuple[int, int], ...]) -> IntArray:
    """Best BIO-consistent tag sequence for each row of (N, T, K) log-probabilities:
    an I tag may only follow its own B or I."""
    n, length, k = log_probs.shape
    allowed = np.ones((k, k), dtype=bool)  # allowed[previous, next]
    start_allowed = np.ones(k, dtype=bool)
    for b, i in spans:
        allowed[:, i] = False
        allowed[b, i] = allowed[i, i] = True
        start_allowed[i] = False
    penalty = np.where(allowed, 0.0, -1e9).astype(np.float32)
    if length == 0:
        return np.zeros((n, 0), dtype=np.int64)
    score = log_probs[:, 0] + np.where(start_allowed, 0.0, -1e9)
    back = np.zeros((n, length, k), dtype=np.int64)
    for t in range(1, length):
        candidates = score[:, :, None] + penalty[None]  # (N, prev, next)
        back[:, t] = candidates.argmax(axis=1)
        score = candidates.max(axis=1) + log_probs[:, t]
    tags = np.zeros((n, length), dtype=np.int64)
    tags[:, -1] = score.argmax(axis=1)
    for t in range(length - 1, 0, -1):
        tags[:, t - 1] = back[np.arange(n), t, tags[:, t]]
    return tags


def tag_runs(tags: IntArray, b: int, i: int) -> list[tuple[int, int]]:
    """[(first, last)] positions of each B I* run of one span type."""
    runs = []
    start = -1
    for position, tag in enumerate(tags.tolist()):
        if tag == b or (tag == i and start < 0):
            if start >= 0:
                runs.append((start, position - 1))
            start = position
        elif tag != i and start >= 0:
            runs.append((start, position - 1))
            start = -1
    if start >= 0:
        runs.append((start, len(tags) - 1))
    return runs


def log_softmax(logits: NDArray[np.float32]) -> NDArray[np.float32]:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    result: NDArray[np.float32] = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return result


@dataclass(frozen=True)
class FoundAttribution:
    """Character spans of one attribution found by the tagger (plain tuples: no spaCy here)."""

    cue: tuple[int, int]
    source: list[tuple[int, int]]
    content: list[tuple[int, int]]
    score: float


FloatArray = NDArray[np.float32]
# (input_ids (1, T)) -> (hidden (1, T, H), cue logits (1, T, 3))
RunEncoder = Callable[[IntArray], tuple[FloatArray, FloatArray]]
# (hidden, cue_start (N,), cue_end (N,), distance (N, T), paragraph (N, T)) -> role logits (N, T, 5)
RunRoles = Callable[[FloatArray, IntArray, IntArray, IntArray, IntArray], FloatArray]


def find_attributions(
    tokenizer: Tokenizer,
    text: str,
    run_encoder: RunEncoder,
    run_roles: RunRoles,
) -> list[FoundAttribution]:
    """Tag a document window by window and decode the tags into attributions.

    `run_encoder(input_ids)` -> (hidden, cue_logits) and
    `run_roles(hidden, cue_start, cue_end, distance, paragraph)` -> role logits (N, T, 5)
    are the model, as ONNX sessions at run time or torch modules in training.
    """
    encoding = encode_document(tokenizer, text)
    cls_id, sep_id = _special_ids(tokenizer)
    found: list[FoundAttribution] = []
    for start, end in window_bounds(encoding):
        window = make_window(encoding, start, end, cls_id, sep_id)
        hidden, cue_logits = run_encoder(window.input_ids[None, :])
        cue_log_probs = log_softmax(np.asarray(cue_logits, dtype=np.float32)[0, window.first])
        cue_tags = viterbi(cue_log_probs[None], CUE_SPANS)[0]
        cue_runs = tag_runs(cue_tags, *CUE_SPANS[0])
        if not cue_runs:
            continue
        features = [cue_features(window, int(window.words[a]), int(window.words[b])) for a, b in cue_runs]
        distance = np.stack([f[0] for f in features])
        paragraph = np.stack([f[1] for f in features])
        cue_start = np.array([f[2] for f in features], dtype=np.int64)
        cue_end = np.array([f[3] for f in features], dtype=np.int64)
        role_logits = np.asarray(run_roles(hidden, cue_start, cue_end, distance, paragraph), dtype=np.float32)
        role_log_probs = log_softmax(role_logits[:, window.first])
        role_tags = viterbi(role_log_probs, ROLE_SPANS)
        for n, (a, b) in enumerate(cue_runs):
            attribution = _decode_roles(encoding, window, role_tags[n], role_log_probs[n], (a, b))
            if attribution is not None:
                cue_score = float(np.exp(cue_log_probs[np.arange(a, b + 1), cue_tags[a : b + 1]]).mean())
                found.append(
                    FoundAttribution(attribution[0], attribution[1], attribution[2], round(cue_score, 4))
                )
    return found


def _decode_roles(
    encoding: DocumentEncoding,
    window: Window,
    tags: IntArray,
    log_probs: NDArray[np.float32],
    cue_run: tuple[int, int],
) -> tuple[tuple[int, int], list[tuple[int, int]], list[tuple[int, int]]] | None:
    def chars(run: tuple[int, int]) -> tuple[int, int]:
        first, last = window.words[run[0]], window.words[run[1]]
        return (int(encoding.word_start[first]), int(encoding.word_end[last]))

    contents = tag_runs(tags, *ROLE_SPANS[1])
    if not contents:
        return None  # every gold attribution has a content: a cue without one is a false cue
    sources = tag_runs(tags, *ROLE_SPANS[0])
    if len(sources) > 1:
        # Sources are contiguous (9 of ~20k in PolNeAR train are not): keep the likeliest run.
        def confidence(run: tuple[int, int]) -> float:
            positions = np.arange(run[0], run[1] + 1)
            return float(log_probs[positions, tags[positions]].mean())

        sources = [max(sources, key=confidence)]
    return chars(cue_run), [chars(run) for run in sources], [chars(run) for run in contents]


def _special_ids(tokenizer: Tokenizer) -> tuple[int, int]:
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    if cls_id is None or sep_id is None:
        raise ValueError("the tokenizer has no [CLS] / [SEP] tokens")
    return cls_id, sep_id
