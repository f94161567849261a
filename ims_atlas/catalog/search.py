"""Find conditions, muscles and segments from what a clinician or a patient types.

Matches names, clinical names, aliases and abbreviations, lay names and lay terms, and
segments (``C6``, ``c 6``, ``L5 root``); ignores case and accents; forgives typos; ranks
exact > prefix > all words > fuzzy, conditions first on ties. Everything that can be is
precomputed in :class:`CatalogSearch`'s constructor, so a keystroke costs a few dictionary
lookups plus edit distances on a handful of candidate words.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ims_atlas.catalog.fuzzy import allowed_edits, edit_distance, normalise, tokens, trigrams
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.ids import normalise_segment

KINDS = ("condition", "muscle", "segment")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}
#: Longer input is not a search (a paste of junk): answer [] at once.
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 8
#: Below this weighted share of the query's words matched, a record is not a hit.
MIN_COVERAGE = 0.5
_SEGMENT_WORDS = frozenset({"root", "roots", "nerve", "segment", "level", "spinal"})
_EXACT, _PREFIX, _TOKENS, _FUZZY = 3, 2, 1, 0


@dataclass(frozen=True)
class Hit:
    """One search result.

    ``score`` is in [0, 1]: exact matches score above 0.75, prefixes above 0.5, all-words
    matches above 0.25. ``matched`` is the catalog text that matched (name, alias, lay term).
    """

    kind: str
    id: str
    label: str
    score: float
    matched: str


@dataclass(frozen=True)
class _Field:
    record: int
    text: str
    norm: str
    tokens: tuple[str, ...]
    rank: int  # 0 name, 1 clinical name / alias / Latin, 2 lay words


class CatalogSearch:
    """A search index over one catalog, built once.

    Parameters
    ----------
    catalog
        The catalog to search.
    """

    def __init__(self, catalog: Catalog) -> None:
        self._records: list[tuple[str, str, str]] = []  # (kind, id, label)
        self._fields: list[_Field] = []
        for c in catalog.conditions:
            self._add("condition", c.id, c.name, [(c.name, 0), (c.id, 0), (c.clinical_name, 1)]
                      + [(a, 1) for a in c.aliases] + [(c.lay_name, 2)] + [(t, 2) for t in c.lay_terms])
        for m in catalog.muscles:
            self._add("muscle", m.id, m.name, [(m.name, 0), (m.id, 0), (m.latin, 1)]
                      + [(a, 1) for a in m.aliases] + [(m.lay_name, 2)])
        self._segments: dict[str, int] = {}
        for s in catalog.segments:
            self._segments[s.id] = len(self._records)
            self._add("segment", s.id, s.id, [(s.id, 0), (s.paraspinal_level, 2)])
        self._index()
        self._word_cache: dict[str, list[tuple[int, float]]] = {}
        self._field_trigrams: list[set[str]] | None = None

    # -- building ------------------------------------------------------------------------------

    def _add(self, kind: str, ident: str, label: str, texts: list[tuple[str | None, int]]) -> None:
        record = len(self._records)
        self._records.append((kind, ident, label))
        seen: set[str] = set()
        for text, rank in texts:
            if not text:
                continue
            norm = normalise(text)
            if norm and norm not in seen:
                seen.add(norm)
                toks = tuple(tokens(norm)) or tuple(norm.split())
                shown = label if text == ident else text  # "tennis_elbow" matched: show the name
                self._fields.append(_Field(record, shown, norm, toks, rank))

    def _index(self) -> None:
        exact: dict[str, list[int]] = defaultdict(list)
        vocab: dict[str, int] = {}
        postings: list[list[tuple[int, int]]] = []
        for f_idx, f in enumerate(self._fields):
            exact[f.norm].append(f_idx)
            for tok in set(f.tokens):
                tid = vocab.setdefault(tok, len(vocab))
                if tid == len(postings):
                    postings.append([])
                postings[tid].append((f.record, f_idx))
        self._exact = dict(exact)
        self._sorted_norms = sorted((f.norm, i) for i, f in enumerate(self._fields))
        self._norm_keys = [n for n, _ in self._sorted_norms]
        self._vocab = vocab
        self._id_words = {tid: word for word, tid in vocab.items()}
        self._words = sorted(vocab)
        self._postings = postings
        n_records = max(len(self._records), 1)
        self._idf = [math.log(1.0 + n_records / len({r for r, _ in p})) for p in postings]
        self._max_idf = max(self._idf, default=1.0)
        by_trigram: dict[str, list[int]] = defaultdict(list)
        self._n_trigrams: dict[int, int] = {}
        for word, tid in vocab.items():
            grams = trigrams(word)
            self._n_trigrams[tid] = len(grams)
            for g in grams:
                by_trigram[g].append(tid)
        self._trigrams = dict(by_trigram)

    # -- word matching -------------------------------------------------------------------------

    def _word_matches(self, word: str) -> list[tuple[int, float]]:
        """Vocabulary words matching one query word, as (word id, similarity in (0, 1]), best first.

        Exact 1.0; a word it begins (typing) 0.85-0.95; a word within a few typos 0.35-0.65.
        Cached: while typing, only the last word of the query changes.
        """
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        found: dict[int, float] = {}
        tid = self._vocab.get(word)
        if tid is not None:
            found[tid] = 1.0
        if len(word) >= 2:
            i = bisect.bisect_left(self._words, word)
            while i < len(self._words) and self._words[i].startswith(word):
                other = self._vocab[self._words[i]]
                found.setdefault(other, 0.85 + 0.1 * len(word) / len(self._words[i]))
                i += 1
        limit = allowed_edits(len(word))
        if limit:
            for other, dist in self._typo_candidates(word, limit):
                found.setdefault(other, 0.8 - 0.15 * dist)
        result = sorted(found.items(), key=lambda x: -x[1])
        if len(self._word_cache) > 4096:
            self._word_cache.clear()
        self._word_cache[word] = result
        return result

    def _typo_candidates(self, word: str, limit: int) -> list[tuple[int, int]]:
        """Words within ``limit`` edits, checked only among those sharing trigrams with ``word``."""
        grams = trigrams(word)
        shared: dict[int, int] = defaultdict(int)
        for g in grams:
            for tid in self._trigrams.get(g, ()):
                shared[tid] += 1
        scored = sorted(((2.0 * n / (len(grams) + self._n_trigrams[t]), t) for t, n in shared.items()), reverse=True)
        out = []
        for dice, tid in scored[:24]:
            if dice < 0.25:
                break
            dist = edit_distance(word, self._id_words[tid], limit)
            if 0 < dist <= limit:
                out.append((tid, dist))
        return out

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10, kinds: Iterable[str] | None = None) -> list[Hit]:
        """The best hits for ``query``, best first.

        Parameters
        ----------
        query
            What the user typed (any text; nonsense gives ``[]``).
        limit
            At most this many hits.
        kinds
            Only these kinds (``"condition"``, ``"muscle"``, ``"segment"``); None for all.

        Returns
        -------
        list of Hit
        """
        if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS or limit <= 0:
            return []
        q = normalise(query)
        if not q:
            return []
        wanted = set(kinds) if kinds is not None else set(KINDS)
        best: dict[int, tuple[float, int]] = {}  # record -> (score, field)

        def offer(record: int, score: float, field: int) -> None:
            if self._records[record][0] in wanted and score > best.get(record, (-1.0, 0))[0]:
                best[record] = (score, field)

        segment = normalise_segment(" ".join(w for w in q.split() if w not in _SEGMENT_WORDS) or q)
        if segment in self._segments:
            record = self._segments[segment]
            offer(record, 1.0, self._exact[normalise(segment)][0])
        for f_idx in self._exact.get(q, ()):
            offer(self._fields[f_idx].record, (_EXACT + 0.99 - 0.03 * self._fields[f_idx].rank) / 4, f_idx)
        i = bisect.bisect_left(self._norm_keys, q)
        while i < len(self._norm_keys) and self._norm_keys[i].startswith(q):
            f_idx = self._sorted_norms[i][1]
            f = self._fields[f_idx]
            offer(f.record, (_PREFIX + 0.4 + 0.5 * len(q) / len(f.norm) - 0.03 * f.rank) / 4, f_idx)
            i += 1
        self._word_search(q, offer)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], _KIND_ORDER[self._records[kv[0]][0]], self._records[kv[0]][2]))
        hits = []
        for record, (score, f_idx) in ranked[:limit]:
            kind, ident, label = self._records[record]
            hits.append(Hit(kind, ident, label, round(score, 4), self._fields[f_idx].text))
        return hits

    def _word_search(self, q: str, offer: Callable[[int, float, int], None]) -> None:
        """Score records by the (idf-weighted) share of query words they contain."""
        words = tokens(q) or q.split()
        words = words[:MAX_QUERY_TOKENS]
        per_record: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(words))
        per_field: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(words))
        weights = []
        for i, word in enumerate(words):
            matches = self._word_matches(word)
            weights.append(max((self._idf[t] for t, s in matches if s == matches[0][1]), default=self._max_idf))
            for tid, sim in matches:
                for record, f_idx in self._postings[tid]:
                    scores = per_record[record]
                    if sim > scores[i]:
                        scores[i] = sim
                    fs = per_field[f_idx]
                    if sim > fs[i]:
                        fs[i] = sim
        total = sum(weights)
        best_field: dict[int, tuple[tuple[float, int], int]] = {}
        for f_idx, fs in per_field.items():
            f = self._fields[f_idx]
            key = (sum(fs), -f.rank)
            if f.record not in best_field or key > best_field[f.record][0]:
                best_field[f.record] = (key, f_idx)
        for record, scores in per_record.items():
            coverage = sum(w * s for w, s in zip(weights, scores, strict=True)) / total
            f_idx = best_field[record][1]
            f = self._fields[f_idx]
            if all(s >= 0.85 for s in scores):
                in_field = sum(1 for s in per_field[f_idx] if s > 0) / max(len(f.tokens), 1)
                mean = sum(scores) / len(scores)
                offer(record, (_TOKENS + 0.45 * mean + 0.45 * min(in_field, 1.0) - 0.03 * f.rank) / 4, f_idx)
            elif coverage >= MIN_COVERAGE:
                offer(record, (_FUZZY + 0.95 * coverage - 0.03 * f.rank) / 4, f_idx)

    def closest(self, query: str, n: int = 3, kinds: Iterable[str] | None = None) -> list[Hit]:
        """Loose suggestions for a query that found nothing ("did you mean ...").

        Ranks records by the character-trigram overlap of the whole query with their texts.
        """
        if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS:
            return []
        q = normalise(query)
        if len(q) < 2:
            return []
        wanted = set(kinds) if kinds is not None else set(KINDS)
        grams = trigrams(q)
        if self._field_trigrams is None:  # built on first use: only needed when a search fails
            self._field_trigrams = [trigrams(f.norm) for f in self._fields]
        best: dict[int, tuple[float, int]] = {}
        for f_idx, f in enumerate(self._fields):
            if self._records[f.record][0] not in wanted:
                continue
            other = self._field_trigrams[f_idx]
            dice = 2.0 * len(grams & other) / (len(grams) + len(other))
            if dice > best.get(f.record, (0.0, 0))[0]:
                best[f.record] = (dice, f_idx)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:n]
        return [Hit(*self._records[r], round(d, 4), self._fields[f].text) for r, (d, f) in ranked if d >= 0.15]
