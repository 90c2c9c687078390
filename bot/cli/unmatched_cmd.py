"""`evidence-bot unmatched list|show|export|resolve|ignore`: the curators' view of the log."""

from __future__ import annotations

import csv
import getpass
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict, TypeVar, Unpack

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bot.cli import bounds
from bot.cli.context import AppContext, pass_app
from bot.cli.tables import cell, fits, format_option, minute, print_lines, visible
from bot.files import safe_cell as safe_cell  # noqa: PLC0414 - tests import it here
from bot.files import write_private_text
from records.atlas_store import get_entry
from records.errors import UnknownEntryError, UnknownPaperError
from records.models import AtlasEntry
from records.unmatched import (
    SIGHTING_PLATFORMS,
    SORT_ORDERS,
    STATUSES,
    PaperSummary,
    Sighting,
    SortOrder,
    get_paper,
    ignore_paper,
    is_logged,
    latest_permalink,
    list_papers,
    normalize_key,
    resolve_conflicts,
    resolve_paper,
    sightings_of,
    unresolve_paper,
)
from records.wording import counted

F = TypeVar("F", bound=Callable[..., Any])
EXPORT_FORMATS = ("csv", "json", "jsonl")
LIST_FORMATS = ("table", "tsv", "json")
CSV_COLUMNS = (
    "key", "kind", "value", "status", "title", "authors", "year", "journal", "type", "doi",
    "pmid", "pmcid", "open_access_url", "retracted", "mentions", "places", "people",
    "platforms", "first_seen_utc", "last_seen_utc", "latest_permalink", "atlas_id", "reason",
    "enrich_status", "raw_text",
)  # fmt: skip
_RELATIVE = re.compile(r"^(?P<n>\d+)\s*(?P<unit>[hdw])$", re.IGNORECASE)


class SinceType(click.ParamType[str, Any]):
    """A date (`2026-01-31`), a date-time, or a span back from now (`24h`, `7d`, `2w`)."""

    name = "since"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """The moment as ISO text in UTC."""
        if isinstance(value, datetime):
            return value.isoformat()
        text = str(value).strip()
        if match := _RELATIVE.match(text):
            hours = {"h": 1, "d": 24, "w": 24 * 7}[match["unit"].lower()] * int(match["n"])
            try:
                return (datetime.now(UTC) - timedelta(hours=hours)).isoformat(timespec="seconds")
            except OverflowError:
                self.fail(f"{text!r} reaches back further than any date")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(f"{text!r} is not a date (2026-01-31), date-time or span (24h, 7d, 2w)")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            # In UTC, as stored: an offset can carry the last (or first) day past the range.
            return moment.astimezone(UTC).isoformat()
        except OverflowError:
            self.fail(f"{text!r} in UTC falls outside the dates this program can handle")


def _filters(func: F) -> F:
    """The options shared by `list` and `export`."""
    for option in reversed(
        [
            click.option(
                "--sort", type=click.Choice(SORT_ORDERS), default="mentions", show_default=True,
                help="mentions, distinct places, or most recently seen first.",
            ),
            click.option(
                "--platform", type=click.Choice(SIGHTING_PLATFORMS),
                help="Only sightings on this platform.",
            ),
            click.option("--since", type=SinceType(), help="Only sightings since: 2026-01-31, 7d."),
            click.option("--limit", type=bounds.COUNT, help="At most N papers."),
        ]
    ):  # fmt: skip
        func = option(func)
    return func


def _status_option(default: str) -> Callable[[F], F]:
    return click.option(
        "--status",
        type=click.Choice([*STATUSES, "all"]),
        default=default,
        show_default=True,
        help="Papers in this state.",
    )


class Selection(TypedDict):
    """The values of `--status` and the `_filters` options, as click passes them."""

    status: str
    sort: SortOrder
    platform: str | None
    since: str | None
    limit: int | None


def _select(app: AppContext, selection: Selection) -> list[PaperSummary]:
    status = selection["status"]
    return list_papers(
        app.db,
        sort=selection["sort"],
        status=None if status == "all" else status,
        platform=selection["platform"],
        since=selection["since"],
        limit=selection["limit"],
    )


@click.group("unmatched")
def unmatched() -> None:
    """Papers people cited that the atlas does not hold: list, inspect, export, act."""


@unmatched.command("list")
@_status_option("pending")
@_filters
@format_option(
    "fmt", LIST_FORMATS, "A table for people; tab-separated lines or a JSON array for scripts."
)
@pass_app
def list_(app: AppContext, *, fmt: str, **selection: Unpack[Selection]) -> None:
    """A table of logged papers, most requested first."""
    papers = _select(app, {**selection, "limit": selection["limit"] or 50})
    if fmt == "tsv":
        click.echo(to_tsv(papers), nl=False)
        return
    if fmt == "json":
        records = [_list_record(paper) for paper in papers]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False)
    if not papers:
        console.print("No unmatched papers match these filters.")
        return
    title = f"Unmatched papers ({selection['status']}, by {selection['sort']})"
    table = papers_table(papers, title)
    if fits(console, table):
        console.print(table)
    else:
        print_lines(console, [Text(title, style="italic"), *papers_lines(papers)])


ATLAS_MARK = "→ atlas: "


def papers_table(papers: Iterable[PaperSummary], title: str) -> Table:
    """The `list` table, used when it fits the terminal with every key on one line.

    Keys are never wrapped (curators copy them into `show`): the title column gives way.
    The atlas entry of a resolved paper goes under its title, not into the Status column.
    """
    # No outer edge and no places column (`show` has them): a DOI key of 30 characters
    # still leaves the title room at 80 columns.
    papers = list(papers)
    # An atlas slug under a title is an identifier too: the column must hold it whole.
    slugs = [len(f"{ATLAS_MARK}{paper.atlas_id}") for paper in papers if paper.atlas_id]
    table = Table(title=title, show_edge=False)
    table.add_column("Key", no_wrap=True)
    table.add_column("Title or text", overflow="fold", ratio=1, min_width=max([10, *slugs]))
    table.add_column("Mentions", justify="right", no_wrap=True)
    table.add_column("Last seen", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    for paper in papers:
        table.add_row(
            cell(paper.key),
            _described(paper),
            str(paper.mentions),
            cell(paper.last_seen[:10]),
            cell(paper.status),
        )
    return table


def papers_lines(papers: Iterable[PaperSummary]) -> list[Text]:
    """The list for a terminal too narrow for the table: the key alone on its line, then
    what is known of the paper, indented."""
    lines: list[Text] = []
    for paper in papers:
        lines.append(cell(paper.key, style="bold"))
        facts = (
            f"{counted(paper.mentions, 'mention')} in {counted(paper.places, 'place')} · "
            f"last seen {paper.last_seen[:10]} · {paper.status}"
        )
        lines.append(Text("   ").append_text(_described(paper)))
        lines.append(Text("   ").append_text(cell(facts, style="dim")))
    return lines


def _described(paper: PaperSummary) -> Text:
    described = cell(paper.title or " ".join(paper.raw_text.split()))
    if paper.atlas_id:
        described.append_text(cell(f"\n{ATLAS_MARK}{paper.atlas_id}", style="dim"))
    if paper.status == "ignored" and paper.reason:
        described.append_text(cell(f"\nignored: {paper.reason}", style="dim"))
    return described


TSV_COLUMNS = ("key", "status", "mentions", "places", "people", "last_seen", "atlas_id", "title")


def to_tsv(papers: Iterable[PaperSummary]) -> str:
    """A header line, then one tab-separated line per paper (tabs and newlines in text become
    spaces, so every paper is exactly one line)."""
    lines = ["\t".join(TSV_COLUMNS)]
    for paper in papers:
        record = _list_record(paper)
        lines.append(
            "\t".join(" ".join(str(record[c] if record[c] is not None else "").split())
                      for c in TSV_COLUMNS)
        )  # fmt: skip
    return "\n".join(lines) + "\n"


def _list_record(paper: PaperSummary) -> dict[str, Any]:
    record = asdict(paper)
    record["platforms"] = list(paper.platforms)
    record["title"] = paper.title or " ".join(paper.raw_text.split())
    return record


def _lookup_key(app: AppContext, key: str) -> str:
    normalized = normalize_key(key)
    # A key printed by `list` is stored as-is; only fall back to the normalised form.
    if is_logged(app.db, key):
        return key
    return normalized


@unmatched.command("show")
@click.argument("key")
@pass_app
def show(app: AppContext, key: str) -> None:
    """Everything known about one paper, and every sighting of it."""
    try:
        detail = get_paper(app.db, _lookup_key(app, key))
    except UnknownPaperError as exc:
        raise click.ClickException(str(exc)) from exc
    paper, meta = detail.paper, detail.paper.metadata
    console = Console(highlight=False)
    rows: list[tuple[str, Any]] = [
        ("Key", paper.key),
        ("Status", paper.status),
        ("Atlas entry", paper.atlas_id),
        ("Reason", paper.reason),
        ("Text seen", paper.raw_text),
        ("Title", meta.get("title")),
        ("Authors", "; ".join(meta.get("authors") or [])),
        ("Year", meta.get("year")),
        ("Journal", meta.get("journal")),
        ("Type", meta.get("type")),
        ("Identifiers", _identifiers(meta)),
        ("Open access", meta.get("open_access_url")),
        ("Retraction", _notices_text(meta)),
        (
            "Mentions",
            f"{paper.mentions} in {counted(paper.places, 'place')} "
            f"by {counted(paper.people, 'person')}",
        ),
        ("First seen", paper.first_seen),
        ("Last seen", paper.last_seen),
        (
            "Enrichment",
            f"{paper.enrich_status} ({counted(paper.enrich_attempts, 'failed attempt')})",
        ),
        ("Last error", paper.enrich_error),
    ]
    # One fact a line, never broken by us: keys, identifiers, links and times stay whole.
    print_lines(
        console,
        [
            Text(f"{label:<12} ", style="bold").append_text(cell(value))
            for label, value in rows
            if value not in (None, "")
        ],
    )
    _print_sightings(console, detail.sightings)


def _print_sightings(console: Console, sightings: list[Sighting]) -> None:
    """A table when it fits with every value on one line, else one sighting a line."""
    title = f"Sightings ({len(sightings)})"
    table = Table(title=title)
    for column in ("Seen (UTC)", "Platform", "Place", "Message", "Link"):
        table.add_column(column, no_wrap=True)
    for sighting in sightings:
        table.add_row(
            cell(minute(sighting.seen_at)),
            cell(sighting.platform),
            cell(sighting.place),
            cell(sighting.message_id),
            cell(sighting.permalink),
        )
    if fits(console, table):
        console.print(table)
        return
    lines = [Text(title, style="italic")]
    for sighting in sightings:
        seen = f"{minute(sighting.seen_at)} UTC · {sighting.platform} · {sighting.place} · "
        lines.append(cell(seen).append_text(cell(sighting.message_id)))
        if sighting.permalink:
            lines.append(Text("   ").append_text(cell(sighting.permalink)))
    print_lines(console, lines)


def _identifiers(meta: dict[str, Any]) -> str:
    ids = dict(meta.get("identifiers") or {})
    for kind in ("doi", "pmid", "pmcid"):
        if meta.get(kind):
            ids.setdefault(kind, meta[kind])
    return ", ".join(f"{kind.upper()} {value}" for kind, value in sorted(ids.items()))


def _notices_text(meta: dict[str, Any]) -> str:
    notices = meta.get("notices") or []
    return "; ".join(
        f"{n.get('kind', '').replace('_', ' ')}"
        + (f" (notice doi {n['notice_doi']})" if n.get("notice_doi") else "")
        for n in notices
    )


@unmatched.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout."
)
@_status_option("all")
@_filters
@pass_app
def export(
    app: AppContext,
    *,
    fmt: str,
    output: Path | None,
    **selection: Unpack[Selection],
) -> None:
    """Write papers as CSV (for spreadsheets), a JSON array or JSON Lines."""
    papers = _select(app, selection)
    if fmt == "csv":
        data = to_csv(papers, {p.key: latest_permalink(app.db, p.key) for p in papers})
    else:
        records = [_json_record(app, paper) for paper in papers]
        data = (
            json.dumps(records, ensure_ascii=False, indent=2) + "\n"
            if fmt == "json"
            else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        )
    if fmt == "csv":
        data = "\ufeff" + data  # the BOM makes spreadsheets read UTF-8
    if output is None:
        click.echo(data.encode("utf-8"), nl=False)
        return
    write_private_text(output, data)
    click.echo(f"unmatched export: {counted(len(papers), 'paper')} written to {output}", err=True)


def _json_record(app: AppContext, paper: PaperSummary) -> dict[str, Any]:
    record = asdict(paper)
    record["platforms"] = list(paper.platforms)
    record["sightings"] = [asdict(s) for s in sightings_of(app.db, paper.key)]
    return record


def spreadsheet_date(iso: str | None) -> str:
    """`2026-01-31T09:05:00+00:00` → `2026-01-31 09:05:00` (UTC), which spreadsheets parse."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def to_csv(papers: Iterable[PaperSummary], permalinks: dict[str, str | None]) -> str:
    """One row per paper, every text cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for paper in papers:
        meta = paper.metadata
        ids = {
            **(meta.get("identifiers") or {}),
            **{k: meta[k] for k in ("doi", "pmid", "pmcid") if meta.get(k)},
        }
        row = {
            "key": paper.key,
            "kind": paper.kind,
            "value": paper.value,
            "status": paper.status,
            "title": meta.get("title") or "",
            "authors": "; ".join(meta.get("authors") or []),
            "year": meta.get("year") or "",
            "journal": meta.get("journal") or "",
            "type": meta.get("type") or "",
            "doi": ids.get("doi", ""),
            "pmid": ids.get("pmid", ""),
            "pmcid": ids.get("pmcid", ""),
            "open_access_url": meta.get("open_access_url") or "",
            "retracted": "yes" if meta.get("retracted") else "",
            "mentions": paper.mentions,
            "places": paper.places,
            "people": paper.people,
            "platforms": ", ".join(paper.platforms),
            "first_seen_utc": spreadsheet_date(paper.first_seen),
            "last_seen_utc": spreadsheet_date(paper.last_seen),
            "latest_permalink": permalinks.get(paper.key) or "",
            "atlas_id": paper.atlas_id or "",
            "reason": paper.reason or "",
            "enrich_status": paper.enrich_status,
            "raw_text": " ".join(paper.raw_text.split()),
        }
        writer.writerow([safe_cell(row[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli"


@unmatched.command("resolve")
@click.argument("key")
@click.option(
    "--atlas-id", required=True, help="The atlas slug this paper is, e.g. lee-2024-brain-regional."
)
@click.option(
    "--force",
    is_flag=True,
    help="Resolve even when the entry has another identifier of this kind or the paper was "
    "ignored.",
)
@pass_app
def resolve(app: AppContext, key: str, atlas_id: str, force: bool) -> None:
    """Record that KEY is an atlas entry: an alias makes future mentions match it.

    Shows the entry first, and refuses (unless --force) when the mapping contradicts the
    records: the entry has a different identifier of the same kind, or the paper was ignored.
    `unresolve` undoes it.
    """
    paper_key = _lookup_key(app, key)
    slug = atlas_id.strip().lower()
    try:
        conflicts = resolve_conflicts(app.db, paper_key, slug)
    except (UnknownPaperError, UnknownEntryError) as exc:
        raise click.ClickException(str(exc)) from exc
    entry = get_entry(app.db, slug)
    assert entry is not None  # resolve_conflicts checked it exists
    click.echo(f"atlas entry {_describe_entry(entry)}")
    if conflicts and not force:
        raise click.ClickException(
            f"not resolving {paper_key} → {slug}: {'; '.join(conflicts)} "
            "(check the entry; --force resolves anyway)"
        )
    resolve_paper(app.db, paper_key, slug, actor=_actor())
    click.echo(f"resolved {paper_key} → {slug}; future mentions will match it")


def _describe_entry(entry: AtlasEntry) -> str:
    """`slug: Title (2024), DOI 10.x` in one line."""
    year = f" ({entry.year})" if entry.year else ""
    ids = ", ".join(
        f"{kind.upper()} {getattr(entry, kind)}"
        for kind in ("doi", "pmid", "pmcid")
        if getattr(entry, kind)
    )
    return visible(" ".join(f"{entry.id}: {entry.title}{year}{', ' + ids if ids else ''}".split()))


@unmatched.command("unresolve")
@click.argument("key")
@pass_app
def unresolve(app: AppContext, key: str) -> None:
    """Undo `resolve`: drop KEY's alias and make it pending again."""
    paper_key = _lookup_key(app, key)
    try:
        previous = unresolve_paper(app.db, paper_key, actor=_actor())
    except (UnknownPaperError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"unresolved {paper_key} (was {previous}); it is pending again")


@unmatched.command("ignore")
@click.argument("key")
@click.option(
    "--reason", required=True, help="Why the atlas should not add it (kept for curators)."
)
@pass_app
def ignore(app: AppContext, key: str, reason: str) -> None:
    """Mark KEY as not wanted in the atlas, with the reason."""
    paper_key = _lookup_key(app, key)
    try:
        ignore_paper(app.db, paper_key, reason, actor=_actor())
    except UnknownPaperError as exc:
        raise click.ClickException(str(exc)) from exc
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--reason") from exc
    click.echo(f"ignored {paper_key}: {reason.strip()}")
