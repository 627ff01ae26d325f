"""How unpc.jsonl and cr-unsc/ here were made from ../shared/data (run from the repo root).

unpc.jsonl: the first 240 documents (in order of first appearance) of the UN Parallel
Corpus test set, one JSON object per line: the corpus id, and per language the
document's sentences in file order joined by newlines. cr-unsc/: 40 resolution texts.
"""

import json
import sys
from pathlib import Path

SHARED = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
OUT = Path(__file__).parent
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
N_DOCS = 240


def main() -> None:
    src = SHARED / "unpc-testset"
    ids = (src / "UNv1.0.testset.ids").read_text(encoding="utf-8").splitlines()
    lines = {lang: (src / f"UNv1.0.testset.{lang}").read_text(encoding="utf-8").splitlines()
             for lang in LANGS}
    docs: dict[str, dict[str, list[str]]] = {}
    for i, row in enumerate(ids):
        doc_id = row.split()[0]
        if doc_id not in docs:
            if len(docs) == N_DOCS:
                continue
            docs[doc_id] = {lang: [] for lang in LANGS}
        for lang in LANGS:
            docs[doc_id][lang].append(lines[lang][i])
    with (OUT / "unpc.jsonl").open("w", encoding="utf-8") as fh:
        for doc_id, texts in docs.items():
            joined = {k: "\n".join(v) for k, v in texts.items()}
            fh.write(json.dumps({"id": doc_id, "texts": joined}, ensure_ascii=False) + "\n")
    gold = SHARED / "cr-unsc" / "res_en_gold"
    (OUT / "cr-unsc").mkdir(exist_ok=True)
    for path in sorted(gold.glob("*.txt"))[200:240]:
        (OUT / "cr-unsc" / path.name).write_bytes(path.read_bytes())


if __name__ == "__main__":
    main()
