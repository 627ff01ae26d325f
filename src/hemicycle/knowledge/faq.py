"""The FAQ knowledge base: questions and answers in six languages, topics, related
questions, "was this helpful?" votes, and the questions readers asked that found nothing.

An answer is Markdown (links into the catalogue and to guides, no live blocks), saved as a
draft or published; a published answer must have no error finding. Votes keep the day and
the answer only: no cookie, no address, nothing that tells one reader from another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.models import utcnow
from hemicycle.knowledge.audit import record_change
from hemicycle.knowledge.findings import Finding, KnowledgeError, errors
from hemicycle.knowledge.guides import Checker, check_language, check_slug
from hemicycle.knowledge.markup import render_markdown
from hemicycle.knowledge.models import FaqEntry, FaqFeedback, FaqSearch, FaqText, FaqTopic
from hemicycle.languages import CODES
from hemicycle.messages import Message

MAX_QUESTION = 500
MAX_ANSWER = 20_000
MAX_QUERY = 200


class FaqError(KnowledgeError):
    """A request about an answer that is refused."""


def entry_by_slug(db: Session, slug: str) -> FaqEntry | None:
    return db.scalar(select(FaqEntry).where(FaqEntry.slug == slug)
                     .options(selectinload(FaqEntry.texts)))


def text_of(db: Session, slug: str, lang: str) -> FaqText | None:
    return db.scalar(select(FaqText).join(FaqEntry).where(FaqEntry.slug == slug,
                                                          FaqText.language == lang))


def save_topic(db: Session, slug: str, labels: dict[str, str], who: str,
               position: int = 0) -> FaqTopic:
    slug = check_slug(slug)
    clean = {check_language(k): " ".join(str(v).split())[:100] for k, v in labels.items()
             if str(v).strip()}
    if "en" not in clean and not clean:
        raise FaqError("invalid-field", Message(
            "kn.topic_labels", "topic {slug}: labels: at least one language", slug=slug))
    topic = db.scalar(select(FaqTopic).where(FaqTopic.slug == slug))
    if topic is None:
        topic = FaqTopic(slug=slug, labels=clean, position=position)
        db.add(topic)
        record_change(db, who, "topic", slug, "created")
    elif topic.labels != clean or topic.position != position:
        topic.labels, topic.position = clean, position
        record_change(db, who, "topic", slug, "saved")
    return topic


def topics(db: Session) -> list[FaqTopic]:
    return list(db.scalars(select(FaqTopic).order_by(FaqTopic.position, FaqTopic.slug)))


def topic_label(topic: FaqTopic, lang: str) -> str:
    return topic.labels.get(lang) or topic.labels.get("en") or topic.slug


def _check_meta(db: Session, slug: str, topic_slugs: list[str],
                related: list[str]) -> tuple[list[str], list[str]]:
    known = set(db.scalars(select(FaqTopic.slug)))
    unknown = [t for t in topic_slugs if t not in known]
    if unknown:
        raise FaqError("invalid-field", Message(
            "kn.unknown_topic", "entry {slug}: topics: unknown topic {topic}", slug=slug,
            topic=repr(unknown[0])))
    related = [check_slug(r) for r in related if r != slug]
    return list(dict.fromkeys(topic_slugs)), list(dict.fromkeys(related))


def check_answer(db: Session, answer: str, checker: Checker | None = None) -> list[Finding]:
    rendered = render_markdown(answer, live_blocks=False)
    return rendered.findings + (checker(db, rendered) if checker else [])


def save_text(db: Session, slug: str, lang: str, *, question: str, answer: str, who: str,
              publish: bool, topic_slugs: list[str] | None = None,
              related: list[str] | None = None, version: int | None = None,
              checker: Checker | None = None) -> tuple[FaqText, list[Finding]]:
    """Save one language's question and answer (creating the entry when new). Publishing
    is refused while the answer has an error finding: nothing is saved then, so a published
    answer stays as it was (the editor's text comes back with the findings)."""
    slug, lang = check_slug(slug), check_language(lang)
    question = " ".join((question or "").split())
    if not question or len(question) > MAX_QUESTION:
        raise FaqError("invalid-field", Message(
            "kn.question_length", "question: expected 1 to {limit} characters",
            limit=MAX_QUESTION))
    answer = (answer or "").replace("\r\n", "\n").strip()
    if not answer or len(answer) > MAX_ANSWER:
        raise FaqError("invalid-field", Message(
            "kn.answer_length", "answer: expected 1 to {limit} characters",
            limit=f"{MAX_ANSWER:,}"))
    entry = entry_by_slug(db, slug)
    if entry is None:
        entry = FaqEntry(slug=slug, created_by=who)
        db.add(entry)
        record_change(db, who, "faq", slug, "created")
    if topic_slugs is not None or related is not None:
        entry.topics, entry.related = _check_meta(
            db, slug, topic_slugs if topic_slugs is not None else entry.topics,
            related if related is not None else entry.related)
    rendered = render_markdown(answer, live_blocks=False)
    findings = rendered.findings + (checker(db, rendered) if checker else [])
    text = next((t for t in entry.texts if t.language == lang), None)
    if text is not None and version is not None and version != text.version:
        raise FaqError("stale", Message(
            "kn.answer_stale", "answer {slug} ({lang}) was saved by {user} meanwhile: reload "
            "it and make your change again", slug=slug, lang=lang, user=text.updated_by))
    if publish and errors(findings):
        bad = errors(findings)
        raise FaqError("has-errors", Message(
            "kn.answer_has_errors", "answer {slug} ({lang}) has {count} problem(s) to fix "
            "first: {first}", slug=slug, lang=lang, count=len(bad), first=str(bad[0])), bad)
    state = "published" if publish else "draft"
    if text is None:
        text = FaqText(entry=entry, language=lang, question=question, answer=answer,
                       html=rendered.html, state=state, updated_by=who, version=1)
        db.add(text)
    elif (text.question, text.answer, text.state) != (question, answer, state):
        text.question, text.answer, text.html, text.state = (question, answer, rendered.html,
                                                             state)
        text.version += 1
    else:
        return text, findings
    text.updated_by, text.updated_at = who, utcnow()
    db.flush()
    record_change(db, who, "faq", f"{slug}/{lang}", "saved", state=state, version=text.version)
    return text, findings


def delete_entry(db: Session, slug: str, who: str) -> None:
    entry = entry_by_slug(db, slug)
    if entry is None:
        raise FaqError("not-found", Message("kn.no_faq_entry", "no FAQ entry {slug}",
                                            slug=repr(slug)))
    db.delete(entry)
    record_change(db, who, "faq", slug, "deleted", languages=[t.language for t in entry.texts])


# ---- reading ---------------------------------------------------------------------------

@dataclass
class Answer:
    slug: str
    language: str
    question: str
    html: str
    topics: list[str]
    related: list[dict]
    languages: list[str]
    state: str
    helpful: int = 0
    not_helpful: int = 0


def answer(db: Session, slug: str, lang: str, *, published_only: bool = True) -> Answer | None:
    entry = entry_by_slug(db, slug)
    if entry is None:
        return None
    texts = {t.language: t for t in entry.texts
             if t.state == "published" or not published_only}
    text = texts.get(lang)
    if text is None:
        return None
    related = []
    for other in entry.related:
        found = db.scalar(select(FaqText).join(FaqEntry).where(
            FaqEntry.slug == other, FaqText.language == lang,
            FaqText.state == "published"))
        if found is not None:
            related.append({"slug": other, "question": found.question})
    votes = dict(db.execute(select(FaqFeedback.helpful, func.count())
                            .where(FaqFeedback.entry_id == entry.id,
                                   FaqFeedback.language == lang)
                            .group_by(FaqFeedback.helpful)).all())
    return Answer(entry.slug, lang, text.question, text.html, list(entry.topics), related,
                  [c for c in CODES if c in texts], text.state,
                  votes.get(True, 0), votes.get(False, 0))


def questions(db: Session, lang: str, *, topic: str | None = None,
              published_only: bool = True) -> list[dict]:
    query = (select(FaqEntry.slug, FaqEntry.topics, FaqText.question, FaqText.state,
                    FaqText.updated_at, FaqText.updated_by)
             .join(FaqText, FaqText.entry_id == FaqEntry.id).where(FaqText.language == lang))
    if published_only:
        query = query.where(FaqText.state == "published")
    out = []
    for slug, entry_topics, question, state, at, by in db.execute(query.order_by(FaqEntry.id)):
        if topic and topic not in (entry_topics or []):
            continue
        out.append({"slug": slug, "topics": entry_topics or [], "question": question,
                    "state": state, "updated_at": at.isoformat(sep=" ", timespec="minutes"),
                    "updated_by": by})
    return out


def all_entries(db: Session) -> list[FaqEntry]:
    return list(db.scalars(select(FaqEntry).options(selectinload(FaqEntry.texts))
                           .order_by(FaqEntry.id)))


# ---- readers' feedback and searches -----------------------------------------------------

def record_feedback(db: Session, slug: str, lang: str, helpful: bool,
                    today: dt.date | None = None) -> None:
    entry = entry_by_slug(db, slug)
    if entry is None or not any(t.language == lang and t.state == "published"
                                for t in entry.texts):
        raise FaqError("not-found", Message("kn.no_published_answer",
                                            "no published answer {slug} in {lang}",
                                            slug=repr(slug), lang=lang))
    db.add(FaqFeedback(entry_id=entry.id, language=lang, helpful=helpful,
                       day=today or dt.datetime.now(dt.UTC).date()))


def normalise_query(text: str) -> str:
    return " ".join(text.lower().split())[:MAX_QUERY]


def record_search(db: Session, query: str, lang: str, answered: bool,
                  month: str | None = None) -> None:
    """Count a question asked in the FAQ search (one row per month, language and text)."""
    text = normalise_query(query)
    if not text:
        return
    month = month or dt.datetime.now(dt.UTC).strftime("%Y-%m")
    for _attempt in range(2):
        row = db.scalar(select(FaqSearch).where(FaqSearch.month == month,
                                                FaqSearch.language == lang,
                                                FaqSearch.query == text))
        if row is not None:
            row.count += 1
            row.answered = row.answered or answered
            return
        try:
            with db.begin_nested():
                db.add(FaqSearch(month=month, language=lang, query=text, count=1,
                                 answered=answered))
            return
        except IntegrityError:  # another worker counted the same question first
            continue


def unanswered(db: Session, *, months: int = 3, limit: int = 100) -> list[dict]:
    """Questions readers asked that matched no answer, most asked first."""
    today = dt.datetime.now(dt.UTC).date()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (months - 1))).strftime("%Y-%m")
    rows = db.execute(select(FaqSearch.query, FaqSearch.language,
                             func.sum(FaqSearch.count), func.max(FaqSearch.month))
                      .where(FaqSearch.answered.is_(False), FaqSearch.month >= first)
                      .group_by(FaqSearch.query, FaqSearch.language)
                      .order_by(func.sum(FaqSearch.count).desc(), FaqSearch.query)
                      .limit(limit)).all()
    return [{"query": q, "language": lang, "count": int(n), "last_month": m}
            for q, lang, n, m in rows]


def low_rated(db: Session, *, min_votes: int = 3, limit: int = 50) -> list[dict]:
    """Answers readers found least helpful (at least ``min_votes`` votes), worst first."""
    yes = func.sum(case((FaqFeedback.helpful.is_(True), 1), else_=0))
    total = func.count()
    rows = db.execute(select(FaqEntry.slug, FaqFeedback.language, yes, total)
                      .join(FaqEntry, FaqEntry.id == FaqFeedback.entry_id)
                      .group_by(FaqEntry.slug, FaqFeedback.language)
                      .having(total >= min_votes)).all()
    out = [{"slug": slug, "language": lang, "helpful": int(y), "votes": int(n),
            "share": round(int(y) / int(n), 3)} for slug, lang, y, n in rows]
    out.sort(key=lambda r: (r["share"], -r["votes"], r["slug"]))
    return out[:limit]


def purge_searches(db: Session, retention_days: int, today: dt.date | None = None) -> int:
    """Forget counted questions of months older than the retention period (a reader may
    have typed something personal into the search box)."""
    cutoff = ((today or dt.datetime.now(dt.UTC).date())
              - dt.timedelta(days=retention_days)).strftime("%Y-%m")
    rows = list(db.scalars(select(FaqSearch).where(FaqSearch.month < cutoff)))
    for row in rows:
        db.delete(row)
    return len(rows)
