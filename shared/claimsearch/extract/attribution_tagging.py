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
MAX_DECODED_ROWS = 256  # sequences decoded together (`viterbi_many`): 5 MB of back-pointers

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
    # Renumber words densely: the pre-tokenizer's word ids are per-sequence and gap-free,
    # but pieces it could not map (None) must not break the sequence: a piece starts a
    # word where its id is None or differs from the piece before's.
    word_ids = np.array([-1 if w is None else w for w in encoding.word_ids], dtype=np.int64)
    starts_word = word_ids == -1
    starts_word[:1] = True
    starts_word[1:] |= word_ids[1:] != word_ids[:-1]
    word = np.cumsum(starts_word) - 1
    first_piece = np.flatnonzero(starts_word)
    word_start = offsets[first_piece, 0]  # offsets are never negative: the first piece's start
    word_end = np.maximum.reduceat(offsets[:, 1], first_piece) if len(ids) else np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    breaks = np.cumsum(codes == ord("\n"))
    paragraph = breaks[np.maximum(offsets[:, 0] - 1, 0)] if len(ids) else np.zeros(0, dtype=np.int64)
    if len(ids):
        paragraph = np.where(offsets[:, 0] == 0, 0, paragraph)
    ends = offsets[:, 1]
    sentence_end = (ends > 0) & np.isin(codes[np.maximum(ends - 1, 0)], [ord(c) for c in ".!?"])
    return DocumentEncoding(
        ids, word.astype(np.int64), paragraph.astype(np.int64), word_start, word_end, sentence_end
    )


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
    if n == 1 and length and log_probs.dtype in (np.float32, np.float64) and np.isfinite(log_probs).all():
        penalty, start_penalty = _transitions(k, spans)
        return _viterbi_one(log_probs[0], penalty, start_penalty)
    return viterbi_many([log_probs], spans)[0]


def _transitions(k: int, spans: tuple[tuple[int, int], ...]) -> tuple[FloatArray, FloatArray]:
    """Score added for each (previous, next) tag pair and for each first tag: 0, or
    -1e9 where an I would follow anything but its own B or I, or open the sequence."""
    allowed = np.ones((k, k), dtype=bool)  # allowed[previous, next]
    start_allowed = np.ones(k, dtype=bool)
    for b, i in spans:
        allowed[:, i] = False
        allowed[b, i] = allowed[i, i] = True
        start_allowed[i] = False
    return np.where(allowed, 0.0, -1e9), np.where(start_allowed, 0.0, -1e9)


def viterbi_many(batches: list[NDArray[np.float32]], spans: tuple[tuple[int, int], ...]) -> list[IntArray]:
    """`viterbi` of each (N_i, T_i, K) batch, all in one pass over the longest length.

    Scores are summed in double precision, as float32 log-probabilities plus float64
    penalties give. A position's scores depend only on the positions before it, so
    sequences padded at the end decode as they would alone, each read at its own last
    position: a document's windows cost one numpy step per position of the longest
    window rather than per position of every window.
    """
    if not batches:
        return []
    if sum(b.shape[0] for b in batches) > MAX_DECODED_ROWS and len(batches) > 1:
        # Back-pointers take (longest length x rows x K) integers: decode in groups.
        group: list[NDArray[np.float32]] = []
        groups, in_group = [group], 0
        for batch in batches:
            if group and in_group + batch.shape[0] > MAX_DECODED_ROWS:
                group, in_group = [], 0
                groups.append(group)
            group.append(batch)
            in_group += batch.shape[0]
        return [tags for group in groups for tags in viterbi_many(group, spans)]
    k = batches[0].shape[2]
    counts = [b.shape[0] for b in batches]
    lengths = np.repeat(np.array([b.shape[1] for b in batches], dtype=np.int64), counts)
    total, longest = len(lengths), max(b.shape[1] for b in batches)
    if total == 0 or longest == 0:
        return [np.zeros(b.shape[:2], dtype=np.int64) for b in batches]
    penalty, start_penalty = _transitions(k, spans)
    steps = np.zeros((longest, total, k))  # time first: each step reads and writes whole rows
    row = 0
    for batch in batches:
        steps[: batch.shape[1], row : row + batch.shape[0]] = batch.transpose(1, 0, 2)
        row += batch.shape[0]
    ending = {int(t): np.flatnonzero(lengths == t) for t in np.unique(lengths)}
    score = steps[0] + start_penalty
    final = score.copy()  # each sequence's scores at its own last position
    back = np.zeros((longest, total, k), dtype=np.int64)
    candidates = np.empty((total, k, k))  # (N, previous, next), reused from step to step
    previous = score[:, :, None]  # a view: follows `score`, updated in place
    for t in range(1, longest):
        np.add(previous, penalty, out=candidates)
        candidates.argmax(axis=1, out=back[t])
        candidates.max(axis=1, out=score)
        score += steps[t]
        if t + 1 in ending:
            final[ending[t + 1]] = score[ending[t + 1]]
    tags = np.zeros((total, longest), dtype=np.int64)
    rows = np.arange(total)
    decoded = rows[lengths > 0]
    tags[decoded, lengths[decoded] - 1] = final[decoded].argmax(axis=1)
    for t in range(longest - 1, 0, -1):
        live = rows[lengths > t]
        tags[live, t - 1] = back[t, live, tags[live, t]]
    out = []
    row = 0
    for batch in batches:
        out.append(tags[row : row + batch.shape[0], : batch.shape[1]])
        row += batch.shape[0]
    return out


def _viterbi_one(log_probs: NDArray[np.float32], penalty: FloatArray, start_penalty: FloatArray) -> IntArray:
    """`viterbi` of one sequence (T, K) of finite scores, in Python floats: the same sums
    in double precision and the same choices (the first best on a tie), without numpy's
    cost per call on arrays of a few numbers (7 times faster for the cue tags, one
    sequence per window)."""
    length, k = log_probs.shape
    columns = [[float(penalty[p, j]) for p in range(k)] for j in range(k)]  # columns[next][previous]
    steps: list[list[float]] = log_probs.astype(np.float64).tolist()
    score = [p + s for p, s in zip(steps[0], start_penalty.tolist(), strict=True)]
    back: list[list[int]] = []
    for step in steps[1:]:
        new_score = []
        pointers = []
        for j, column in enumerate(columns):
            best, best_previous = score[0] + column[0], 0
            for previous in range(1, k):
                candidate = score[previous] + column[previous]
                if candidate > best:
                    best, best_previous = candidate, previous
            new_score.append(best + step[j])
            pointers.append(best_previous)
        back.append(pointers)
        score = new_score
    tags = [0] * length
    tags[-1] = max(range(k), key=lambda j: (score[j], -j))
    for t in range(length - 1, 0, -1):
        tags[t - 1] = back[t - 1][tags[t]]
    return np.array([tags], dtype=np.int64)


def tag_runs(tags: IntArray, b: int, i: int) -> list[tuple[int, int]]:
    """[(first, last)] positions of each B I* run of one span type.

    A run opens at a B, or at an I outside a run; it goes on over I tags and ends
    before anything else, another B included.
    """
    tags = np.asarray(tags)
    is_b, is_i = tags == b, tags == i
    inside = is_b | is_i
    opens = is_b.copy()
    opens[0:1] |= is_i[0:1]
    opens[1:] |= is_i[1:] & ~inside[:-1]
    closes = inside.copy()
    closes[:-1] &= ~is_i[1:]
    return list(zip(np.flatnonzero(opens).tolist(), np.flatnonzero(closes).tolist(), strict=True))


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
    # Per window with cues: the window, its cue runs, cue tags and log-probabilities, and
    # role log-probabilities; the role tags of all windows are decoded together at the end.
    tagged: list[tuple[Window, list[tuple[int, int]], IntArray, FloatArray, FloatArray]] = []
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
        tagged.append((window, cue_runs, cue_tags, cue_log_probs, log_softmax(role_logits[:, window.first])))
    found: list[FoundAttribution] = []
    all_role_tags = viterbi_many([role_log_probs for *_, role_log_probs in tagged], ROLE_SPANS)
    for (window, cue_runs, cue_tags, cue_log_probs, role_log_probs), role_tags in zip(
        tagged, all_role_tags, strict=True
    ):
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
