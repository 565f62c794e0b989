"""Organisations whose name NER takes for a person's.

spaCy's small English model tags "Politico reported", "Twitter said", "Facebook found" as
PERSON: a one-word name in the subject of a reporting verb reads like a surname. Typed a
person, such a claimant is listed as one, and a "he" or "she" after it can stand for it
("It's all Facebook, Instagram and Snapchat," he said: Facebook). The names below are
news outlets, fact-checkers, pollsters and platforms that are no one's name; a name that
is also a person's ("Bloomberg", "Breitbart", "Forbes", "Fox") is left to NER.
"""

from __future__ import annotations

from claimsearch.claimants.names import name_key

BODIES_TAKEN_FOR_PEOPLE = frozenset(
    {
        "politico",
        "politifact",
        "factcheck.org",
        "snopes",
        "propublica",
        "buzzfeed",
        "huffpost",
        "axios",
        "reuters",
        "msnbc",
        "cnn",
        "npr",
        "univision",
        "telemundo",
        "wikileaks",
        "gallup",
        "quinnipiac",
        "rasmussen",
        "yougov",
        "ipsos",
        "pew",
        "twitter",
        "facebook",
        "instagram",
        "snapchat",
        "youtube",
        "google",
        "reddit",
        "tumblr",
        "microsoft",
        "amazon",
        "netflix",
        "uber",
    }
)


def is_body_taken_for_a_person(text: str) -> bool:
    """Whether NER's PERSON `text` ("Politico", "Twitter's", "PolitiFact") names one of
    BODIES_TAKEN_FOR_PEOPLE, compared as names are filed (`name_key`)."""
    return name_key(text) in _KEYS


_KEYS = frozenset(name_key(name) for name in BODIES_TAKEN_FOR_PEOPLE)
