# Hemicycle: `make demo` loads the bundled corpus and serves it; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HEMICYCLE_DATA ?= $(CURDIR)/var

.PHONY: setup system assets demo demo-data serve test lint clean bench-setup

setup: system $(VENV)/.installed assets

system:
	@bash scripts/system-packages.sh

# the page viewer, the API docs page and axe-core, from the npm registry (web/package-lock.json)
assets:
	@bash scripts/web-assets.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip==25.3
	# tesserocr is compiled against Debian's libtesseract, the engine the `tesseract`
	# command runs (its PyPI wheel bundles another Tesseract version)
	$(BIN)/pip install -q --no-binary tesserocr -e '.[test]'
	@touch $@

# What the benchmarks need beyond the application (DuckDB for the votes baseline):
# `make bench-setup`, then `.venv/bin/python bench/<area>_<what>.py`.
bench-setup: setup
	$(BIN)/pip install -q -e '.[test,bench]'

# Every loader is idempotent: running demo-data twice changes nothing. The bulk load
# flushes storage once per OCFL version (syncfs) instead of once per file.
demo-data: export HEMICYCLE_FSYNC ?= syncfs
demo-data: setup
	$(BIN)/hemicycle migrate
	$(BIN)/hemicycle thesaurus load corpus/thesaurus/unbis-domain13/unbis-domain13.ttl corpus/thesaurus/unbis-domain13/tcode_to_metadata_un_org.tsv corpus/thesaurus/unbis-labels/unbis_concepts_uri_6lang_joined.tsv corpus/thesaurus/unbis-labels/unbis_domains_microthesauri_2016.tsv --vocab unbis --label-case sentence \
		--title 'en=UNBIS Thesaurus' --title 'fr=Thésaurus UNBIS' --title 'es=Tesauro UNBIS' --title 'ru=Тезаурус ЮНБИС' --title 'zh=联合国书目信息系统叙词表' --title 'ar=مكنز اليونبيس'
	$(BIN)/hemicycle thesaurus load corpus/thesaurus/yso-archaeology/yso-archaeology.ttl --vocab yso-archaeology --languages fi,sv,en
	$(BIN)/hemicycle ingest corpus/documents/cr-unsc
	$(BIN)/hemicycle ingest corpus/documents/unpc
	$(BIN)/hemicycle ingest corpus/documents/ungdc
	# the scans are OCR'd in their languages (the manifest beside them says which) and
	# published once they pass a cataloguer's checks; the others wait in the review queue
	$(BIN)/hemicycle digitise corpus/documents/un-scans --batch un-scans
	$(BIN)/hemicycle review publish --all-above 0.6 --checked --batch un-scans --by "demo: a cataloguer's checks"
	# what an interrupted load leaves (objects without records): listed; --apply removes it
	$(BIN)/hemicycle storage gc
	$(BIN)/hemicycle votes import ga --roll-calls corpus/proceedings/unvotes/un_roll_calls.csv.gz --votes corpus/proceedings/unvotes/un_votes.csv.gz --issues corpus/proceedings/unvotes/un_roll_call_issues.csv --voeten corpus/proceedings/unvotes/voeten_UNVotesPublished_2016.csv.gz
	$(BIN)/hemicycle votes import sc --records corpus/proceedings/cr-unsc/UNSC_Record-Table_2722.csv --voting corpus/proceedings/cr-unsc/UNSC_Record_Voting_2722.csv --years corpus/proceedings/cr-unsc/resolution_years.csv
	$(BIN)/hemicycle speeches import gdc --speakers corpus/proceedings/ungdc/Speakers_by_session.xlsx --texts corpus/documents/ungdc/files
	$(BIN)/hemicycle subjects vocab unbis
	$(BIN)/hemicycle subjects train --vocab unbis --backend headings --itp corpus/subjects/itp/itp_sc_2005_2017_entries_minus_heldout.tsv corpus/subjects/unpc-dev
	$(BIN)/hemicycle subjects index --vocab unbis --status draft --status published
	# the operator's policy (docs/subjects.md): each record's best suggestion and every one
	# scoring 0.5 or more become subjects, shown as machine-made and accepted by the policy
	$(BIN)/hemicycle subjects accept --vocab unbis --above 0.5 --best 1
	# full Index to Proceedings headings: only the surest ones (their precision is low, see
	# bench/RESULTS.md "The loop"), so that records and the generated Index show the path
	$(BIN)/hemicycle subjects accept --vocab unbis:headings --above 0.7
	$(BIN)/hemicycle guides import corpus/knowledge/guides --by demo
	$(BIN)/hemicycle faq import corpus/knowledge/faq --by demo
	$(BIN)/hemicycle training import corpus/knowledge/training.yaml --by demo
	# the whole index rebuilt (on three cores or more its documents are prepared in worker processes: docs/search.md)
	$(BIN)/hemicycle reindex --workers 2
	# the demo has no readers: a year of SAMPLE TRAFFIC on the bundled documents, marked
	# as such on /usage and in every report (docs/usage.md, "Sample traffic")
	$(BIN)/hemicycle usage sample --days 400 --per-day 300
	$(BIN)/hemicycle usage process

# the demo corpus is small: counting exactly up to 500 matches (not 10,000) shows the
# estimated totals and facet counts of big result sets ("about N") on real data
demo: export HEMICYCLE_SEARCH_EXACT_UP_TO ?= 500
demo: demo-data
	$(BIN)/hemicycle serve --host 127.0.0.1 --port 8000

test: setup
	@bash scripts/test-postgres.sh
	$(BIN)/pytest -n 2 -q -p no:cacheprovider

lint: setup
	$(BIN)/ruff check src tests bench

clean:
	rm -rf var .pytest_cache
