"""Finding thesaurus concepts named in a text, strictly enough to build on.

The lexical backend counts every label whose stems occur; what this module finds feeds
learnt models, so it keeps fewer false hits:

* The names of the UN's own bodies and officers (Security Council, Secretary-General, ...)
  are taken out first, in each language: "Security Council" is not a text about
  securities, "Secretary-General" not one about generals.
* A word matches a label word when their stems agree and their lengths differ by no more
  than an inflection changes (``languages.inflection.ending_change``): "regional" does not
  find "regionalism", "national" not "nationality". (The search's expansion compares the
  spelling itself, ``inflection.inflected``; here that kept "security" from SECURITIES but
  cost the whole documents one right concept on the dev set: bench/RESULTS.md.)
* A label found inside a longer one found at the same place counts for the longer only
  ("international security" is not also "securities").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from hemicycle.languages.inflection import ending_change
from hemicycle.subjects.analysis import words_and_stems
from hemicycle.subjects.vocabulary import Vocabulary

MASK = "\x00"

# The principal organs and the office named in nearly every UN text, as each language
# writes them; inflected forms (Совета Безопасности, لمجلس الأمن) meet them through stems.
BODY_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Security Council", "General Assembly", "Secretary-General",
           "Economic and Social Council", "United Nations", "Secretariat"),
    "fr": ("Conseil de sécurité", "Assemblée générale", "Secrétaire général",
           "Conseil économique et social", "Organisation des Nations Unies", "Nations Unies",
           "Secrétariat"),
    "es": ("Consejo de Seguridad", "Asamblea General", "Secretario General",
           "Consejo Económico y Social", "Organización de las Naciones Unidas",
           "Naciones Unidas", "Secretaría"),
    "ru": ("Совет Безопасности", "Генеральная Ассамблея", "Генеральный секретарь",
           "Экономический и Социальный Совет", "Организация Объединенных Наций", "ООН",
           "Секретариат"),
    "ar": ("مجلس الأمن", "الجمعية العامة", "الأمين العام", "المجلس الاقتصادي والاجتماعي",
           "الأمم المتحدة", "الأمانة العامة"),
    "zh": ("安全理事会", "安理会", "大会", "秘书长", "经济及社会理事会", "经社理事会", "联合国",
           "秘书处"),
}


@dataclass
class Matched:
    """One concept found in a text: how often and where first (0 = at the start)."""

    count: int
    first: float


@dataclass
class TextMatches:
    concepts: dict[str, Matched] = field(default_factory=dict)
    tokens: int = 0


@lru_cache(maxsize=200_000)
def analyse(text: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(folded words, their stems) of ``text`` read as ``lang``; Chinese: characters
    (``analysis.words_and_stems``, whose tokens TF-IDF reads too: analysed once)."""
    return words_and_stems(text, lang)


@dataclass
class _Label:
    stems: tuple[str, ...]
    lengths: tuple[int, ...]
    uri: str


class ConceptMatcher:
    """The concepts of ``vocab`` named in texts, one label index per language (built on
    first use of that language)."""

    def __init__(self, vocab: Vocabulary, stop: frozenset[str] = frozenset()) -> None:
        self.vocab = vocab
        self.stop = stop  # concepts never reported (learnt false friends)
        self._index: dict[str, dict[str, list[tuple[int, dict[tuple[str, ...],
                                                                list[_Label]]]]]] = {}
        self._languages: frozenset[str] | None = None

    def __getstate__(self) -> dict:
        return {"vocab": None, "stop": self.stop, "_index": {}, "_languages": None}

    def attach(self, vocab: Vocabulary) -> None:
        self.vocab, self._index, self._languages = vocab, {}, None

    def languages(self) -> frozenset[str]:
        """The languages the vocabulary has labels in."""
        if self._languages is None:
            self._languages = frozenset(lang for c in self.vocab.concepts.values()
                                        for lang in c.labels)
        return self._languages

    def _language_index(self, lang: str):
        index = self._index.get(lang)
        if index is not None:
            return index
        grouped: dict[str, dict[int, dict[tuple[str, ...], list[_Label]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list)))
        for concept in self.vocab.concepts.values():
            if concept.uri in self.stop:
                continue
            for label_lang, text, _pref in concept.all_labels():
                if label_lang != lang:
                    continue
                words, stems = analyse(text, lang)
                if not stems:
                    continue
                entry = _Label(stems, tuple(len(w) for w in words), concept.uri)
                bucket = grouped[stems[0]][len(stems)][stems]
                if all(e.uri != entry.uri for e in bucket):
                    bucket.append(entry)
        index = {first: sorted(((n, dict(t)) for n, t in by_len.items()), reverse=True)
                 for first, by_len in grouped.items()}
        self._index[lang] = index
        return index

    def match(self, text: str, lang: str) -> TextMatches:
        words, stems = analyse(text, lang)
        stems = without_bodies(stems, lang)
        index = self._language_index(lang)
        slack = ending_change(lang)
        spans: list[tuple[int, int, str]] = []
        for i, stem in enumerate(stems):
            for n, table in index.get(stem, ()):
                for label in table.get(tuple(stems[i:i + n]), ()):
                    if lang != "zh" and any(abs(len(words[i + k]) - label.lengths[k]) > slack
                                            for k in range(n)):
                        continue
                    spans.append((i, i + n, label.uri))
        found = TextMatches(tokens=len(stems))
        size = max(len(stems), 1)
        for start, _end, uri in _outermost(spans):
            seen = found.concepts.get(uri)
            if seen is None:
                found.concepts[uri] = Matched(1, start / size)
            else:
                seen.count += 1
        return found


def without_bodies(stems: Sequence[str], lang: str) -> list[str]:
    """The stems with those of the UN's body names (``BODY_NAMES``) masked."""
    out = list(stems)
    bodies = _bodies(lang)
    for i, stem in enumerate(out):
        for body in bodies.get(stem, ()):
            if tuple(out[i:i + len(body)]) == body:
                out[i:i + len(body)] = [MASK] * len(body)
                break
    return out


@lru_cache(maxsize=32)
def _bodies(lang: str) -> dict[str, list[tuple[str, ...]]]:
    """First stem -> the stems of the body names starting with it, longest first."""
    out: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for name in BODY_NAMES.get(lang, ()):
        stems = analyse(name, lang)[1]
        if stems:
            out[stems[0]].append(stems)
    for names in out.values():
        names.sort(key=len, reverse=True)
    return dict(out)


def _outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans not inside a longer one (one that starts no later and ends no earlier)."""
    if not spans:
        return []
    end_at: dict[int, int] = {}
    for start, end, _uri in spans:
        end_at[start] = max(end_at.get(start, 0), end)
    before: dict[int, int] = {}  # start -> the furthest end of a span starting earlier
    furthest = -1
    for start in sorted(end_at):
        before[start] = furthest
        furthest = max(furthest, end_at[start])
    return sorted(s for s in spans if before[s[0]] < s[1] and end_at[s[0]] == s[1])
