"""The flat, engine-neutral document a claim becomes in a search index.

Both adapters index exactly these fields, so a filter means the same thing in
each engine. The full claim is stored alongside (not indexed) and returned as is.
"""

from __future__ import annotations

from typing import Any

from claimsearch.claimants.names import has_generational_suffix, name_key, source_words
from claimsearch.index.port import first_seen_key
from claimsearch.model import Article, Claim, Claimant


def claim_fields(claim: Claim) -> dict[str, Any]:
    """Searchable and filterable fields of a claim."""
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "content": claim.content.text,
        "sentence": claim.sentence,
        "claimant": claim.claimant.name or "",
        "claimant_mention": claim.claimant.mention or "",
        "claimant_id": claim.claimant.id,
        # The source's own words, and the name resolved outside them: `claimant=` also
        # finds claims whose source names the claimant ("Len Burman, head of the Tax Policy
        # Center" for "Tax Policy Center"), or that were resolved to it ("The poll").
        "claimant_words": claimant_words(claim.claimant),
        # "Donald Trump Jr.": matched by a name only when the name holds the suffix.
        "claimant_suffixed": has_generational_suffix(name_key(claim.claimant.name or "").split()),
        "attributed": claim.claimant.attributed,
        "cue": claim.cue.text,
        "cue_class": claim.cue.cue_class,
        "quote_type": claim.content.quote_type,
        "publisher": claim.publisher,
        "published_at": claim.published_at,
        "organizations": claim.organizations,
        "entities": list(dict.fromkeys(e.canonical for e in claim.entities)),
        "text_start": claim.cue.span[0],
        "cluster_id": claim.cluster_id,
        # What `sort=size` and `sort=first_seen` order by: the claim's own values here (a
        # cluster of one); each engine recounts them for every member of a cluster that a
        # write grows or shrinks.
        "cluster_size": 1,
        "cluster_first_key": first_seen_key(claim.published_at),
        # What later claims of the same claimant look this one up by (`index.cluster_candidates`):
        # the claimant it is compared under (`assign.cluster_claimant`) and its band keys.
        **cluster_lookup_fields(claim),
    }


def claimant_words(claimant: Claimant) -> str:
    """The words `claimant=` finds a claim by besides its identity: its source's, and the name
    it was resolved to where the source does not hold it. A claim filed under no identity is
    found by that name too: "The poll" of "A new Quinnipiac University poll" (an indefinite
    description, no identity) by "Quinnipiac", as the poll's first claim is by its source."""
    words = source_words(claimant.mention or "")
    name = source_words(claimant.name or "")
    return words if not name or f" {name} " in f" {words} " else f"{words} {name}".strip()


def cluster_lookup_fields(claim: Claim) -> dict[str, Any]:
    """`cluster_claimant` and the LSH band keys (`cluster_keys`) of a clustered claim;
    None and no keys for a claim that can join nothing."""
    if claim.cluster_id is None:
        return {"cluster_claimant": None, "cluster_keys": []}
    # Imported on the first write: MinHash needs numpy, which the search function (reads
    # only) does not ship.
    from claimsearch.clusters.assign import cluster_claimant, fingerprint

    keys = list(fingerprint(claim).band_keys)  # none where no claimant is compared under
    return {"cluster_claimant": cluster_claimant(claim) if keys else None, "cluster_keys": keys}


def article_fields(article: Article) -> dict[str, Any]:
    """Searchable and filterable fields of an article."""
    return {
        "id": article.id,
        "title": article.title,
        "publisher": article.publisher,
        "published_at": article.published_at,
        "url": article.url,
    }
