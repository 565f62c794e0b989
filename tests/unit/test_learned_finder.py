"""The packaged learned finder on a short hand-written text (no corpus needed)."""

from __future__ import annotations

import itertools

import pytest

from claimsearch.extract import attribution_tagging as tagging
from claimsearch.extract.learned import LearnedAttributionFinder, ModelArtifactError

TEXT = (
    "WASHINGTON — The senator said on Tuesday that the bill would fail.\n\n"
    "“We will not back down,” Ms Lee told reporters."
)


@pytest.fixture(scope="module")
def finder() -> LearnedAttributionFinder:
    try:
        return LearnedAttributionFinder.from_artifacts()
    except ModelArtifactError as error:
        pytest.skip(f"no trained model artifact: {error}")


def test_finds_reported_speech_with_its_source_and_content(finder: LearnedAttributionFinder) -> None:
    found = {TEXT[slice(*a.cue[0])]: a for a in finder.find_in_text(TEXT)}
    assert {"said", "told"} <= set(found)
    said = found["said"]
    assert [TEXT[slice(*s)] for s in said.source] == ["The senator"]
    assert "the bill would fail" in " ".join(TEXT[slice(*s)] for s in said.content)
    told = found["told"]
    assert [TEXT[slice(*s)] for s in told.source] == ["Ms Lee"]
    assert "We will not back down" in " ".join(TEXT[slice(*s)] for s in told.content)
    assert all(0.0 < a.score <= 1.0 for a in found.values())


def test_empty_and_attribution_free_texts(finder: LearnedAttributionFinder) -> None:
    assert finder.find_in_text("") == []
    assert finder.find_in_text("The weather was mild.") == []


def test_windows_cut_long_texts_between_words_and_cover_everything() -> None:
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import BertPreTokenizer

    vocab = {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = BertPreTokenizer()
    text = "\n".join("Word " * 150 + "end." for _ in range(8))
    encoding = tagging.encode_document(tokenizer, text)
    bounds = tagging.window_bounds(encoding)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(encoding.ids)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert all(end - start <= tagging.MAX_PIECES for start, end in bounds)
    # cut at paragraph breaks: each window starts at the first word of a line
    assert all(text[encoding.word_start[encoding.word[start]] - 1] == "\n" for start, _ in bounds[1:])


def test_viterbi_never_starts_a_span_with_an_inside_tag() -> None:
    import numpy as np

    # position 0 prefers I-CUE, which may not open a span
    log_probs = np.log(np.array([[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8], [0.9, 0.05, 0.05]]], dtype=np.float32))
    tags = tagging.viterbi(log_probs, tagging.CUE_SPANS)[0]
    assert tags.tolist() == [1, 2, 0]
    assert tagging.tag_runs(tags, 1, 2) == [(0, 1)]
