"""Speaker labels: claims attributed by punctuation, not by a verb.

News text attributes some claims with a mark alone: a colon after a speaker's name
("Ryan: 'Anti-Semitic Images' Have 'No Place ...'", transcripts' "WALLACE: ...") or a
dash before it, closing a quotation (the pull quote or quote roundup's
'"Trump must stop portraying Latinos as ..." ― Carla Sanchez', or a line "- Sanders."
under a quoted paragraph). PolNeAR annotates the mark as the cue.

The trained model finds most colon labels (PolNeAR train has 146 of them) but dash
bylines are rare in train (11) and it misses them; `dash_bylines` finds those from the
text and the parse, and `colon_labels` a transcript's speaker lines, for the repairs to
add where the model found nothing. On train gold they find 7 of the 11 dash cues and 10
colon cues, all exactly as annotated (see docs/model-card.md).
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc

from claimsearch.claimants.names import name_words
from claimsearch.extract.spans import AttributionSpans
from claimsearch.model import Span

COLON = ":"
DASHES = frozenset({"―", "—", "–", "-", "--"})
# The colon of "Ryan: ..." and the dashes of '"..." ― Carla Sanchez': what a cue may be
# made of when it holds no word.
LABEL_MARKS = frozenset({COLON, *DASHES})

_OPENING_QUOTES = frozenset('"“”')  # a mis-typed ” opens quotations in scraped text too
_CLOSING_QUOTES = frozenset('"”')
_PARTICLES = frozenset("of the and de van von der da al bin la le du".split())
_MAX_NAME_WORDS = 5
_MIN_QUOTE_WORDS = 4
_LINE = re.compile(r"[^\n]+")
_DASH_CHARACTERS = re.escape("".join(sorted({c for dash in DASHES for c in dash})))
_HAS_DASH = re.compile(f"[{_DASH_CHARACTERS}]")
# A line that opens with a dash ("- Sanders.", "-President Obama, ..."); `\s` takes in
# the no-break spaces scraped text is full of.
_OPENING_DASH = re.compile(rf"\s*(?P<dash>--|[{_DASH_CHARACTERS}])\s*")
# The last dash on a line (what follows it is checked to be a name alone).
_CLOSING_DASH = re.compile(rf"(?P<dash>--|[{_DASH_CHARACTERS}])(?=[^{_DASH_CHARACTERS}]*$)")


def dash_bylines(doc: Doc) -> list[AttributionSpans]:
    """Quotations credited by a dash and a name ending the line, or on the next line.

    '"..." ― Carla Sanchez' (the quotation, the dash and the name on one line) and
    '"..."' followed by a line '- Sanders.' or '-President Obama, tweeting after ...':
    cue the dash, source the name, content the quotation with its quote marks (as PolNeAR
    marks it). Read from the characters, not spaCy's tokens: the tokenizer keeps a dash
    glued to what touches it ('”― Pamela Padilla', '-Michelle Marks').
    """
    text = doc.text
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
    found = []
    for number, (start, end) in enumerate(lines):
        if not _HAS_DASH.search(text, start, end):
            continue  # most lines: no need to look further
        opening = _OPENING_DASH.match(text, start, end)
        if opening is not None and number > 0:  # "- Sanders." under a quoted paragraph
            cue = opening.span("dash")
            name = _name(doc, opening.end(), _descriptor_start(text, opening.end(), end))
            quote = _quotation(text, *lines[number - 1])
        elif (closing := _CLOSING_DASH.search(text, start, end)) is not None:  # '"..." ― Carla Sanchez'
            cue = closing.span("dash")
            name = _name(doc, closing.end(), end)
            quote = _quotation(text, start, closing.start())
        else:
            continue
        if name is not None and quote is not None:
            found.append(AttributionSpans(cue=[cue], source=[name], content=[quote]))
    return found


def _descriptor_start(text: str, start: int, end: int) -> int:
    """Where '-Michelle Marks, Philadelphia.' turns from the name to what describes it."""
    comma = text.find(",", start, end)
    return comma if comma >= 0 else end


def _name(doc: Doc, start: int, end: int) -> Span | None:
    """The name between `start` and `end`, if that is a name alone (blanks and a final
    period aside): capitalised words, initials ('Edwin G. Monroy') and particles between
    them, no digits, at least one proper noun or named entity in the parse."""
    part = doc.text[start:end]
    left = len(part) - len(part.lstrip())
    name = part.strip().removesuffix(".").rstrip()
    words = name.split()
    if not 1 <= len(words) <= _MAX_NAME_WORDS or not all(_name_word(w) for w in words):
        return None
    span = (start + left, start + left + len(name))
    tokens = doc.char_span(*span, alignment_mode="expand")
    if tokens is None or not any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG") for t in tokens):
        return None
    return span


def _name_word(word: str) -> bool:
    if word.lower() in _PARTICLES:
        return True
    letters = word.removesuffix(".") if len(word) == 2 else word  # an initial: "G."
    return letters[:1].isupper() and all(part.isalpha() for part in letters.split("-"))


def _quotation(text: str, start: int, end: int) -> Span | None:
    """The span between `start` and `end` if it is one quotation of a few words, quote marks included."""
    part = text[start:end]
    left = len(part) - len(part.lstrip())
    quoted = part.strip()
    if len(quoted) < 2 or quoted[0] not in _OPENING_QUOTES or quoted[-1] not in _CLOSING_QUOTES:
        return None
    if len(quoted[1:-1].split()) < _MIN_QUOTE_WORDS:
        return None
    return (start + left, start + left + len(quoted))


# A transcript's speaker label opening a line: 'WALLACE: If I may, sir, ...', '"PENCE: Well,
# ...', 'JAKE TAPPER: ...' (capitals, up to three words; the quote mark of a transcript quoted
# paragraph by paragraph allowed before it). Not an interview's 'Q:' and 'A:', which name no one.
_COLON_LABEL = re.compile(r"[\s\"“]*(?P<label>[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]*){0,2}):\s+(?=\S)")


def colon_labels(doc: Doc) -> list[AttributionSpans]:
    """Lines of a transcript: 'WALLACE: ...' credits the rest of the line to Wallace.

    Only where the label is a speaker: a person the article names ('Chris Wallace'), or
    a label that opens more than one line ('JAKE TAPPER: ...', 'TAPPER: ...'), so that
    a heading in capitals ('UPDATE: ...', 'VIDEO: ...') is not taken for one. Cue the
    colon, source the label, content the rest of the line (as PolNeAR marks them).
    """
    text = doc.text
    labels = [m for line in _LINE.finditer(text) if (m := _COLON_LABEL.match(text, *line.span())) is not None]
    if not labels:
        return []
    speakers = [_speaker(m) for m in labels]
    turns = Counter(speakers)
    persons = {w for e in doc.ents if e.label_ == "PERSON" for w in name_words(e.text)}
    found = []
    for label, speaker in zip(labels, speakers, strict=True):
        if turns[speaker] < 2 and speaker not in persons:
            continue
        if _is_place(doc, label):  # a dateline: "WASHINGTON: ..." in an article about George Washington
            continue
        colon, start = label.end("label"), label.end()
        cue, content = (colon, colon + 1), (start, start + len(text[start : label.endpos].rstrip()))
        found.append(AttributionSpans(cue=[cue], source=[label.span("label")], content=[content]))
    return found


def _is_place(doc: Doc, label: re.Match[str]) -> bool:
    tokens = doc.char_span(*label.span("label"), alignment_mode="expand")
    return tokens is not None and any(t.ent_type_ in ("GPE", "LOC") for t in tokens)


def _speaker(label: re.Match[str]) -> str:
    """'JAKE TAPPER' and 'TAPPER' are one speaker: the last word, as names are keyed."""
    return name_words(label.group("label"))[-1]
