"""`caselog bundle` and `caselog verify-bundle`: the inspection package and its check.

An inspector (IVO, tillsyn) receives one zip instead of printed case files: the events,
the findings, the report, the checkpoint of the log at `--known-at` and the access-log
excerpt, with a manifest of SHA-256 hashes (`caselog.reports.bundle`). The same log up to
`--known-at`, the same arguments and the same caselog version give the same bytes;
`verify-bundle` checks a bundle without the database.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.text import Text

from caselog.cli.app import (
    Actor,
    Db,
    KnownAt,
    LangOption,
    Purpose,
    Trimmed,
    app,
    consoles,
    fail,
    open_or_exit,
    parse_known_at,
    parse_period,
)
from caselog.cli.read_models import notices
from caselog.cli.report import (
    From,
    MaxCases,
    On,
    SettingsFile,
    To,
    advancing,
    closing_note,
    day_of,
    load_settings,
    out_path,
    rule_settings,
)
from caselog.errors import CaselogError
from caselog.reports.archive import BundleError, verify_bundle
from caselog.reports.bundle import write_bundle
from caselog.reports.catalogue import Lang
from caselog.reports.question import MAX_CASES, ask
from caselog.reports.render import atomic_file

EXIT_TAMPERED = 4
"""The exit code of a bundle that does not verify, as `caselog verify` for a log."""


@app.command()
def bundle(
    out: Annotated[Path, typer.Argument(metavar="OUT.zip", help="The archive to write.")],
    on: On = None,
    known_at: KnownAt = None,
    case_ids: Annotated[
        list[str] | None,
        typer.Option("--case", metavar="ID", help="Only these children's case files (repeat)."),
    ] = None,
    start: From = None,
    end: To = None,
    max_cases: MaxCases = MAX_CASES,
    lang: LangOption = Lang.EN,
    settings: SettingsFile = None,
    db: Db = None,
    actor: Actor = None,
    purpose: Purpose = None,
) -> None:
    """Write the inspection bundle: events, findings, report, checkpoint, access log."""
    started = time.monotonic()
    day, moment = day_of(on), parse_known_at(known_at)
    first, last = parse_period(start, end)
    path = out_path(out)
    cases = None if not case_ids else tuple(sorted(set(case_ids)))
    loaded = rule_settings(load_settings(settings))
    with open_or_exit(db, actor, settings=loaded, purpose=purpose) as log, notices():
        begun = log.clock()  # the reads of this bundle are recorded from here on
        try:
            q = ask(
                log,
                on=day,
                known_at=moment,
                first=first,
                last=last,
                case_ids=cases,
                max_cases=max_cases,
                lang=lang,
                fixed=True,
            )
            with (
                advancing() as advance,
                atomic_file(path) as partial,
                partial.open("wb") as archive,
            ):
                made = write_bundle(log, q, archive, started=begun, advance=advance)
        except CaselogError as error:
            raise fail(error) from None
    reads = "no access log" if made.reads is None else f"{made.reads} read(s)"
    closing_note(
        path,
        started,
        f"{made.events} event(s), {made.findings} finding(s), {reads}, "
        f"checkpoint at position {made.checkpoint.position}",
    )


@app.command(name="verify-bundle")
def verify_bundle_command(
    archive: Annotated[
        Path, typer.Argument(metavar="FILE.zip", exists=True, dir_okay=False, help="A bundle.")
    ],
) -> None:
    """Check a bundle without the database: every member, the manifest and the layout."""
    try:
        checked = verify_bundle(archive)
    except BundleError as error:
        consoles.err.print(f"[red]TAMPERED:[/red] {escape(str(error))}", highlight=False)
        raise typer.Exit(EXIT_TAMPERED) from None
    arguments = checked.manifest["arguments"]
    point = arguments["checkpoint"]
    consoles.out.print(
        Trimmed(
            Text(
                f"bundle ok: {len(checked.members)} member(s), caselog "
                f"{checked.manifest['caselog']}, on {arguments['on']}, known at "
                f"{arguments['known_at']}, log {point['log_id']} at position {point['position']}"
            )
        )
    )
