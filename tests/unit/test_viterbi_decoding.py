"""BIO-constrained Viterbi decoding of the learned tagger's cue and role heads."""

from __future__ import annotations

import itertools

import numpy as np

from claimsearch.extract import attribution_tagging as tagging


def _valid(tags: list[int], spans: tuple[tuple[int, int], ...]) -> bool:
    """An I tag only after its own B or I (never first, after O or after another type)."""
    for position, tag in enumerate(tags):
        for b, i in spans:
            if tag == i and (position == 0 or tags[position - 1] not in (b, i)):
                return False
    return True


def test_cue_inside_tag_after_outside_becomes_a_span() -> None:
    # per-word argmax: O, I-CUE, I-CUE, O (I after O: invalid)
    probs = np.array([[0.9, 0.05, 0.05], [0.1, 0.3, 0.6], [0.2, 0.1, 0.7], [0.9, 0.05, 0.05]])
    log_probs = np.log(probs.astype(np.float32))[None]
    assert log_probs[0].argmax(axis=-1).tolist() == [0, 2, 2, 0]
    tags = tagging.viterbi(log_probs, tagging.CUE_SPANS)[0]
    assert tags.tolist() == [0, 1, 2, 0]
    assert tagging.tag_runs(tags, *tagging.CUE_SPANS[0]) == [(1, 2)]


def test_role_inside_tag_never_continues_another_type() -> None:
    # argmax: B-SRC, I-CON, I-CON: content may not continue a source
    probs = np.array(
        [[0.1, 0.6, 0.1, 0.1, 0.1], [0.1, 0.05, 0.3, 0.05, 0.5], [0.1, 0.05, 0.3, 0.05, 0.5]],
        dtype=np.float32,
    )
    tags = tagging.viterbi(np.log(probs)[None], tagging.ROLE_SPANS)[0].tolist()
    assert _valid(tags, tagging.ROLE_SPANS)
    assert tags == [1, 2, 2]  # 0.6 * 0.3 * 0.3 beats any valid content reading


def test_viterbi_is_the_best_valid_sequence() -> None:
    rng = np.random.default_rng(7)
    for spans, k in ((tagging.CUE_SPANS, 3), (tagging.ROLE_SPANS, 5)):
        logits = rng.normal(size=(6, 4, k)).astype(np.float32) * 3
        log_probs = tagging.log_softmax(logits)
        decoded = tagging.viterbi(log_probs, spans)
        for row, tags in zip(log_probs, decoded, strict=True):
            valid = [s for s in itertools.product(range(k), repeat=4) if _valid(list(s), spans)]
            best = max(valid, key=lambda s: float(row[np.arange(4), list(s)].sum()))
            assert _valid(tags.tolist(), spans)
            assert np.isclose(row[np.arange(4), tags].sum(), row[np.arange(4), list(best)].sum())


def test_valid_argmax_is_kept_and_empty_input_decodes() -> None:
    probs = np.array([[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]], dtype=np.float32)
    assert tagging.viterbi(np.log(probs)[None], tagging.CUE_SPANS)[0].tolist() == [1, 2, 0]
    assert tagging.viterbi(np.zeros((2, 0, 5), dtype=np.float32), tagging.ROLE_SPANS).shape == (2, 0)
