"""``hemicycle serve``: the web interface, JSON API and protocol endpoints."""

from __future__ import annotations

from typing import Annotated

import typer

from hemicycle.cli.common import fail, settings

verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("serve")
def serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
    workers: Annotated[int, typer.Option()] = 1,
) -> None:
    """Serve the web interface and the API."""
    import uvicorn

    from hemicycle.usage.geo import GeoDatabaseError, check_database

    try:
        source = check_database(settings())
    except GeoDatabaseError as exc:
        fail(f"geoip_database: {exc}")
    print(f"Readers' places resolved with {source}", flush=True)
    print(f"Hemicycle is serving at http://{host}:{port}", flush=True)
    uvicorn.run(
        "hemicycle.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
