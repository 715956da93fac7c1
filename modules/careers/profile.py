"""The language profile of a story (spec careers.md §6): how many of its words are visual,
auditory, kinesthetic or auditory-digital predicates of our sensory lexicon.

Both the lexicon and every token are Porter-stemmed, so "looking" counts where "look" is listed.
"""

import json
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

CATEGORIES = ("visual", "auditory", "kinesthetic", "auditory_digital")
LEXICON_PATH = Path(__file__).resolve().parent / "data" / "sensory_lexicon.json"


@cache
def _stemmer() -> Any:
    """NLTK's PorterStemmer, imported on first use: NLTK costs a web process 40 MB of memory."""
    from nltk.stem import PorterStemmer

    return PorterStemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Porter stem of a lowercase word (cached: transcripts repeat their words)."""
    return str(_stemmer().stem(word))


def load_lexicon(path: Path = LEXICON_PATH) -> dict[str, list[str]]:
    """The lexicon file as written: each category's list of words."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) != set(CATEGORIES):
        raise ValueError(f"{path} must map exactly {', '.join(CATEGORIES)} to word lists.")
    lexicon: dict[str, list[str]] = {}
    for category in CATEGORIES:
        words = data[category]
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            raise ValueError(f"{path}: {category} must be a list of words.")
        lexicon[category] = words
    return lexicon


@cache
def stem_index() -> dict[str, str]:
    """Each stem of the lexicon and its category, built once per process.

    The categories are disjoint (the lexicon's tests enforce it), so a stem has one category."""
    index: dict[str, str] = {}
    for category, words in load_lexicon().items():
        for word in words:
            index.setdefault(stem(word), category)
    return index


def tokens(text: str) -> list[str]:
    """NFKC-normalised, lowercased maximal runs of letters; anything else separates them."""
    normalised = unicodedata.normalize("NFKC", text).lower()
    return "".join(char if char.isalpha() else " " for char in normalised).split()


def representational_system(text: str) -> dict[str, int]:
    """The four counts of a transcript: one for each token whose stem is in a category."""
    counts = dict.fromkeys(CATEGORIES, 0)
    index = stem_index()
    for token in tokens(text):
        category = index.get(stem(token))
        if category is not None:
            counts[category] += 1
    return counts
