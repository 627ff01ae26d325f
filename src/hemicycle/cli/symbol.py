"""``hemicycle symbol``: check and normalise document symbols, one JSON object per line."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from hemicycle.symbols import SymbolError, parse_symbol


def describe(text: str) -> dict[str, object]:
    """What the command prints for one input: the canonical form, body and session, or
    why it is not a symbol."""
    try:
        sym = parse_symbol(text)
    except SymbolError as exc:
        return {"input": text, "canonical": None, "body": None, "session": None,
                "valid": False, "error": str(exc)}
    return {"input": text, "canonical": sym.canonical, "body": sym.body,
            "session": sym.session, "valid": True, "key": sym.key, "year": sym.year,
            "doc_type": sym.doc_type}


verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("symbol")
def symbol(
    symbols: Annotated[
        list[str] | None,
        typer.Argument(help="Symbols to check; without any, one per line on stdin."),
    ] = None,
) -> None:
    """Parse symbols; print one JSON object per line; exit 1 if any is not a symbol."""
    if symbols:
        inputs = iter(symbols)
    else:
        inputs = (line.rstrip("\r\n") for line in sys.stdin)
    all_valid = True
    for text in inputs:
        if not symbols and not text.strip():
            continue  # blank lines between symbols on stdin
        result = describe(text)
        all_valid = all_valid and bool(result["valid"])
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    if not all_valid:
        raise typer.Exit(1)
