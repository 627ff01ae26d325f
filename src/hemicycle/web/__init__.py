"""The web layer: server-rendered pages in six languages, the JSON API, protocol endpoints."""
