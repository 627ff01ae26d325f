"""The FAQ as plain files: ``topics.yaml`` and one Markdown file per answer and language.

::

    topics.yaml                  # - slug: voting
                                 #   labels: {en: Voting, fr: Votes, ...}
    find-resolution/en.md        # front matter: entry, language, question, topics,
    find-resolution/fr.md        #   related, status; then the answer in Markdown

``topics`` and ``related`` belong to the entry: every language file of an entry must give
the same ones. As with guides, an import is checked whole and written whole or not at all,
and importing the same files twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.knowledge import faq
from hemicycle.knowledge.findings import Finding, KnowledgeError, errors
from hemicycle.knowledge.frontmatter import FrontMatterError, read_file, text_field, write_text
from hemicycle.knowledge.guide_files import ImportRefused
from hemicycle.knowledge.guides import Checker, check_language, check_slug

FIELDS = ("entry", "language", "question", "topics", "related", "status")
TOPICS_FILE = "topics.yaml"


@dataclass
class AnswerFile:
    where: str
    slug: str
    language: str
    question: str
    answer: str
    topics: list[str]
    related: list[str]
    status: str
    body_line: int


@dataclass
class FaqImportResult:
    topics: int = 0
    answers: int = 0
    changed: int = 0
    findings: list[Finding] = field(default_factory=list)


def _slug_list(value: object, name: str, where: str) -> tuple[list[str], list[Finding]]:
    if value is None:
        return [], []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return [], [Finding("field", f"{name}: expected a list of names", where)]
    try:
        return [check_slug(v) for v in value], []
    except KnowledgeError as exc:
        return [], [Finding("field", f"{name}: {exc}", where)]


def _read_topics(path: Path) -> tuple[list[dict], list[Finding]]:
    if not path.is_file():
        return [], []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [Finding("field", "not readable as YAML",
                            f"{path}:{mark.line + 1 if mark else 1}")]
    if not isinstance(data, list):
        return [], [Finding("field", "expected a list of topics (- slug: ... labels: ...)",
                            str(path))]
    topics, findings = [], []
    for i, item in enumerate(data, 1):
        where = f"{path}: topic {i}"
        if not isinstance(item, dict) or not isinstance(item.get("labels"), dict):
            findings.append(Finding("field", "expected slug: and labels: {language: label}",
                                    where))
            continue
        try:
            topics.append({"slug": check_slug(str(item.get("slug", ""))),
                           "labels": {check_language(str(k)): str(v)
                                      for k, v in item["labels"].items()},
                           "position": i})
        except KnowledgeError as exc:
            findings.append(Finding("field", str(exc), where))
    return topics, findings


def _read_answer(path: Path) -> tuple[AnswerFile | None, list[Finding]]:
    try:
        source = read_file(path)
    except FrontMatterError as exc:
        return None, [exc.finding]
    where = source.where(2)
    problems = [Finding("field", f"unknown field {k!r}: expected {', '.join(FIELDS)}", where)
                for k in source.meta if k not in FIELDS]
    values = {}
    for name, required in (("entry", True), ("language", True), ("question", True),
                           ("status", False)):
        values[name], problem = text_field(source.meta, name, where, required=required,
                                           limit=faq.MAX_QUESTION)
        if problem:
            problems.append(problem)
    topics, bad = _slug_list(source.meta.get("topics"), "topics", where)
    related, bad2 = _slug_list(source.meta.get("related"), "related", where)
    problems += bad + bad2
    if not source.body.strip():
        problems.append(Finding("field", "the answer (after the front matter) is empty",
                                where))
    if problems:
        return None, problems
    try:
        slug, lang = check_slug(values["entry"]), check_language(values["language"])
    except KnowledgeError as exc:
        return None, [Finding("field", str(exc), where)]
    status = values["status"] or "published"
    if status not in ("published", "draft"):
        problems.append(Finding("field", f"status: {status!r}: expected published or draft",
                                where))
    if path.parent.name != slug or path.stem != lang:
        problems.append(Finding("field", f"an answer of entry {slug} in {lang} must be "
                                f"{slug}/{lang}.md", where))
    if problems:
        return None, problems
    return AnswerFile(str(path), slug, lang, values["question"], source.body, topics, related,
                      status, source.body_line), []


def import_folder(settings: Settings, folder: Path, who: str,
                  checker: Checker | None = None) -> FaqImportResult:
    if not folder.is_dir():
        raise ImportRefused([Finding("field", "not a folder", str(folder))])
    topics, findings = _read_topics(folder / TOPICS_FILE)
    answers: list[AnswerFile] = []
    for path in sorted(folder.glob("*/*.md")):
        item, problems = _read_answer(path)
        findings += problems
        if item is not None:
            answers.append(item)
    first: dict[str, AnswerFile] = {}
    seen: set[tuple[str, str]] = set()
    topic_slugs = {t["slug"] for t in topics}
    result = FaqImportResult()
    with session_scope(settings.database_url) as db:
        topic_slugs |= {t.slug for t in faq.topics(db)}
        for a in answers:
            if (a.slug, a.language) in seen:
                findings.append(Finding("duplicate", f"{a.slug} ({a.language}) twice", a.where))
            seen.add((a.slug, a.language))
            lead = first.setdefault(a.slug, a)
            if (lead.topics, lead.related) != (a.topics, a.related):
                findings.append(Finding("field", f"topics and related must be the same in "
                                        f"every language of {a.slug}: they differ from "
                                        f"{lead.where}", f"{a.where}:2"))
            findings += [Finding("field", f"topics: unknown topic {t!r}", f"{a.where}:2")
                         for t in a.topics if t not in topic_slugs]
            for f in faq.check_answer(db, a.answer, checker):
                line = int(f.where.split()[-1]) if f.where.startswith("line ") else None
                findings.append(Finding(f.code, f.message, f"{a.where}:{a.body_line + line - 1}"
                                        if line else a.where))
        entries = set(first) | {e.slug for e in faq.all_entries(db)}
        for a in answers:
            findings += [Finding("field", f"related: no entry {r!r}", f"{a.where}:2")
                         for r in a.related if r not in entries]
        if errors(findings):
            raise ImportRefused(findings)
        result.findings = findings
        for t in topics:
            faq.save_topic(db, t["slug"], t["labels"], who, t["position"])
            result.topics += 1
        db.flush()
        for a in answers:
            before = faq.text_of(db, a.slug, a.language)
            old = before.version if before is not None else 0
            text, _ = faq.save_text(db, a.slug, a.language, question=a.question,
                                    answer=a.answer, who=who, publish=a.status == "published",
                                    topic_slugs=a.topics, related=a.related, checker=checker)
            result.answers += 1
            result.changed += text.version != old
    return result


def export_folder(settings: Settings, folder: Path) -> list[Path]:
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    with session_scope(settings.database_url) as db:
        topics = [{"slug": t.slug, "labels": dict(t.labels)} for t in faq.topics(db)]
        path = folder / TOPICS_FILE
        path.write_text(yaml.safe_dump(topics, allow_unicode=True, sort_keys=False,
                                       width=10_000), encoding="utf-8")
        written.append(path)
        for entry in faq.all_entries(db):
            for text in entry.texts:
                meta = {"entry": entry.slug, "language": text.language,
                        "question": text.question}
                if entry.topics:
                    meta["topics"] = list(entry.topics)
                if entry.related:
                    meta["related"] = list(entry.related)
                meta["status"] = text.state
                path = folder / entry.slug / f"{text.language}.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(write_text(meta, text.answer), encoding="utf-8")
                written.append(path)
    return written
