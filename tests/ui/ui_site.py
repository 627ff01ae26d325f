"""A whole site for the page tests: documents in six languages (one with page images in
two languages), General Assembly votes of session 70, the UNBIS domain 13 thesaurus and
a real index, General Debate speeches of session 75, a draft awaiting review and a staff
account, served by uvicorn for real Chromium. Built once per test module."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from served import free_port, serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proceedings"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "thesaurus"))

ROOT = Path(__file__).resolve().parents[2]
PDFS = ROOT / "tests" / "data" / "digitise"
STAFF, STAFF_PW = "ui-admin", "ui-admin-password"


def artefacts_dir() -> Path:
    """Where page tests keep their screenshots ($HEMICYCLE_ARTEFACTS, else tests/artefacts)."""
    path = Path(os.environ.get("HEMICYCLE_ARTEFACTS") or ROOT / "tests" / "artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_assets(settings) -> None:
    from hemicycle.web.assets import PACKAGES

    missing = [name for name in ["axe-core", *PACKAGES.values()]
               if not (settings.assets_dir / name).exists()]
    if missing:
        pytest.fail(f"web assets missing in {settings.assets_dir}: {', '.join(missing)}; run "
                    "`make setup` (scripts/web-assets.sh installs web/package-lock.json from "
                    "the npm registry)", pytrace=False)


def _documents(settings) -> dict[str, str]:
    from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
    from hemicycle.search.index import catch_up

    titles = {"ar": "تغير المناخ والتنمية المستدامة", "zh": "气候变化与可持续发展",
              "en": "Climate change and sustainable development",
              "fr": "Changements climatiques et développement durable",
              "ru": "Изменение климата и устойчивое развитие",
              "es": "Cambio climático y desarrollo sostenible"}
    texts = {lang: f"{title}. " * 20 for lang, title in titles.items()}
    uids = {}
    for n, year in enumerate(range(2005, 2016), start=1):
        result = save_document(settings, DocumentInput(
            symbols=[f"A/RES/70/{n}"], doc_type="resolution",
            versions={lang: VersionInput(title=f"{title} {year}", text=texts[lang])
                      for lang, title in titles.items()},
            publication_date=dt.date(year, 10, n),
        ))
        uids.setdefault("text", result.uid)
    scanned = save_document(settings, DocumentInput(
        symbols=["A/RES/2758 (XXVI)"], doc_type="resolution",
        versions={"en": VersionInput(title="Restoration of the lawful rights of the People's "
                                           "Republic of China in the United Nations",
                                     text="Restoration of the lawful rights\f",
                                     text_source="ocr"),
                  "ru": VersionInput(title="Восстановление законных прав Китайской Народной "
                                           "Республики в Организации Объединенных Наций",
                                     text="Восстановление законных прав\f",
                                     text_source="ocr")},
        files=[FileInput("en", "pdf", PDFS / "1971-09-29_A_L.632-EN.pdf"),
               FileInput("ru", "pdf", PDFS / "1971-10-25_GA_Resolution_2758_ru.pdf")],
    ))
    uids["scanned"] = scanned.uid
    draft = save_document(settings, DocumentInput(
        symbols=["A/70/80"], doc_type="report", status="draft", source="digitise",
        publication_date=dt.date(2015, 5, 12),
        extra={"extraction": {"symbols": {"value": ["A/70/80"], "confidence": 0.4},
                              "language": {"value": "en", "confidence": 0.99}}},
        versions={"en": VersionInput(title="Report of the Secretary-General",
                                     text="Report of the Secretary-General.",
                                     text_source="ocr")}))
    uids["draft"] = draft.uid
    catch_up(settings)
    return uids


def _ids(settings) -> dict[str, str]:
    from sqlalchemy import select

    from hemicycle.catalogue.db import session_scope
    from hemicycle.proceedings.models import Speech, VotingRecord
    from hemicycle.thesaurus.models import Concept

    with session_scope(settings.database_url) as db:
        record = db.scalars(select(VotingRecord.id).where(VotingRecord.outcome == "recorded")
                            .order_by(VotingRecord.id)).first()
        concept = db.scalars(select(Concept.local_id).order_by(Concept.id)).first()
        speech = db.scalars(select(Speech.id).order_by(Speech.id)).first()
    return {"record": str(record), "concept": concept, "speech": str(speech)}


def _speeches(settings, folder: Path) -> None:
    """Three General Debate speeches of session 75 (with their texts)."""
    import shutil

    from proceedings_helpers import UNGDC, UNGDC_TEXTS

    from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc

    for name in ("FRA_75_2020.txt", "EGY_75_2020.txt", "CHN_75_2020.txt"):
        shutil.copy(UNGDC_TEXTS / name, folder / name)
    import_gdc(settings, GDCFiles(UNGDC / "Speakers_by_session.xlsx", folder))


def _knowledge(settings) -> None:
    """The demo's guides, FAQ answers and training sessions (corpus/knowledge)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge import faq_files, guide_files
    from hemicycle.knowledge.training import announce, read_sessions

    folder = ROOT / "corpus" / "knowledge"
    guide_files.import_folder(settings, folder / "guides", "demo")
    faq_files.import_folder(settings, folder / "faq", "demo")
    with session_scope(settings.database_url) as db:
        for fields in read_sessions(folder / "training.yaml"):
            announce(db, who="demo", **fields)


@contextmanager
def site_environment(data: Path) -> Iterator[None]:
    """The process's environment pointed at the test site's data (a module-scoped server
    and the code it runs read ``HEMICYCLE_DATA``), put back as it was afterwards."""
    from hemicycle.catalogue.db import dispose_all

    with pytest.MonkeyPatch.context() as env:
        env.setenv("HEMICYCLE_DATA", str(data))
        env.delenv("HEMICYCLE_DATABASE_URL", raising=False)
        try:
            yield
        finally:
            dispose_all()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(base URL, ids of what the pages show)."""
    from proceedings_helpers import ROLL_CALLS70, VOETEN70, VOTES70
    from thesaurus_helpers import DOMAIN13

    from hemicycle.accounts import add_user
    from hemicycle.config import load_settings
    from hemicycle.proceedings.importers.ga import GAFiles, import_ga
    from hemicycle.thesaurus.store import load_vocabulary
    from hemicycle.web.app import create_app

    data = tmp_path_factory.mktemp("ui-site") / "data"
    with site_environment(data):
        settings = load_settings(data)
        require_assets(settings)
        load_vocabulary(settings, "unbis", DOMAIN13)
        import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70, None, VOETEN70))
        _speeches(settings, tmp_path_factory.mktemp("ui-speeches"))
        add_user(settings.database_url, STAFF, STAFF_PW, "admin")
        _knowledge(settings)
        ids = {**_documents(settings), **_ids(settings)}
        port = free_port()
        live = dataclasses.replace(settings, base_url=f"http://127.0.0.1:{port}")
        with serving(create_app(live), port):
            yield live.base_url, ids, live

