"""Character and word error rates per language: real scans and synthetic A4 pages, ours
against plain ``tesseract`` on the same pages in the same run.

Real: SC 84 and SC 777 crops against the hand-corrected CR-UNSC texts, and A/L.632
against a hand transcription, with the scan's own embedded OCR layer (Acrobat) as a
second baseline. Synthetic: full A4 pages at 300 dpi printed from UN Parallel Corpus
sentences in all six languages, with skew, blur and grain. Plain tesseract is the
``tesseract`` command with the language's model on the same image file (a PDF page
rendered at 300 dpi first), nothing else.

    .venv/bin/python bench/digitise_quality.py [--pages 2] [--lines 0]
    # held-out pages: sentences the tests and the tuning never saw
    .venv/bin/python bench/digitise_quality.py --sentences ../shared/data/unpc-testset \\
        --offset 120 --pages 4 --languages zh
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hemicycle.digitise.evaluate import evaluate_real, evaluate_synthetic  # noqa: E402
from hemicycle.languages import CODES  # noqa: E402


def weighted(results: list) -> tuple[int, float, float]:
    chars = sum(r.chars for r in results)
    return (chars, sum(r.cer * r.chars for r in results) / max(1, chars),
            sum(r.wer for r in results) / max(1, len(results)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2, help="synthetic pages per language")
    parser.add_argument("--lines", type=int, default=0, help="lines per page (0: a full page)")
    parser.add_argument("--sentences", type=Path, default=None,
                        help="folder of UNv1.0.testset.<lang> files (default: tests' 120 lines)")
    parser.add_argument("--offset", type=int, default=0, help="first sentence used")
    parser.add_argument("--languages", default=",".join(CODES))
    parser.add_argument("--no-real", action="store_true", help="synthetic pages only")
    args = parser.parse_args()
    languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    if not args.no_real:
        rows = evaluate_real(baseline=True)
        print("| set | item | lang | CER | WER | words missed (any order) | chars |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r.set} | {r.item} | {r.language} | {r.cer:.4f} | {r.wer:.4f} "
                  f"| {r.bow:.4f} | {r.chars} |")
        ours = {r.item: r for r in rows if r.set == "real"}
        plain = {r.item: r for r in rows if r.set == "tesseract"}
        print()
        for item, r in ours.items():
            base = plain[item]
            print(f"{item}: ours CER {r.cer:.4f} vs plain tesseract {base.cer:.4f} "
                  f"({'not worse' if r.cer <= base.cer else 'WORSE'})")
        layer = next(r for r in rows if r.set == "baseline")
        a_l = next(r for r in ours.values() if "A_L.632" in r.item)
        print(f"A/L.632: ours CER {a_l.cer:.4f} vs embedded layer {layer.cer:.4f} "
              f"(ratio {layer.cer / max(a_l.cer, 1e-9):.2f}x)\n")
    synthetic = evaluate_synthetic(languages, pages=args.pages, lines=args.lines or None,
                                   data=args.sentences, offset=args.offset, baseline=True)
    by_language: dict[tuple[str, str], list] = defaultdict(list)
    for r in synthetic:
        by_language[(r.set, r.language)].append(r)
    print(f"synthetic: {args.pages} page(s) per language from sentence {args.offset} of "
          f"{args.sentences or 'tests/data/digitise/unpc'}")
    print("| lang | pages | chars | ours CER | tesseract CER | ours WER | tesseract WER "
          "| mean word confidence |")
    print("|---|---|---|---|---|---|---|---|")
    for language in languages:
        mine, base = by_language[("synthetic", language)], by_language[("tesseract", language)]
        chars, cer, wer = weighted(mine)
        _c, base_cer, base_wer = weighted(base)
        conf = sum(r.confidence or 0 for r in mine) / max(1, len(mine))
        flag = "" if cer <= base_cer else " WORSE"
        print(f"| {language} | {len(mine)} | {chars} | {cer:.4f}{flag} | {base_cer:.4f} "
              f"| {wer:.4f} | {base_wer:.4f} | {conf:.1f} |")


if __name__ == "__main__":
    main()
