"""Read a PolNeAR-layout corpus: `<dir>/text/<stem>.txt` + `<dir>/attributions/<stem>_<annotator>.ann`.

The rules are those of the reference scorer, so that gold read here is the gold it
scores against: the first .ann in sorted order per text; T lines labelled
Source / Cue / Content (possibly discontinuous, ranges separated by ';'); E lines
group one attribution, and any E role whose name starts with Source / Cue / Content
(e.g. `Content2`) adds to that role; E lines with none of the three are ignored.
Texts are read without newline translation: offsets count '\\r' characters too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from claimsearch.extract.spans import AttributionSpans
from claimsearch.model import Span

_ROLE_LABELS = {"Source": "source", "Cue": "cue", "Content": "content"}
_T_LINE = re.compile(r"(T\d+)\t(\S+) ([\d ;]+)\t")
_E_LINE = re.compile(r"E\d+\t(.*)$")


class CorpusError(ValueError):
    """The directory is not a usable PolNeAR-layout corpus."""


@dataclass(frozen=True)
class GoldDocument:
    stem: str
    text: str
    attributions: list[AttributionSpans]


def find_documents(corpus_dir: Path) -> dict[str, tuple[Path, Path]]:
    """{stem: (text path, annotation path)}, the first .ann in sorted order per text."""
    text_dir, ann_dir = corpus_dir / "text", corpus_dir / "attributions"
    if not (text_dir.is_dir() and ann_dir.is_dir()):
        text_dir = ann_dir = corpus_dir  # flat layout: .txt and .ann side by side
    texts = {path.stem: path for path in text_dir.glob("*.txt")}
    found: dict[str, tuple[Path, Path]] = {}
    for ann in sorted(ann_dir.glob("*.ann")):
        base = ann.stem
        stem = base if base in texts else re.sub(r"_[^_]+$", "", base)
        if stem in texts and stem not in found:
            found[stem] = (texts[stem], ann)
    missing = sorted(set(texts) - set(found))
    if missing:
        raise CorpusError(f"no .ann for {len(missing)} text(s) in {corpus_dir}, e.g. {missing[0]}")
    if not found:
        raise CorpusError(f"no gold documents found in {corpus_dir}")
    return dict(sorted(found.items()))


def parse_ann(content: str) -> list[AttributionSpans]:
    """The attributions of one brat file, in E-line order."""
    spans: dict[str, tuple[str, list[Span]]] = {}
    events: list[list[str]] = []
    for line in content.split("\n"):
        match = _T_LINE.match(line + "\t")
        if match:
            tid, label, ranges = match.groups()
            if label in _ROLE_LABELS:
                parsed = [_range(part) for part in ranges.strip().split(";")]
                spans[tid] = (_ROLE_LABELS[label], parsed)
            continue
        event = _E_LINE.match(line)
        if event:
            events.append(event.group(1).split())
    attributions = []
    for args in events:
        roles: dict[str, list[Span]] = {"cue": [], "source": [], "content": []}
        for arg in args:
            role, _, tid = arg.partition(":")
            for label, name in _ROLE_LABELS.items():
                if role.startswith(label) and tid in spans:
                    roles[name].extend(spans[tid][1])
        if any(roles.values()):
            attributions.append(
                AttributionSpans(cue=roles["cue"], content=roles["content"], source=roles["source"])
            )
    return attributions


def _range(part: str) -> Span:
    start, end = part.split()
    return (int(start), int(end))


def read_text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def in_holdout(stem: str, fraction: float) -> bool:
    """Whether a text is in the held-out slice of train that model choices are made on: a
    fixed hash of its name, so the slice is the same for every run (`--holdout-fraction 0.1`
    of `training/train_attribution.py` holds out 92 of PolNeAR train's 840 texts)."""
    digest = int(hashlib.sha256(stem.encode()).hexdigest()[:8], 16)
    return digest / 0xFFFFFFFF < fraction


def iter_corpus(corpus_dir: Path, holdout: float | None = None) -> Iterator[GoldDocument]:
    """Every gold document of the corpus, in stem order; with `holdout`, only those of the
    held-out slice of that fraction (`in_holdout`)."""
    for stem, (text_path, ann_path) in find_documents(corpus_dir).items():
        if holdout is None or in_holdout(stem, holdout):
            yield GoldDocument(stem, read_text(text_path), parse_ann(read_text(ann_path)))


def load_corpus(corpus_dir: Path, holdout: float | None = None) -> list[GoldDocument]:
    return list(iter_corpus(corpus_dir, holdout))
