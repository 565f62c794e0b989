"""The faster ways extraction computes things give what the plain ways give.

Each fast path (the attribute ruler's index, the remembered lemmas, the one-sequence
Viterbi, the vectorised document encoding) is checked against the code it replaces:
spaCy's own components, and the loops the encoding and decoding were first written as.
"""

from __future__ import annotations

import numpy as np
import pytest

from claimsearch.extract import attribution_tagging as tagging

TEXTS = [
    "Y'all ain't seen nothin' yet, he said. But that's it.\n\nIt is, whether or not they like it.",
    "The minister said taxes would rise.\n\n\n  Headline Without Stop\nThose who know, know.",
    "Something happened: everyone said so, and nobody denied it -- 20 percent of them.",
    " \n\t ",
    "",
]


@pytest.fixture(scope="module")
def texts(example_bytes: bytes) -> list[str]:
    return [example_bytes.decode(), *TEXTS]


def test_the_attribute_ruler_index_finds_the_matchers_matches(texts: list[str]) -> None:
    from claimsearch.extract.nlp import load_nlp
    from claimsearch.extract.ruler_index import IndexedAttributeRuler, RulerIndex

    nlp = load_nlp()
    component = nlp.get_pipe("attribute_ruler")
    assert isinstance(component, IndexedAttributeRuler)
    index = component.ruler.matcher
    assert isinstance(index, RulerIndex)
    for text in texts:
        with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer", "ner"]):
            doc = nlp(text)
        expected = sorted(index.matcher(doc, allow_missing=True))
        assert sorted(index(doc, allow_missing=True)) == expected
        assert sorted(index(doc, allow_missing=True)) == expected  # again, from what it remembered


def test_the_pipeline_annotates_as_spacys_own_components(texts: list[str]) -> None:
    import spacy

    from claimsearch.extract.nlp import PIPELINE_PACKAGE, load_nlp

    fast = load_nlp()
    plain = spacy.load(PIPELINE_PACKAGE)
    plain.add_pipe("paragraph_breaks", before="parser")
    assert fast.pipe_names == plain.pipe_names
    # The tokenizer read from disk without spaCy's default one built first: the same rules.
    assert fast.tokenizer.to_bytes(exclude=["vocab"]) == plain.tokenizer.to_bytes(exclude=["vocab"])

    def annotations(doc: spacy.tokens.Doc) -> list[tuple[object, ...]]:
        return [
            (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)
            for t in doc
        ]

    for _ in range(2):  # the second time, lemmas come from memory
        for text in texts:
            assert annotations(fast(text)) == annotations(plain(text))


def _viterbi_reference(log_probs: np.ndarray, spans: tuple[tuple[int, int], ...]) -> np.ndarray:
    """The decoding as first written: all sequences at once, one numpy step per position."""
    n, length, k = log_probs.shape
    allowed = np.ones((k, k), dtype=bool)
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
        candidates = score[:, :, None] + penalty[None]
        back[:, t] = candidates.argmax(axis=1)
        score = candidates.max(axis=1) + log_probs[:, t]
    tags = np.zeros((n, length), dtype=np.int64)
    tags[:, -1] = score.argmax(axis=1)
    for t in range(length - 1, 0, -1):
        tags[:, t - 1] = back[np.arange(n), t, tags[:, t]]
    return tags


def test_viterbi_decodes_as_first_written_alone_or_in_a_batch() -> None:
    rng = np.random.default_rng(7)
    for trial in range(200):
        spans = tagging.CUE_SPANS if trial % 2 else tagging.ROLE_SPANS
        k = 3 if trial % 2 else 5
        logits = rng.normal(size=(int(rng.integers(1, 4)), int(rng.integers(0, 30)), k)).astype(np.float32)
        if trial % 3 == 0:
            logits = np.round(logits)  # ties: the first best must win, as numpy's argmax has it
        log_probs = tagging.log_softmax(logits) if trial % 5 else logits
        expected = _viterbi_reference(log_probs, spans)
        assert np.array_equal(tagging.viterbi(log_probs, spans), expected)
        for row in range(log_probs.shape[0]):  # one sequence: the pure-Python path
            assert np.array_equal(tagging.viterbi(log_probs[row : row + 1], spans), expected[row : row + 1])


def test_viterbi_of_many_batches_at_once_is_that_of_each_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    for group_rows in (256, 3):  # one pass over all, then in groups of a few rows
        monkeypatch.setattr(tagging, "MAX_DECODED_ROWS", group_rows)
        for _ in range(40):
            batches = [
                tagging.log_softmax(
                    np.round(
                        rng.normal(size=(int(rng.integers(0, 4)), int(rng.integers(0, 25)), 5)), 1
                    ).astype(np.float32)
                )
                for _ in range(int(rng.integers(1, 6)))
            ]
            decoded = tagging.viterbi_many(batches, tagging.ROLE_SPANS)
            assert len(decoded) == len(batches)
            for batch, tags in zip(batches, decoded, strict=True):
                assert tags.shape == batch.shape[:2]
                assert np.array_equal(tags, _viterbi_reference(batch, tagging.ROLE_SPANS))


def _tag_runs_reference(tags: list[int], b: int, i: int) -> list[tuple[int, int]]:
    """Runs as first written: a walk over the tags."""
    runs = []
    start = -1
    for position, tag in enumerate(tags):
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


def test_tag_runs_are_those_of_a_walk_over_the_tags() -> None:
    rng = np.random.default_rng(11)
    for length in list(range(6)) * 20 + [40] * 200:
        tags = rng.integers(0, 5, size=length)
        for b, i in tagging.ROLE_SPANS:
            assert tagging.tag_runs(tags, b, i) == _tag_runs_reference(tags.tolist(), b, i)


def _encoding_reference(tokenizer: object, text: str) -> tagging.DocumentEncoding:
    """The document encoding as first written, piece by piece."""
    encoding = tokenizer.encode(text, add_special_tokens=False)  # type: ignore[attr-defined]
    ids = np.asarray(encoding.ids, dtype=np.int64)
    offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)
    word = np.zeros(len(ids), dtype=np.int64)
    current, previous = -1, None
    for i, w in enumerate(encoding.word_ids):
        if w is None or w != previous:
            current += 1
        word[i] = current
        previous = w
    word_start = np.full(current + 1, -1, dtype=np.int64)
    word_end = np.zeros(current + 1, dtype=np.int64)
    for i in range(len(ids)):
        if word_start[word[i]] < 0:
            word_start[word[i]] = offsets[i, 0]
        word_end[word[i]] = max(word_end[word[i]], offsets[i, 1])
    breaks = np.cumsum(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == ord("\n"))
    paragraph = breaks[np.maximum(offsets[:, 0] - 1, 0)] if len(ids) else np.zeros(0, dtype=np.int64)
    if len(ids):
        paragraph = np.where(offsets[:, 0] == 0, 0, paragraph)
    sentence_end = np.array([text[e - 1 : e] in (".", "!", "?") for _, e in offsets], dtype=bool)
    return tagging.DocumentEncoding(ids, word, paragraph.astype(np.int64), word_start, word_end, sentence_end)


def test_document_encoding_is_the_piece_by_piece_one(texts: list[str]) -> None:
    from claimsearch.extract.learned import ARTIFACT_DIR, TOKENIZER_FILE

    tokenizer = tagging.load_tokenizer(str(ARTIFACT_DIR / TOKENIZER_FILE))
    odd = [
        "a.",
        ".\n!",
        "Caf\u00e9\u0301 w\u00f6rld\u00a0! \u2603 \U0001f600 emoji?\n\nNew para",
        "x" * 600,
        "\u200b",
    ]
    for text in texts + odd:
        got, expected = tagging.encode_document(tokenizer, text), _encoding_reference(tokenizer, text)
        for field in ("ids", "word", "paragraph", "word_start", "word_end", "sentence_end"):
            a, b = getattr(got, field), getattr(expected, field)
            assert a.dtype == b.dtype and np.array_equal(a, b), (field, text[:20])


def _ruled_pipeline(patterns: list[dict[str, object]], indexed: bool) -> object:
    import spacy

    from claimsearch.extract.nlp import install_stand_ins

    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns(patterns)
    if indexed:
        assert install_stand_ins(nlp) == ["attribute_ruler"]
    return nlp


RULES: list[dict[str, object]] = [
    {
        "patterns": [[{"LOWER": "new"}, {"LOWER": "york"}]],
        "attrs": {"LEMMA": "NYC", "TAG": "NNP"},
        "index": -1,
    },
    {"patterns": [[{"LOWER": {"IN": ["a", "an"]}}]], "attrs": {"POS": "DET", "MORPH": "Definite=Ind"}},
    {"patterns": [[{"LOWER": {"REGEX": "^y'?$"}}, {"LOWER": "all"}]], "attrs": {"LEMMA": "you"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE"}},
    {"patterns": [[{"ORTH": "York", "IS_TITLE": True}]], "attrs": {"POS": "PROPN"}},  # later: overrides
    {"patterns": [[{"LOWER": {"NOT_IN": ["a", "new"]}, "IS_ALPHA": True}]], "attrs": {"DEP": "dep"}},
]


@pytest.mark.parametrize(
    "rules",
    [RULES, [*RULES, {"patterns": [[{"LOWER": "very", "OP": "+"}]], "attrs": {"POS": "ADV"}}]],
    ids=["indexed rules", "a rule the index cannot read"],
)
def test_the_indexed_ruler_sets_what_spacys_ruler_sets(rules: list[dict[str, object]]) -> None:
    from claimsearch.extract.ruler_index import IndexedAttributeRuler, RulerIndex

    plain, indexed = _ruled_pipeline(rules, False), _ruled_pipeline(rules, True)
    component = indexed.get_pipe("attribute_ruler")  # type: ignore[attr-defined]
    assert isinstance(component, IndexedAttributeRuler)
    assert isinstance(component.ruler.matcher, RulerIndex) == (rules is RULES)
    text = "Y'all saw a very very new York in New York,  an old one.\n\ny all"
    for a, b in zip(plain(text), indexed(text), strict=True):  # type: ignore[operator]
        assert (a.text, a.tag_, a.pos_, str(a.morph), a.lemma_, a.dep_) == (
            b.text,
            b.tag_,
            b.pos_,
            str(b.morph),
            b.lemma_,
            b.dep_,
        )
