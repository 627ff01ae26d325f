"""``hemicycle serve``: the web interface, JSON API and protocol endpoints."""

from __future__ import annotations

from typing import Annotated

import typer

verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option()] = 1,
) -> None:
    """Serve the web interface and the API."""
    import uvicorn

    print(f"Hemicycle is serving at http://{host}:{port}", flush=True)
    uvicorn.run(
        "hemicycle.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
