"""The attribute ruler, run by lookup instead of through spaCy's `Matcher`.

en_core_web_sm's `attribute_ruler` maps each fine-grained tag (and some words) to a
coarse part of speech, morphology and lemma: 179 rules of one or two tokens that test
TAG, LOWER, DEP or IS_SPACE. The `Matcher` tries every rule at every token and runs
each "IN", "NOT_IN" and "REGEX" test as a Python call, and the ruler then sets each
match's attributes through a `Span` and a `Token` of its own: together about a tenth of
spaCy's time on PolNeAR dev, for what is a table lookup.

- `RulerIndex` stands in for the ruler's `Matcher`: it files the rules under a value
  their first token must have and works out once which rules a token's values start,
  and returns the `Matcher`'s matches (same keys, same spans).
- `IndexedAttributeRuler` stands in for the component: the ruler's own `match` (through
  the index), then what the matched rules set, in their order (a later rule overrides),
  written in one `Doc.from_array` call.

Both give the annotations spaCy gives (tests/unit/test_extraction_fast_paths.py). A
rule they cannot read (an operator such as "+", a callback, an attribute they do not
know, an extension attribute) leaves the ruler to spaCy.
"""

from __future__ import annotations

import re
from typing import Any, cast

from spacy.attrs import DEP, IDS, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore, get_string_id
from spacy.tokens import Doc
from thinc.types import Ints2d

# Token attributes whose `Doc.to_array` value (a string's hash, or 0 / 1 for a flag) is
# the one the Matcher compares; of a rule's first token, the first of these with a value
# or a list of values files the rule.
_PLAIN_ATTRS = ("TAG", "LOWER", "ORTH", "NORM", "DEP")
_FLAG_ATTRS = ("IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE")

# One token's test: (column in the attribute array, how to compare, the value).
_EQUALS, _IN, _NOT_IN, _SEARCH = range(4)
_Test = tuple[int, int, Any]
# A rule: its match key and, per token, the tests that token must pass.
_Rule = tuple[int, tuple[tuple[_Test, ...], ...]]
# What a token's values start: one-token rules' keys; (key, following tokens' tests) of longer ones.
_Opening = tuple[list[int], list[tuple[int, tuple[tuple[_Test, ...], ...]]]]
FACTORY = "indexed_attribute_ruler"
MEMO_SIZE = 200_000  # distinct token values remembered (a few tens of MB at most)


# What a rule may set for `IndexedAttributeRuler` to write it: attributes of the token
# alone (setting them on the lexeme too, as spaCy does, changes nothing).
_TOKEN_ATTRS = frozenset({LEMMA, POS, TAG, DEP, MORPH})


class UnsupportedRule(ValueError):
    """A rule the index cannot read; the ruler keeps spaCy's Matcher."""


class RulerIndex:
    """Stands in for an `AttributeRuler`'s `matcher`: the same `(key, start, end)` matches.

    Anything other than matching a `Doc` (`get`, `add`, alignments, spans) goes to the
    spaCy `Matcher` it wraps, which keeps every rule; adding or removing rules re-files them.
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher: Any = matcher  # Any: its private record of the rules is read
        self._file()

    @classmethod
    def install(cls, ruler: AttributeRuler) -> bool:
        """Make `ruler` match through an index; False (ruler untouched) if a rule is unsupported."""
        if isinstance(ruler.matcher, RulerIndex):
            return True
        try:
            ruler.matcher = cast(Matcher, cls(ruler.matcher))  # it answers as the Matcher does
        except (UnsupportedRule, AttributeError):  # AttributeError: a spaCy without `_patterns`
            return False
        return True

    def _file(self) -> None:
        """Read the Matcher's rules (its own record of them) into the index."""
        matcher = self.matcher
        columns: dict[str, int] = {}
        rules: list[_Rule] = []
        for key, patterns in matcher._patterns.items():
            if matcher._callbacks.get(key) is not None or matcher._filter.get(key) is not None:
                raise UnsupportedRule(f"rule {key} has a callback or a greedy filter")
            for pattern in patterns:
                rules.append((key, tuple(_token_tests(spec, columns) for spec in pattern)))
        self._attrs = [IDS[name] for name in columns]
        self._index: list[tuple[int, dict[int, list[_Rule]]]] = []
        self._anywhere: list[_Rule] = []  # rules whose first token may be any token
        tables: dict[int, dict[int, list[_Rule]]] = {}
        for rule in rules:
            # Filed under the first value its first token must have; else tried everywhere.
            filing = [(column, value) for column, how, value in rule[1][0] if how in (_EQUALS, _IN)]
            if not filing:
                self._anywhere.append(rule)
                continue
            column, value = filing[0]
            table = tables.setdefault(column, {})
            for filed_under in value if isinstance(value, frozenset) else (value,):
                table.setdefault(filed_under, []).append(rule)
        self._index = sorted(tables.items())
        self._opening: dict[tuple[int, ...], _Opening] = {}

    def __call__(
        self,
        doclike: Any,
        *,
        as_spans: bool = False,
        allow_missing: bool = False,
        with_alignments: bool = False,
    ) -> Any:
        if not isinstance(doclike, Doc) or as_spans or with_alignments or not allow_missing:
            # Spans, alignments and the check for missing annotation: spaCy's own.
            return self.matcher(
                doclike, as_spans=as_spans, allow_missing=allow_missing, with_alignments=with_alignments
            )
        return self.matches(doclike)

    def matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """`(key, start, end)` of every rule matching in `doc`, each once, by start."""
        if not self._attrs or len(doc) == 0:
            rows: list[tuple[int, ...]] = [() for _ in range(len(doc))]
        else:
            rows = list(map(tuple, doc.to_array(self._attrs).tolist()))
        if len(self._opening) > MEMO_SIZE:
            self._opening.clear()
        n = len(rows)
        strings = doc.vocab.strings
        found: list[tuple[int, int, int]] = []
        seen: set[tuple[int, int, int]] = set()
        for i, row in enumerate(rows):
            # The rules whose first token accepts this one depend on its values alone, and
            # values recur ("the" / DT / det is every tenth token), so each is worked out once.
            opening = self._opening.get(row)
            if opening is None:
                opening = self._opening[row] = self._opening_rules(row, strings)
            one_token, longer = opening
            found += [(key, i, i + 1) for key in one_token]
            for key, rest in longer:
                end = i + 1 + len(rest)
                if end > n or not all(
                    _passes(rows[j], tests, strings) for j, tests in enumerate(rest, i + 1)
                ):
                    continue
                match = (key, i, end)
                if match not in seen:
                    seen.add(match)
                    found.append(match)
        return found

    def _opening_rules(self, row: tuple[int, ...], strings: StringStore) -> _Opening:
        """The keys of one-token rules that `row` matches (each once), and (key, the tests of
        the following tokens) of longer rules whose first token it passes."""
        candidates: list[_Rule] = []
        for column, table in self._index:
            candidates += table.get(row[column], ())
        passed = [
            (key, rest) for key, (first, *rest) in candidates + self._anywhere if _passes(row, first, strings)
        ]
        one_token = list(dict.fromkeys(key for key, rest in passed if not rest))
        return one_token, [(key, tuple(rest)) for key, rest in passed if rest]

    def add(self, key: Any, patterns: Any, **kwargs: Any) -> None:
        self.matcher.add(key, patterns, **kwargs)
        self._file()

    def remove(self, key: Any) -> None:
        self.matcher.remove(key)
        self._file()

    def __len__(self) -> int:
        return len(self.matcher)

    def __contains__(self, key: Any) -> bool:
        return key in self.matcher

    def __getattr__(self, name: str) -> Any:
        if name == "matcher":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.matcher, name)


def _token_tests(spec: dict[str, Any], columns: dict[str, int]) -> tuple[_Test, ...]:
    """One token's spec (`{"TAG": "NN", "LOWER": {"IN": [...]}}`) as tests on array columns,
    in the order of `_PLAIN_ATTRS` (flags last)."""
    tests: list[tuple[int, _Test]] = []
    for raw_name, raw_value in spec.items():
        name = raw_name.upper() if isinstance(raw_name, str) else raw_name
        if name in _PLAIN_ATTRS:
            rank = _PLAIN_ATTRS.index(name)
            how, value = _string_test(raw_value)
        elif name in _FLAG_ATTRS and isinstance(raw_value, bool):
            rank, how, value = len(_PLAIN_ATTRS), _EQUALS, int(raw_value)
        else:
            raise UnsupportedRule(f"{raw_name}: {raw_value!r}")
        tests.append((rank, (columns.setdefault(name, len(columns)), how, value)))
    return tuple(test for _, test in sorted(tests, key=lambda item: item[0]))


def _string_test(value: Any) -> tuple[int, Any]:
    """How the Matcher compares a string attribute: by hash, hash in a set, or regex search."""
    if isinstance(value, str):
        return _EQUALS, get_string_id(value)
    if isinstance(value, dict) and len(value) == 1:
        ((operator, operand),) = value.items()
        strings = isinstance(operand, list) and all(isinstance(v, str) for v in operand)
        if operator in ("IN", "NOT_IN") and strings:
            return (_IN if operator == "IN" else _NOT_IN), frozenset(get_string_id(v) for v in operand)
        if operator == "REGEX" and isinstance(operand, str):
            return _SEARCH, _Search(operand)
    raise UnsupportedRule(repr(value))


class _Search:
    """A REGEX test, remembered per attribute value (a token's lower-case form recurs)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        self.seen: dict[int, bool] = {}

    def __call__(self, value: int, strings: StringStore) -> bool:
        found = self.seen.get(value)
        if found is None:
            if len(self.seen) > MEMO_SIZE:
                self.seen.clear()
            found = self.seen[value] = bool(self.pattern.search(strings[value]))
        return found


def _passes(row: tuple[int, ...], tests: tuple[_Test, ...], strings: StringStore) -> bool:
    for column, how, value in tests:
        got = row[column]
        if how == _EQUALS:
            if got != value:
                return False
        elif how == _IN:
            if got not in value:
                return False
        elif how == _NOT_IN:
            if got in value:
                return False
        elif not value(got, strings):
            return False
    return True


class IndexedAttributeRuler:
    """A pipeline component: `ruler`'s annotations, matched through a `RulerIndex` and
    written in one call. Falls back to `ruler` itself where a rule sets anything but
    token attributes, and to its own error where a rule's token index is out of range."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        self.indexed = RulerIndex.install(ruler)
        self._compiled_for = -1  # the number of rules the settings below were read from
        self._columns: list[int | str] = []  # attribute ids, as spaCy types them
        self._settings: list[list[tuple[int, int]]] = []

    def _compile(self) -> bool:
        """Per rule, (column, value) of what it sets; False if a rule sets anything else."""
        attrs: list[dict[Any, Any]] = self.ruler.attrs
        if self._compiled_for != len(attrs):
            if not all(key in _TOKEN_ATTRS for rule in attrs for key in rule):
                return False
            self._columns = sorted({key for rule in attrs for key in rule})
            column = {attr: i for i, attr in enumerate(self._columns)}
            self._settings = [[(column[key], value) for key, value in rule.items()] for rule in attrs]
            self._compiled_for = len(attrs)
        return True

    def __call__(self, doc: Doc) -> Doc:
        ruler = self.ruler
        if not self._compile() or not self._columns or len(doc) == 0:
            return ruler(doc)
        matches = ruler.match(doc)  # sorted by rule: a later rule overrides an earlier one
        written: dict[tuple[int, int], int] = {}
        for rule, _, start, end in matches:
            index = ruler.indices[rule]
            token = start + index if index >= 0 else end + index
            if not start <= token < end:
                ruler.set_annotations(doc, matches)  # raises spaCy's error for this rule
                return doc
            for column, value in self._settings[rule]:
                written[(token, column)] = value
        values = doc.to_array(self._columns)
        for (token, column), value in written.items():
            values[token, column] = value
        doc.from_array(self._columns, cast(Ints2d, values))
        return doc


@Language.factory(FACTORY)
def make_indexed_attribute_ruler(nlp: Language, name: str) -> IndexedAttributeRuler:
    """Wraps the pipeline's "attribute_ruler" (`nlp.install_stand_ins` checks it is an `AttributeRuler`)."""
    return IndexedAttributeRuler(cast(AttributeRuler, nlp.get_pipe("attribute_ruler")))
