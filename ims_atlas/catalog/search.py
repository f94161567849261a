"""Find conditions, muscles, segments and the anatomy's structures from what a clinician, a
student or a patient types.

Matches names, clinical names, aliases and abbreviations, lay names and lay terms, regions,
and segments (``C6``, ``c 6``, ``L5 root``); ignores case and accents; forgives typos; ranks
exact > prefix > all words > fuzzy, conditions first on ties. A question in a person's words
("which root for tibialis anterior", "what does C6 supply", "muscles of the sole") is also
tried without its question words, so it finds what it names. A correctly spelled word never
matches a near-spelled other word (``anterior`` is not ``posterior``), and once something
matches by name, fuzzy matches are left out. When nothing matches, :meth:`closest` suggests
only entries sharing a word of the query (an alias, a region, a muscle), never names that
merely look alike. Everything that can be is precomputed in :class:`CatalogSearch`'s
constructor, so a keystroke costs a few dictionary lookups plus edit distances on a handful
of candidate words.

Given the anatomy's structures (:func:`~ims_atlas.anatomy.structure_names.named_structures`:
bones, vertebrae, nerves and roots, vessels, organs, the cord), a search finds them too, as
kind ``"structure"``, from an index of their own: the catalog's words and their weights are
the same with or without them, so the catalog's hits rank among themselves as before, and a
structure ranks beside them by its own score (a tie goes to the catalog).
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ims_atlas.anatomy.structure_names import NamedStructure
from ims_atlas.catalog.fuzzy import (
    QUESTION_WORDS,
    STOP_WORDS,
    allowed_edits,
    content_words,
    edit_distance,
    normalise,
    tokens,
    trigrams,
)
from ims_atlas.catalog.site_catalog import Catalog
from ims_atlas.core.ids import normalise_segment

KINDS = ("condition", "muscle", "segment", "structure")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}

#: Parts of the body a question about muscles may name ("muscles of the sole"), and the
#: catalog regions whose muscles lie there: a muscle of another region that only mentions the
#: part in its plain words (fibularis brevis "turns the sole outwards") is not one of them.
PART_REGIONS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("sole", "soles", "heel", "heels", "toe", "toes", "foot", "feet", "instep", "arch"),
                    frozenset({"foot"})),
    **dict.fromkeys(("palm", "palms", "hand", "hands", "thumb", "thumbs", "finger", "fingers"), frozenset({"hand"})),
    **dict.fromkeys(("forearm", "forearms"), frozenset({"forearm"})),
    **dict.fromkeys(("calf", "calves", "shin", "shins"), frozenset({"leg"})),
    **dict.fromkeys(("thigh", "thighs"), frozenset({"thigh"})),
    **dict.fromkeys(("buttock", "buttocks"), frozenset({"hip"})),
    **dict.fromkeys(("jaw",), frozenset({"jaw", "face"})),
    **dict.fromkeys(("face",), frozenset({"face", "jaw"})),
}
#: Longer input is not a search (a paste of junk): answer [] at once.
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 8
#: Below this weighted share of the query's words matched, a record is not a hit.
MIN_COVERAGE = 0.5
#: A suggestion must share at least this well-matched a word (1 typo in a long word: 0.65).
_SUGGEST_SIMILARITY = 0.6
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
    structures
        The anatomy's structures to find too (kind ``"structure"``, id the
        :class:`~ims_atlas.anatomy.structure_names.NamedStructure`'s); none by default.
    """

    def __init__(self, catalog: Catalog, structures: Iterable[NamedStructure] = ()) -> None:
        self._records: list[tuple[str, str, str]] = []  # (kind, id, label)
        self._fields: list[_Field] = []
        self._regions: dict[int, str] = {}  # muscle record -> its region
        for c in catalog.conditions:
            self._add("condition", c.id, c.name, [(c.name, 0), (c.id, 0), (c.clinical_name, 1)]
                      + [(a, 1) for a in c.aliases] + [(c.lay_name, 2)] + [(t, 2) for t in c.lay_terms] + [(c.region, 2)])
        for m in catalog.muscles:
            self._regions[len(self._records)] = (m.region or "").strip().lower()
            self._add("muscle", m.id, m.name, [(m.name, 0), (m.id, 0), (m.latin, 1)]
                      + [(a, 1) for a in m.aliases] + [(m.lay_name, 2)] + [(m.region, 2)])
        self._segments: dict[str, int] = {}
        for s in catalog.segments:
            self._segments[s.id] = len(self._records)
            self._add("segment", s.id, s.id, [(s.id, 0), (s.paraspinal_level, 2)])
        self._index()
        self._word_cache: dict[str, list[tuple[int, float]]] = {}
        self._field_trigrams: list[set[str]] | None = None
        structures = tuple(structures)
        self._structures: dict[str, NamedStructure] = {s.id: s for s in structures}
        self._structure_index = _StructureIndex(structures) if structures else None

    def structure(self, structure_id: str) -> NamedStructure | None:
        """The structure a ``"structure"`` hit names, or None."""
        return self._structures.get(structure_id)

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
        limit = allowed_edits(len(word)) if tid is None else 0  # a known word is never another word misspelt
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
            Only these kinds (``"condition"``, ``"muscle"``, ``"segment"``, ``"structure"``); None
            for all.

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
        scored = [(score, self, record, f_idx) for record, (score, f_idx) in self._best(q, wanted).items()]
        asks_muscles = any(w in ("muscle", "muscles") for w in q.split())
        if self._structure_index is not None and "structure" in wanted and not (
                asks_muscles and any(self._records[r][0] == "muscle" for _, _, r, _ in scored)):
            index = self._structure_index
            scored += [(score, index, record, f_idx) for record, (score, f_idx) in index._best(q, wanted).items()]
        ranked = sorted(scored, key=lambda x: (-x[0], _KIND_ORDER[x[1]._records[x[2]][0]], x[1]._records[x[2]][2]))
        if ranked and ranked[0][0] >= _PREFIX / 4:  # something matches by name: no look-alikes
            ranked = [x for x in ranked if x[0] >= _TOKENS / 4]
        hits = []
        for score, index, record, f_idx in ranked[:limit]:
            kind, ident, label = index._records[record]
            hits.append(Hit(kind, ident, label, round(score, 4), index._fields[f_idx].text))
        return hits

    def _best(self, q: str, wanted: set[str]) -> dict[int, tuple[float, int]]:
        """The records of this index matching normalised query ``q``: record -> (score, field)."""
        best: dict[int, tuple[float, int]] = {}  # record -> (score, field)

        def offer(record: int, score: float, field: int) -> None:
            if self._records[record][0] in wanted and score > best.get(record, (-1.0, 0))[0]:
                best[record] = (score, field)

        segment, only_segment = self._segment_in(q)
        if segment is not None:
            record = self._segments[segment]
            offer(record, 1.0 if only_segment else 0.8, self._exact[normalise(segment)][0])
        stripped = self._content(q)
        question = bool(stripped) and stripped != q
        # As typed: the whole phrase (lay terms such as "trapped nerve in the back"); its words
        # only if it is not a question. A question's own words are matched as complete words:
        # "muscles of the sole" means the sole, not soleus; "which root for tibialis anterior"
        # tibialis anterior, not posterior.
        self._phrase_search(q, offer, words=not question)
        if question:
            self._phrase_search(stripped, offer, complete=True)
        asks_muscles = any(w in ("muscle", "muscles") for w in q.split())
        if asks_muscles and any(self._records[r][0] == "muscle" for r in best):
            best = {r: v for r, v in best.items() if self._records[r][0] == "muscle"}
            best = self._in_named_part(best, q) or best
        return best

    def _content(self, q: str) -> str:
        """A query without its question words (``"which root for tibialis anterior"`` ->
        ``"tibialis anterior"``).
        """
        return " ".join(content_words(q))

    def _in_named_part(self, best: dict[int, tuple[float, int]], q: str) -> dict[int, tuple[float, int]]:
        """The muscle hits that lie in the body part a question names (``PART_REGIONS``), or
        ``{}`` when it names none (or none of the hits lies there).
        """
        regions = frozenset().union(*(PART_REGIONS.get(w, frozenset()) for w in q.split()))
        if not regions:
            return {}
        return {r: v for r, v in best.items() if self._regions.get(r) in regions}

    def _segment_in(self, q: str) -> tuple[str | None, bool]:
        """The catalog segment a query names (``"what does c 6 supply"`` -> ``"C6"``), and
        whether the rest of the query is only question words.
        """
        words = q.split()
        for i in range(len(words)):
            for width in (1, 2):
                name = normalise_segment(" ".join(words[i:i + width])) if i + width <= len(words) else None
                if name in self._segments:
                    rest = words[:i] + words[i + width:]
                    return name, all(w in QUESTION_WORDS or w in STOP_WORDS for w in rest)
        return None, False

    def _phrase_search(self, q: str, offer: Callable[[int, float, int], None], *, words: bool = True,
                       complete: bool = False) -> None:
        """Exact, prefix and (``words``) word matches of one form of the query; ``complete``:
        the query is finished, so a known word is not read as the start of a longer one.
        """
        for f_idx in self._exact.get(q, ()):
            offer(self._fields[f_idx].record, (_EXACT + 0.99 - 0.03 * self._fields[f_idx].rank) / 4, f_idx)
        if not complete or q.rsplit(" ", 1)[-1] not in self._vocab:
            i = bisect.bisect_left(self._norm_keys, q)
            while i < len(self._norm_keys) and self._norm_keys[i].startswith(q):
                f_idx = self._sorted_norms[i][1]
                f = self._fields[f_idx]
                offer(f.record, (_PREFIX + 0.4 + 0.5 * len(q) / len(f.norm) - 0.03 * f.rank) / 4, f_idx)
                i += 1
        if words:
            self._word_search(q, offer, complete)

    def _word_search(self, q: str, offer: Callable[[int, float, int], None], complete: bool = False) -> None:
        """Score records by the (idf-weighted) share of query words they contain."""
        words = tokens(q) or q.split()
        words = words[:MAX_QUERY_TOKENS]
        per_record: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(words))
        per_field: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(words))
        weights = []
        for i, word in enumerate(words):
            matches = self._word_matches(word)
            if complete and word in self._vocab:
                matches = matches[:1]  # the exact word only (best first, similarity 1.0)
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
        """Suggestions for a query that found nothing ("did you mean ...").

        Only entries that share a word of the query (exactly, as a prefix, or with a typo or
        two) in a name, alias, lay term or region: "knee osteoarthritis" suggests knee pain;
        "fibromyalgia", sharing no word with any entry, suggests nothing. Ranked by the
        (idf-weighted) share of the query's words they contain.
        """
        if not isinstance(query, str) or len(query) > MAX_QUERY_CHARS or n <= 0:
            return []
        q = normalise(query)
        words = [w for w in (content_words(q) or tokens(q)) if len(w) >= 3][:MAX_QUERY_TOKENS]
        if not words:
            return []
        wanted = set(kinds) if kinds is not None else set(KINDS)
        scored = [(score, self, r, f) for score, r, f in self._suggestions(words, wanted)]
        if self._structure_index is not None and "structure" in wanted:
            index = self._structure_index
            scored += [(score, index, r, f) for score, r, f in index._suggestions(words, wanted)]
        scored.sort(key=lambda x: (-x[0], _KIND_ORDER[x[1]._records[x[2]][0]], x[1]._records[x[2]][2]))
        return [Hit(*index._records[r], round(score, 4), index._fields[f].text) for score, index, r, f in scored[:n]]

    def _suggestions(self, words: list[str], wanted: set[str]) -> list[tuple[float, int, int]]:
        """The records of this index sharing a word of ``words``: (score > 0, record, field shown)."""
        weights = []
        per_record: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(words))
        best_field: dict[int, tuple[float, int]] = {}
        for i, word in enumerate(words):
            matches = [(tid, sim) for tid, sim in self._word_matches(word) if sim >= _SUGGEST_SIMILARITY]
            weights.append(max((self._idf[tid] for tid, _ in matches), default=self._max_idf))
            for tid, sim in matches:
                for record, f_idx in self._postings[tid]:
                    if self._records[record][0] not in wanted:
                        continue
                    scores = per_record[record]
                    scores[i] = max(scores[i], sim)
                    rank = self._fields[f_idx].rank
                    if record not in best_field or rank < self._fields[best_field[record][1]].rank:
                        best_field[record] = (sim, f_idx)
        total = sum(weights) or 1.0
        scored = ((sum(w * s for w, s in zip(weights, scores, strict=True)) / total, record)
                  for record, scores in per_record.items())
        return [(s, r, best_field[r][1]) for s, r in scored if s > 0]


class _StructureIndex(CatalogSearch):
    """The anatomy's structures, indexed as :class:`CatalogSearch` indexes the catalog (their
    own words and weights): a structure's name, its other names, its region.
    """

    def _content(self, q: str) -> str:
        """A query without its question words, but for those that are words of a structure's
        name: "nerve", "root", "spinal" ask about a muscle or a segment of the catalog, and are
        part of what a structure is called ("peroneal nerve", "C6 root", "spinal cord").
        """
        return " ".join(w for w in q.split() if w not in STOP_WORDS and (w not in QUESTION_WORDS or w in self._vocab))

    def __init__(self, structures: Iterable[NamedStructure]) -> None:
        self._records = []
        self._fields = []
        self._regions = {}
        self._segments = {}
        for s in structures:
            self._add("structure", s.id, s.name, [(s.name, 0), (s.id, 0)] + [(n, 1) for n in s.names]
                      + [(s.region, 2)])
        self._index()
        self._word_cache = {}
        self._field_trigrams = None
        self._structures = {}
        self._structure_index = None
