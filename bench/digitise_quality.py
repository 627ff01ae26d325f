"""Character and word error rates per language: real scans and synthetic A4 pages.

Real: SC 84 and SC 777 crops against the hand-corrected CR-UNSC texts, and A/L.632
against a hand transcription, with the scan's own embedded OCR layer (Acrobat) as
the baseline in the same run. Synthetic: full A4 pages at 300 dpi printed from UN
Parallel Corpus sentences in all six languages, with skew, blur and grain.

    .venv/bin/python bench/digitise_quality.py [--pages 2] [--lines 0]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2, help="synthetic pages per language")
    parser.add_argument("--lines", type=int, default=0, help="lines per page (0: a full page)")
    args = parser.parse_args()
    rows = evaluate_real()
    print("| set | item | lang | CER | WER | words missed (any order) | chars |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r.set} | {r.item} | {r.language} | {r.cer:.4f} | {r.wer:.4f} | {r.bow:.4f} "
              f"| {r.chars} |")
    ours = next(r for r in rows if r.set == "real" and "A_L.632" in r.item)
    layer = next(r for r in rows if r.set == "baseline")
    print(f"\nA/L.632: ours CER {ours.cer:.4f} vs embedded layer {layer.cer:.4f} "
          f"(ratio {layer.cer / max(ours.cer, 1e-9):.2f}x)\n")
    synthetic = evaluate_synthetic(list(CODES), pages=args.pages, lines=args.lines or None)
    by_language: dict[str, list] = defaultdict(list)
    for r in synthetic:
        by_language[r.language].append(r)
    print("| lang | pages | chars | CER | WER | mean word confidence |")
    print("|---|---|---|---|---|---|")
    for language in CODES:
        results = by_language[language]
        chars = sum(r.chars for r in results)
        cer = sum(r.cer * r.chars for r in results) / chars
        wer = sum(r.wer for r in results) / len(results)
        conf = sum(r.confidence or 0 for r in results) / len(results)
        print(f"| {language} | {len(results)} | {chars} | {cer:.4f} | {wer:.4f} | {conf:.1f} |")


if __name__ == "__main__":
    main()
