"""``flask --app registry check FILE.json``: assess a structure from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from registry.domain.structure import StructureFactsError
from registry.domain.vocabulary import Verdict
from registry.services.structure_checks import UnknownRuleSet, check_structure

EXIT_MEETS, EXIT_DOES_NOT_MEET, EXIT_INVALID = 0, 1, 2


@click.command("check")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--ruleset",
    "ruleset_id",
    default="preferred-provider",
    show_default=True,
    help="The rule set whose verdict sets the exit code.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON instead of text.")
def check(file: Path, ruleset_id: str, as_json: bool) -> None:
    """Print the assessment of the structure in FILE (JSON; - for standard input).

    Exit code 0 when the structure meets the chosen rule set, 1 when it does not (or needs information),
    2 when the input is invalid.
    """
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        click.echo(f"Cannot read {file}: {error}", err=True)
        sys.exit(EXIT_INVALID)
    try:
        report = check_structure(data if isinstance(data, dict) else {"structure": data})
        chosen = report.assessment(ruleset_id)
        if chosen is None:
            raise UnknownRuleSet(ruleset_id)
    except StructureFactsError as error:
        click.echo(f"The structure in {file} is not valid:", err=True)
        for path, message in sorted(error.errors.items()):
            click.echo(f"  {path}: {message}", err=True)
        sys.exit(EXIT_INVALID)
    except UnknownRuleSet as error:
        click.echo(f"There is no rule set called {error.args[0]!r}.", err=True)
        sys.exit(EXIT_INVALID)

    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        for assessment in report.assessments:
            click.echo(f"{assessment.ruleset_title}: {assessment.verdict.value.replace('_', ' ').upper()}")
            click.echo(f"  {assessment.reason}")
            for finding in assessment.findings:
                marker = " [unverified]" if finding.unverified else ""
                click.echo(f"  - {finding.outcome.value:<17} {finding.title}{marker}")
                click.echo(f"      {finding.reason}")
                click.echo(f"      Source: {finding.source.cite()}")
            click.echo("")
    sys.exit(EXIT_MEETS if chosen.verdict is Verdict.MEETS else EXIT_DOES_NOT_MEET)
