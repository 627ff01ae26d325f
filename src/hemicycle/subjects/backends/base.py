"""The one interface every subject backend implements, and the registry of them.

A backend is built for one vocabulary, trained on a corpus (``train``), and then
ranks concepts for a text (``suggest``) or for a whole document, all its language
versions and symbols at once (``suggest_document``: by default the versions' scores
averaged, so that the versions agree). ``learn`` (update from a few new decisions
without a full retrain) is optional. A trained backend is kept as one pickle plus a
``meta.json`` that says what it was trained on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.document import DocumentInput, DocumentSuggestions
from hemicycle.subjects.errors import NotTrained, SubjectError, UnknownBackend
from hemicycle.subjects.vocabulary import Vocabulary

Progress = Callable[[int, int], None]  # (done, total)
FORMAT = 1


@dataclass(frozen=True)
class Suggestion:
    uri: str
    score: float


class Backend:
    name: ClassVar[str] = ""
    # True when suggest() needs train() first; the lexical backend works untrained.
    needs_training: ClassVar[bool] = True

    def __init__(self, vocab: Vocabulary, params: dict[str, Any] | None = None) -> None:
        self.vocab = vocab
        self.params: dict[str, Any] = dict(params or {})
        self.trained = False
        self.trained_on = 0
        self.version = ""  # set when saved: which model made a suggestion

    @property
    def model_version(self) -> str:
        """The backend and the moment its model was saved ("headings 2026-12-07T04:51:02"),
        recorded on every suggestion it makes; an untrained backend says so."""
        return getattr(self, "version", "") or f"{self.name} (untrained)"

    # --- the interface ---------------------------------------------------------------
    def train(self, corpus: Corpus, progress: Progress | None = None) -> None:
        raise NotImplementedError

    def suggest(self, text: str, lang: str, limit: int = 10) -> list[Suggestion]:
        return self.suggest_batch([text], [lang], limit)[0]

    def suggest_batch(self, texts: Sequence[str], langs: Sequence[str],
                      limit: int = 10) -> list[list[Suggestion]]:
        raise NotImplementedError

    def suggest_document(self, doc: DocumentInput, limit: int = 10) -> DocumentSuggestions:
        """One list for the whole document: each version's scores, averaged."""
        langs = doc.languages
        totals: dict[str, float] = {}
        found = self.suggest_batch([doc.texts[lang] for lang in langs], langs, limit * 2)
        for suggestions in found:
            for s in suggestions:
                totals[s.uri] = totals.get(s.uri, 0.0) + s.score
        share = max(len(langs), 1)
        return DocumentSuggestions(top({u: v / share for u, v in totals.items()}, limit))

    def learn(self, corpus: Corpus) -> None:
        raise SubjectError(f"the {self.name} backend cannot learn incrementally; retrain it")

    # --- shared helpers --------------------------------------------------------------
    def check_ready(self) -> None:
        if self.needs_training and not self.trained:
            raise NotTrained(f"the {self.name} backend for vocabulary {self.vocab.name!r} "
                             f"is not trained (run `hemicycle subjects train`)")

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("vocab", None)  # kept once, beside the models
        return state

    def attach(self, vocab: Vocabulary) -> None:
        self.vocab = vocab

    def save(self, folder: Path) -> None:
        """Write the model whole into ``folder`` (a temporary name, then renamed)."""
        folder.mkdir(parents=True, exist_ok=True)
        saved_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.version = f"{self.name} {saved_at.removesuffix('+00:00')}"
        tmp = folder / "model.pkl.tmp"
        with tmp.open("wb") as fh:
            pickle.dump({"format": FORMAT, "backend": self}, fh, protocol=5)
        os.replace(tmp, folder / "model.pkl")
        meta = {"backend": self.name, "vocab": self.vocab.name, "params": self.params,
                "trained_on": self.trained_on, "concepts": len(self.vocab),
                "saved_at": saved_at, "version": self.version}
        (folder / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")

    @staticmethod
    def load(folder: Path, vocab: Vocabulary) -> Backend:
        path = folder / "model.pkl"
        try:
            with path.open("rb") as fh:
                data = pickle.load(fh)  # our own files under the data directory only
        except FileNotFoundError:
            raise NotTrained(f"{path}: no trained model") from None
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            raise SubjectError(f"{path}: unreadable model ({exc}); retrain it") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise SubjectError(f"{path}: model format {data.get('format')!r} is not "
                               f"{FORMAT}; retrain it")
        backend: Backend = data["backend"]
        backend.attach(vocab)
        return backend


REGISTRY: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    REGISTRY[cls.name] = cls
    return cls


def backend_class(name: str) -> type[Backend]:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownBackend(
            f"unknown backend {name!r}: expected one of {', '.join(sorted(REGISTRY))}"
        ) from None


def top(scores: dict[str, float], limit: int) -> list[Suggestion]:
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [Suggestion(uri, float(score)) for uri, score in ranked if score > 0]
