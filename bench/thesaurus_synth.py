"""A synthetic six-language SKOS vocabulary that follows the real UNBIS labels' shape.

Labels are built from the words (characters, for Chinese) of the real six-language
labels in corpus/thesaurus/unbis-labels, with the real distribution of label lengths
per language; the hierarchy mimics UNBIS (18 domains > ~143 microthesauri > concepts,
broader trees a few levels deep, about one related link and 1.7 alt labels per concept).

    .venv/bin/python bench/thesaurus_synth.py 100000 /tmp/synth.nt
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
SKOS = "http://www.w3.org/2004/02/skos/core#"
BASE = "http://example.org/synth/"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def real_labels() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {lang: [] for lang in LANGS}
    with LABELS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            for lang in LANGS:
                if row[lang]:
                    out[lang].append(row[lang])
    return out


def _tokens(label: str, lang: str) -> list[str]:
    return list(label) if lang == "zh" else label.split()


def generate(n: int, path: Path, seed: int = 13) -> None:
    rng = random.Random(seed)
    real = real_labels()
    vocab = {lang: [t for label in labels for t in _tokens(label, lang)]
             for lang, labels in real.items()}
    lengths = {lang: [len(_tokens(label, lang)) for label in labels]
               for lang, labels in real.items()}
    seen: dict[str, set[str]] = {lang: set() for lang in LANGS}

    def label(lang: str) -> str:
        joiner = "" if lang == "zh" else " "
        while True:
            words = [rng.choice(vocab[lang]) for _ in range(rng.choice(lengths[lang]))]
            text = joiner.join(words)
            if text not in seen[lang]:
                seen[lang].add(text)
                return text

    with path.open("w", encoding="utf-8") as out:
        def triple(s: str, p: str, o: str) -> None:
            out.write(f"<{BASE}{s}> <{SKOS}{p}> {o} .\n")

        out.write(f"<{BASE}00> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                  f"<{SKOS}ConceptScheme> .\n")
        micro = []
        for d in range(1, 19):
            dom = f"{d:02d}"
            out.write(f"<{BASE}{dom}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                      f"<{SKOS}Collection> .\n")
            for lang in LANGS:
                triple(dom, "prefLabel", f'"{_esc(label(lang))}"@{lang}')
            for m in range(1, 9):
                code = f"{dom}{m:02d}00"
                micro.append(code)
                triple(dom, "member", f"<{BASE}{code}>")
                for lang in LANGS:
                    triple(code, "prefLabel", f'"{_esc(label(lang))}"@{lang}')
        ids = [f"{1000000 + i}" for i in range(n)]
        for i, cid in enumerate(ids):
            out.write(f"<{BASE}{cid}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                      f"<{SKOS}Concept> .\n")
            triple(cid, "inScheme", f"<{BASE}00>")
            for lang in LANGS:
                if rng.random() < 0.995:  # a few gaps, as in real exports
                    triple(cid, "prefLabel", f'"{_esc(label(lang))}"@{lang}')
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 5))):
                lang = rng.choice(LANGS)
                triple(cid, "altLabel", f'"{_esc(label(lang))}"@{lang}')
            if i > 50 and rng.random() < 0.8:
                triple(cid, "broader", f"<{BASE}{ids[rng.randrange(max(1, i // 3))]}>")
            if i > 10 and rng.random() < 0.7:
                triple(cid, "related", f"<{BASE}{ids[rng.randrange(i)]}>")
            out.write(f"<{BASE}{rng.choice(micro)}> <{SKOS}member> <{BASE}{cid}> .\n")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
