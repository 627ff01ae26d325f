"""Guides as plain files, so a library can keep them in version control.

A folder holds one sub-folder per guide and one Markdown file per language::

    security-council-documents/en.md
    security-council-documents/fr.md

Each file starts with front matter::

    ---
    guide: security-council-documents
    language: fr
    title: Trouver les documents du Conseil de sécurité
    summary: ...
    translation_of: en        # absent in the original
    status: published         # or draft
    ---

An import is checked whole first (fields, unsafe HTML, live blocks, symbols, that every
translation's original is there) and written in one transaction, or not at all.
Importing the same files twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.knowledge import guides
from hemicycle.knowledge.findings import Finding, KnowledgeError, errors
from hemicycle.knowledge.frontmatter import (
    FrontMatterError,
    MarkdownFile,
    read_file,
    text_field,
    write_text,
)
from hemicycle.knowledge.links import LinkChecker
from hemicycle.knowledge.models import GuideRevision

STATUSES = ("published", "draft")
FIELDS = ("guide", "language", "title", "summary", "translation_of", "status", "note")


class ImportRefused(KnowledgeError):
    def __init__(self, findings: list[Finding]):
        super().__init__("import-refused", f"{len(errors(findings))} problem(s); nothing was "
                         "imported", findings)


@dataclass
class GuideFile:
    source: MarkdownFile
    slug: str
    language: str
    title: str
    summary: str
    translation_of: str | None
    status: str
    note: str


@dataclass
class ImportResult:
    pages: int = 0
    saved: int = 0
    published: int = 0
    unchanged: int = 0
    findings: list[Finding] = field(default_factory=list)  # warnings that did not stop it


def _relocate(found: list[Finding], source: MarkdownFile) -> list[Finding]:
    """Findings that say "line N" of the body, as file:line of the file."""
    out = []
    for f in found:
        line = int(f.where.split()[-1]) if f.where.startswith("line ") else None
        out.append(Finding(f.code, f.message, source.where(
            source.body_line + line - 1 if line else None)))
    return out


def _read(path: Path, folder: Path) -> tuple[GuideFile | None, list[Finding]]:
    try:
        source = read_file(path)
    except FrontMatterError as exc:
        return None, [exc.finding]
    where = source.where(2)
    meta = source.meta
    problems = [Finding("field", f"unknown field {k!r}: expected {', '.join(FIELDS)}", where)
                for k in meta if k not in FIELDS]
    values = {}
    for name, required in (("guide", True), ("language", True), ("title", True),
                           ("summary", False), ("translation_of", False), ("status", False),
                           ("note", False)):
        values[name], problem = text_field(meta, name, where, required=required)
        if problem:
            problems.append(problem)
    if problems:
        return None, problems
    try:
        slug = guides.check_slug(values["guide"])
        lang = guides.check_language(values["language"])
        original = guides.check_language(values["translation_of"]) \
            if values["translation_of"] else None
    except KnowledgeError as exc:
        return None, [Finding("field", str(exc), where)]
    status = values["status"] or "published"
    if status not in STATUSES:
        problems.append(Finding("field", f"status: {status!r}: expected published or draft",
                                where))
    if path.parent.name != slug:
        problems.append(Finding("field", f"guide: {slug!r} is in folder "
                                f"{path.parent.name!r}: they must be the same", where))
    if path.stem != lang:
        problems.append(Finding("field", f"language: {lang!r} is in file {path.name!r}: "
                                "name the file after its language", where))
    if original == lang:
        problems.append(Finding("field", "translation_of: a page cannot be a translation of "
                                "itself", where))
    if problems:
        return None, problems
    return GuideFile(source, slug, lang, values["title"], values["summary"] or "", original,
                     status, values["note"] or ""), []


def read_folder(folder: Path) -> tuple[list[GuideFile], list[Finding]]:
    if not folder.is_dir():
        raise ImportRefused([Finding("field", "not a folder", str(folder))])
    files, findings = [], []
    for path in sorted(folder.glob("*/*.md")):
        item, problems = _read(path, folder)
        findings.extend(problems)
        if item is not None:
            files.append(item)
    if not files and not findings:
        findings.append(Finding("field", "no guide files (<guide>/<language>.md) here",
                                str(folder)))
    return files, findings


def _check_set(db: Session, files: list[GuideFile]) -> list[Finding]:
    """One original per guide; every translation's original present here or saved."""
    findings = []
    seen: dict[tuple[str, str], GuideFile] = {}
    by_guide: dict[str, list[GuideFile]] = {}
    for f in files:
        if (f.slug, f.language) in seen:
            findings.append(Finding("duplicate", f"{f.slug} ({f.language}) is also in "
                                    f"{seen[(f.slug, f.language)].source.path}",
                                    f.source.where()))
            continue
        seen[(f.slug, f.language)] = f
        by_guide.setdefault(f.slug, []).append(f)
    for slug, group in by_guide.items():
        saved = guides.guide_by_slug(db, slug)
        have = {f.language for f in group} | {p.language for p in (saved.pages if saved else [])}
        originals = [f for f in group if f.translation_of is None]
        if len(originals) > 1:
            findings.append(Finding("field", f"guide {slug}: {len(originals)} files claim to be "
                                    "the original (no translation_of): "
                                    + ", ".join(f.language for f in originals),
                                    originals[1].source.where(2)))
        if not originals and saved is None:
            findings.append(Finding("original-missing", f"guide {slug}: every file is a "
                                    "translation; the original is missing",
                                    group[0].source.where(2)))
        for f in group:
            if f.translation_of and f.translation_of not in have:
                findings.append(Finding("original-missing", f"guide {slug}: the original "
                                        f"({f.translation_of}) of this translation is not "
                                        "here nor in the library", f.source.where(2)))
    return findings


def import_folder(settings: Settings, folder: Path, who: str,
                  checker: guides.Checker | None = None) -> ImportResult:
    """Check every file, then save and publish them in one transaction (or refuse all)."""
    files, findings = read_folder(folder)
    result = ImportResult()
    if isinstance(checker, LinkChecker):
        published = [f for f in files if f.status == "published"]
        checker.coming |= {f.slug for f in published} | {f"{f.slug}/{f.language}"
                                                           for f in published}
    with session_scope(settings.database_url) as db:
        findings += _check_set(db, files)
        for f in files:
            rendered = guides.check_body(db, guides.normalise_body(f.source.body), checker)
            findings += _relocate(rendered.findings, f.source)
        if errors(findings):
            raise ImportRefused(findings)
        result.findings = findings
        # originals first, so that a new guide's first page is its original
        for f in sorted(files, key=lambda f: (f.slug, f.translation_of is not None)):
            before = guides.page_of(db, f.slug, f.language)
            old_version = before.version if before is not None else 0
            page, _ = guides.save_page(db, f.slug, f.language, title=f.title, summary=f.summary,
                                       body=f.source.body, who=who)
            result.pages += 1
            if f.translation_of is None and page.guide.original_language != f.language:
                guides.set_original(db, f.slug, f.language, who)
            if f.status == "published" and page.state != "published":
                guides.publish(db, f.slug, f.language, who, checker=checker, from_draft=True,
                               note=f.note or f"imported from {f.source.path.name}")
                result.published += 1
            elif page.version != old_version:
                result.saved += 1
            else:
                result.unchanged += 1
    return result


def export_folder(settings: Settings, folder: Path, *, drafts: bool = False) -> list[Path]:
    """Write every published page (with ``drafts``: every working copy) as a file."""
    written = []
    with session_scope(settings.database_url) as db:
        for summary in guides.list_pages(db, published_only=not drafts):
            guide = guides.guide_by_slug(db, summary.slug)
            page = next(p for p in guide.pages if p.language == summary.language)
            source: GuideRevision | guides.GuidePage
            status = "published"
            if drafts and page.state != "published" or page.published_number is None:
                source, status = page, "draft"
            else:
                source = guides.published_revision(db, summary.slug, summary.language)
            meta = {"guide": summary.slug, "language": summary.language,
                    "title": source.title}
            if source.summary:
                meta["summary"] = source.summary
            if guide.original_language != summary.language:
                meta["translation_of"] = guide.original_language
            meta["status"] = status
            path = folder / summary.slug / f"{summary.language}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(write_text(meta, source.body), encoding="utf-8")
            written.append(path)
    return written
