"""Text matching helpers for search: normalising, tokens, trigrams and a bounded edit distance."""

from __future__ import annotations

import re
import unicodedata

#: Words that carry no meaning in a search ("pain in the heel" ~ "heel pain").
STOP_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "at", "to", "and", "or", "my", "with", "for", "from", "is"})
#: Words of a question that name no structure ("which root for tibialis anterior",
#: "what does C6 supply"): dropped, after the whole query has been tried as typed.
QUESTION_WORDS = frozenset({
    "which", "what", "whats", "where", "wheres", "how", "why", "who", "does", "do", "did", "is", "are", "was", "were",
    "can", "could", "would", "should", "will", "i", "me", "you", "your", "tell", "show", "find", "give", "list",
    "about", "please", "by", "all", "every", "its", "it", "this", "that", "there", "these", "those",
    "root", "roots", "nerve", "nerves", "supply", "supplies", "supplied", "supplying", "innervate", "innervates",
    "innervated", "innervation", "innervating", "level", "levels", "segment", "segments", "spinal", "dermatome",
    "myotome", "muscle", "muscles", "belong", "belongs", "serve", "serves", "served", "come", "comes",
    "needle", "needles", "needled", "needling", "treat", "treats", "treated", "treating", "treatment", "treatments",
    "help", "helps", "put", "go", "goes", "get", "gets", "got", "when",
})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces.

    Accents are dropped (``"Sciática"`` -> ``"sciatica"``), apostrophes removed so
    ``"golfer's"`` matches ``"golfers"``, and any other non-alphanumeric run (punctuation,
    control characters, underscores) becomes one space.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", stripped).casefold()).strip()


def tokens(text: str) -> list[str]:
    """The meaningful words of normalised text."""
    return [t for t in text.split() if t not in STOP_WORDS]


def content_words(text: str) -> list[str]:
    """The words of normalised text that can name something: no stop or question words."""
    return [t for t in text.split() if t not in STOP_WORDS and t not in QUESTION_WORDS]


def trigrams(token: str) -> set[str]:
    """Character trigrams of a token padded with ``^`` and ``$`` (``"elbow"`` -> ``{"^el", ..., "ow$"}``)."""
    padded = f"^{token}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def allowed_edits(length: int) -> int:
    """How many typos a word of this length may carry and still match."""
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 9:
        return 2
    return 3


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap neighbours).

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``.
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        ai = a[i - 1]
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ai == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            if v < best:
                best = v
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1] if prev[-1] <= limit else limit + 1
