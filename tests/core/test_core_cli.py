"""Every command of the ``hemicycle`` app and its arguments and options, in order: a verb
or option renamed, dropped or added by accident fails here. (A deliberate change edits
the table, and the README and docs that name the command.)"""

from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from hemicycle.cli import app

# command path -> ARGUMENTS and --options as declared ("" is the app itself)
COMMANDS = {
    '': '--data',
    'migrate': '',
    'ingest': 'PATH --replace/--no-replace',
    'serve': '--host --port --workers',
    'audit': '--sample --rate --restart --json',
    'replicate': '--to',
    'repair': '--from',
    'symbol': 'SYMBOLS...',
    'reindex': '--workers',
    'catch-up': '',
    'search': ('QUERY --lang --filter --sort --page --per-page --narrower/--no-narrower '
               '--exact/--no-exact --json'),
    'digitise': 'PATH --lang --workers --cluster --batch --dpi --retry-failed --json',
    'ocr-eval': '--real/--no-real --synthetic --lines --lang --data --json',
    'user': '',
    'user add': 'NAME --role --password',
    'user password': 'NAME --password',
    'user role': 'NAME ROLE',
    'user remove': 'NAME',
    'user signout': 'NAME',
    'storage': '',
    'storage validate': 'PATH --json --no-digests',
    'storage gc': '--apply',
    'storage purge': 'OBJECT_ID --reason --agent --yes',
    'bag': '',
    'bag export': 'DEST --document/-d --body --year --all',
    'bag import': 'PATH --object --agent',
    'thesaurus': '',
    'thesaurus load': 'FILES... --vocab --format --languages --strict/--no-strict --label-case '
                      '--title',
    'thesaurus validate': 'FILES... --format --languages --json --vocab',
    'thesaurus search': 'TEXT --lang --vocab --prefix/--no-prefix --limit --json',
    'thesaurus show': 'URI --lang --vocab --json',
    'thesaurus export': 'VOCAB --format --out',
    'export': '',
    'export marc': 'QUERY -o/--output --records',
    'export marcxml': 'QUERY -o/--output --records',
    'export dc': 'QUERY -o/--output',
    'import': '',
    'import marc': 'FILE --replace/--no-replace',
    'subjects': '',
    'subjects vocab': 'NAME PATH --lang',
    'subjects list': '--json',
    'subjects suggest': 'TARGET --vocab --lang --limit/-k --backend --symbol --json',
    'subjects index': '--vocab --status --again/--no-again --limit/-k --backend',
    'subjects accept': '--vocab --above --best --undo --status',
    'subjects train': '--vocab CORPUS... --backend --lang --itp --json',
    'subjects learn': '--vocab --backend --itp --json',
    'subjects eval': 'CORPUS --vocab --lang --backend --json',
    'votes': '',
    'votes show': 'SYMBOL --json',
    'votes agreement': 'A B --json',
    'votes export': '--format --output/-o --body --session --state',
    'votes quality': 'IMPORTER --json',
    'votes import': '',
    'votes import ga': '--roll-calls --votes --issues --voeten --force/--no-force',
    'votes import sc': '--records --voting --years --force/--no-force',
    'votes import csv': 'PATH --force/--no-force',
    'speeches': '',
    'speeches export': '--format --output/-o --session --state',
    'speeches import': '',
    'speeches import gdc': '--speakers --texts --force/--no-force',
    'speeches import csv': 'PATH --force/--no-force',
    'proceedings': '',
    'proceedings index': '--body --session --format --output --lang',
    'usage': '',
    'usage process': '--delete-processed/--no-delete-processed',
    'usage prune': '--keep-days',
    'usage report': 'NAME --begin --end --format --output --item-id --metric-type '
                    '--granularity --data-type',
    'usage places': '--begin --end --by --metric --granularity --limit --format --output',
    'usage figures': '--year --top --format',
    'usage sample': '--days --per-day',
    'review': '',
    'review list': '--batch --language --below --page --per-page --json',
    'review publish': 'UIDS... --all-above --batch --checked --by',
    'review reject': 'UID --reason --by',
    'review tasks': '--status --code --page --per-page --refresh --json',
    'review resolve': 'TASK_ID --note --by',
    'guides': '',
    'guides import': 'FOLDER --by',
    'guides export': 'FOLDER --drafts/--no-drafts',
    'guides check-links': '--external/--no-external --timeout --json',
    'guides list': '--json',
    'faq': '',
    'faq import': 'FOLDER --by',
    'faq export': 'FOLDER',
    'inquiries': '',
    'inquiries list': '--status',
    'inquiries purge': '--days',
    'training': '',
    'training import': 'PATH --by',
    'training report': '--since --until --json',
    'training purge': '--days',
    'knowledge': '',
    'knowledge views': '--from --to --json',
}


def _signature(command) -> str:
    parts = []
    for param in command.params:
        if type(param).__name__.endswith("Argument"):
            parts.append(param.name.upper() + ("..." if param.nargs == -1 else ""))
        else:
            parts.append("/".join([*param.opts, *param.secondary_opts]))
    return " ".join(parts)


def _commands(command, path: tuple[str, ...] = ()):
    yield " ".join(path), command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_command_and_option_is_as_documented() -> None:
    found = {path: _signature(command)
             for path, command in _commands(typer.main.get_command(app))}
    assert list(found) == list(COMMANDS)  # names, and the order --help lists them in
    assert found == COMMANDS


def test_every_command_has_help_and_groups_without_a_verb_show_it() -> None:
    runner = CliRunner()
    for path, command in _commands(typer.main.get_command(app)):
        assert (command.help or "").strip(), f"{path or 'hemicycle'}: no help text"
        if hasattr(command, "commands"):
            result = runner.invoke(app, path.split())
            assert result.exit_code == 2 and "Usage: hemicycle" in result.output, path
