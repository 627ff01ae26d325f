"""Route modules: each holds one APIRouter named ``router`` (listed in web.app.ROUTE_MODULES)."""
