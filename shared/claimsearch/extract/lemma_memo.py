"""spaCy's rule lemmatizer with every lemma remembered, not only some.

The English rule lemmatizer works a token's lemma out from its text, part of speech
and morphology alone, but caches only the lemmas its suffix rules produce: the base
forms ("said" as a finite verb, every singular noun) are checked again on each token,
through a dict of the morphology built per token. That was a tenth of spaCy's time on
PolNeAR dev. `LemmaMemo` stands in for the component: it asks the lemmatizer once per
(text, part of speech, morphology) and writes the remembered lemmas in one call.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc
from thinc.types import Ints2d

FACTORY = "lemma_memo"
MEMO_SIZE = 200_000  # distinct (text, part of speech, morphology) remembered, about 40 MB at most


class LemmaMemo:
    """A pipeline component: the wrapped rule lemmatizer's lemmas, each worked out once.

    Only where the lemmatizer would set one (no lemma yet: the attribute ruler sets a
    few) and only in its "rule" mode without `overwrite`; otherwise the lemmatizer runs.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if lemmatizer.mode != "rule" or lemmatizer.overwrite or not getattr(lemmatizer, "_validated", True):
            # Other modes, and the first call (it checks the lemmatizer's tables): as spaCy does.
            return lemmatizer(doc)
        if len(self._lemmas) > MEMO_SIZE:
            self._lemmas.clear()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        strings = doc.vocab.strings
        for i in np.flatnonzero(lemmas == 0).tolist():
            orth, pos, morph, _ = rows[i].tolist()
            lemma = self._lemmas.get((orth, pos, morph))
            if lemma is None:
                lemma = strings.add(lemmatizer.lemmatize(doc[i])[0])
                if pos:  # no part of speech: spaCy warns on each, so each goes to it
                    self._lemmas[(orth, pos, morph)] = lemma
            lemmas[i] = lemma
        if len(doc):
            doc.from_array([LEMMA], cast(Ints2d, lemmas))
        return doc


@Language.factory(FACTORY)
def make_lemma_memo(nlp: Language, name: str) -> LemmaMemo:
    """Wraps the pipeline's "lemmatizer" (`nlp.install_stand_ins` checks it is a `Lemmatizer`)."""
    return LemmaMemo(cast(Lemmatizer, nlp.get_pipe("lemmatizer")))
