"""The staff desk of the knowledge services (``/knowledge``) and what the guide, FAQ,
inquiry, training and Member State pages share.

| URL | who | does |
|---|---|---|
| GET /knowledge | editors, inquiry staff, admins | the desk: work waiting, unanswered |
|  |  | questions, low-rated answers, page views per language and month |
| GET /knowledge/changes | editors, inquiry staff, admins | who changed what, and when |

Editors (role ``editor``) write guides and answers and run training sessions; inquiry
staff (role ``inquiries``) answer "Ask a librarian"; administrators may do both.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from hemicycle.accounts import role_allows
from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import audit, faq, inquiries, views
from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.knowledge.formguard import AddressLimiter
from hemicycle.languages import CODES
from hemicycle.messages import Message, message_of
from hemicycle.web.auth import current_user, signin_first
from hemicycle.web.routes.usage import record_page_view
from hemicycle.web.templating import render

router = APIRouter()

EDITOR, INQUIRIES = "editor", "inquiries"
_STATUS = {"not-found": 404, "stale": 409, "bad-state": 409, "has-errors": 409,
           "invalid-field": 400, "exists": 409, "full": 409, "cancelled": 409, "past": 409,
           "original-has-translations": 409, "import-refused": 400, "honeypot": 400,
           "stamp": 400, "too-fast": 400, "too-old": 400, "too-many": 429}


def status_of(exc: KnowledgeError) -> int:
    return _STATUS.get(exc.code, 400)


def http_error(exc: KnowledgeError) -> HTTPException:
    return HTTPException(status_of(exc), message_of(exc))


def no_language(lang: str) -> Message:
    """The refusal for a language code in a URL that is not one of the six."""
    return Message("kn.no_language", "no language {value}: expected one of {allowed}",
                   value=repr(lang), allowed=", ".join(CODES))


def unknown_action(action: str) -> Message:
    return Message("kn.unknown_action", "unknown action {action}", action=repr(action))


def db_for(request: Request):
    return session_scope(request.app.state.settings.database_url)


def may(request: Request, role: str) -> bool:
    user = current_user(request)
    return user is not None and role_allows(user.role, role)


def is_staff(request: Request) -> bool:
    return may(request, EDITOR) or may(request, INQUIRIES)


def who(request: Request) -> str:
    user = current_user(request)
    return user.name if user else "?"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def limiter(request: Request, name: str, **limits) -> AddressLimiter:
    """The application's own per-address limiter for one form (kept on the app, so each
    application, and each test, starts with none counted)."""
    limiters = request.app.state.__dict__.setdefault("knowledge_limiters", {})
    if name not in limiters:
        limiters[name] = AddressLimiter(**limits)
    return limiters[name]


def record_view(request: Request, kind: str, lang: str, key: str) -> None:
    """A reader's view of a guide, answer or state page, for the COUNTER counts, through
    the usage package's hook for pages (staff looking at their own pages is work, not
    use)."""
    if not is_staff(request):
        page_type, path = views.page_path(kind, key, lang)
        record_page_view(request, page_type, lang, path=path)


def _desk_signin(request: Request):
    """Anonymous: to the sign-in page; signed in without a knowledge role: 403."""
    if current_user(request) is None:
        return signin_first(request, EDITOR)
    if not is_staff(request):
        raise HTTPException(403, Message("kn.staff_only",
                                         "the editor or inquiries role is required"))
    return None


@router.get("/knowledge", include_in_schema=False)
def desk(request: Request):
    if (redirect := _desk_signin(request)) is not None:
        return redirect
    from hemicycle.knowledge import guides

    context: dict = {"is_editor": may(request, EDITOR),
                     "is_inquiries": may(request, INQUIRIES)}
    with db_for(request) as db:
        if context["is_editor"]:
            pages = guides.list_pages(db, published_only=False)
            context["in_review"] = [p for p in pages if p.state == "review"]
            context["drafts"] = [p for p in pages if p.state == "draft"]
            context["unanswered"] = faq.unanswered(db, limit=30)
            context["low_rated"] = faq.low_rated(db, limit=20)
        if context["is_inquiries"]:
            context["inquiry_counts"] = inquiries.counts(db)
        context["views"] = views.views_by_language(db)
        context["top_pages"] = views.top_pages(db, limit=15)
    return render(request, "knowledge/desk.html", context)


@router.get("/knowledge/changes", include_in_schema=False)
def changes_page(request: Request, kind: str | None = None, subject: str | None = None):
    if (redirect := _desk_signin(request)) is not None:
        return redirect
    with db_for(request) as db:
        rows = audit.changes(db, kind=kind or None, subject=subject or None, limit=500)
    return render(request, "knowledge/changes.html", {"rows": rows, "kind": kind or "",
                                                       "subject": subject or ""})
