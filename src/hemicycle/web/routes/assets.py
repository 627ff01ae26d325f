"""``/assets/<name>/<file>`` (the npm assets, see hemicycle.web.assets) and ``/api/docs``,
the API's Swagger UI page built from those local files (FastAPI's own loads a CDN and
runs an inline script, which the Content-Security-Policy forbids)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from hemicycle.messages import Message
from hemicycle.web.assets import CACHE, MEDIA, AssetsMissing, asset_path
from hemicycle.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/assets/{name}/{relative:path}")
def asset(request: Request, name: str, relative: str) -> FileResponse:
    try:
        path = asset_path(request.app.state.settings, name, relative)
    except AssetsMissing as exc:
        raise HTTPException(503, Message("assets_missing", "{reason}", reason=str(exc))) from None
    except (KeyError, ValueError):
        raise HTTPException(404, Message("no_asset", "no asset {name}/{path}", name=name,
                                         path=relative)) from None
    return FileResponse(path, media_type=MEDIA[path.suffix], headers={"Cache-Control": CACHE})


@router.get("/api/docs")
def api_docs(request: Request):
    return render(request, "api_docs.html", {"spec_url": request.app.openapi_url})
