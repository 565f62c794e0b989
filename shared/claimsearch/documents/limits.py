"""How much work one file may cost: limits checked before extraction starts.

Extraction runs in a Lambda with 2 GB and 120 s. Its time grows with the text's length
(bench/bench_ingest_limits.py measures it), and a few shapes of text cost far more than
their length suggests or are not articles at all. Each limit below rejects a file with
its own stable reason code; the values are defaults that configuration overrides.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimsearch.errors import TextTooLong, TokenTooLong, TooFewLetters, TooManyLines

MiB = 1024 * 1024


@dataclass(frozen=True)
class DocumentLimits:
    # The file as uploaded (also refused before download by the ingest service).
    max_bytes: int = 5 * MiB
    # Characters of article text: what extraction's time grows with. Six times
    # PolNeAR's longest article (34k), room for long-form features. The bench measures
    # 33 s of one core for 200k characters of news and 67 s for the densest text the
    # other limits let through (6,451 claims): inside the Lambda's 120 s.
    max_chars: int = 200_000
    # Every line is at least one sentence for the parser and one furniture check. News
    # runs about 115 characters a line (PolNeAR: at most 617 lines in an article), so
    # `max_chars` of news is under 2,000 lines; 200,000 one-word lines is a list.
    max_lines: int = 10_000
    # The longest run of non-space characters. PolNeAR's longest is 87 (a URL). Not a
    # matter of time (the tokenizers make one unknown piece of a long run, so a 150k one
    # costs nothing), but of what the file is: a megabyte "word" is a blob, not prose,
    # and ingesting it would archive and index a text nothing can be found in.
    max_token_chars: int = 1_000
    # Letters among the non-space characters. PolNeAR's lowest is 77%; tables of
    # numbers, hex dumps and symbol art fall far below.
    min_letter_share: float = 0.5
    # Invisible characters (cleaning.py) among all characters, above which the file is
    # refused rather than cleaned: a few are copy-paste debris, one in ten is hiding.
    max_invisible_share: float = 0.1
    # Nesting of JSON values and HTML elements. The article format is a flat object and
    # pages rarely nest past 60; libxml2 silently drops what lies deeper than 255, and
    # recursive walkers of either run out of stack long before a megabyte of brackets.
    max_depth: int = 100


def check_text(text: str, source: str, limits: DocumentLimits) -> None:
    """Raise the `DocumentError` of the first limit `text` breaks (each check is linear).

    The longest token is checked before the size, so that a megabyte without a space
    is reported as what it is rather than as merely long.
    """
    words = text.split()
    longest = max(map(len, words), default=0)
    if longest > limits.max_token_chars:
        raise TokenTooLong(
            source,
            f"a run of {longest} characters without a space is over the limit of"
            f" {limits.max_token_chars}: this is not prose",
        )
    if len(text) > limits.max_chars:
        raise TextTooLong(
            source,
            f"{len(text)} characters of text is over the limit of {limits.max_chars}; split the file",
        )
    lines = len(text.splitlines())
    if lines > limits.max_lines:
        raise TooManyLines(
            source, f"{lines} lines is over the limit of {limits.max_lines}: this is not an article"
        )
    visible = sum(map(len, words))
    letters = sum(map(str.isalpha, text))
    if visible and letters < limits.min_letter_share * visible:
        raise TooFewLetters(
            source,
            f"only {letters / visible:.0%} of the visible characters are letters (at least"
            f" {limits.min_letter_share:.0%} needed): this is not prose",
        )
