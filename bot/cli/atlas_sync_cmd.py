"""`evidence-bot atlas parse-page FILE|URL` and `atlas sync`: read the atlas's own pages."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from bot.cli import bounds
from bot.cli.context import AppContext, pass_app
from bot.cli.tables import cell
from bot.errors import FetchFailed, SyncStopped
from bot.http.limits import RetryPolicy
from bot.sync.crawler import AtlasSync
from bot.sync.fetcher import PoliteFetcher, RobotsUnavailable, open_fetcher
from bot.sync.state import SyncReport
from records.atlas_page import parse_atlas_page
from records.atlas_store import upsert_entries
from records.entry_gaps import PARTS, missing_parts
from records.errors import AtlasPageError
from records.wording import counted

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 2.0
# Below this many pages a bar flickers more than it helps.
# A progress line after the first page, then every this many pages or seconds: a sync of
# the whole atlas at one page a second takes hours, and runs unattended (no terminal).
PROGRESS_EVERY_PAGES = 50
PROGRESS_EVERY_SECONDS = 30.0


class SyncProgress:
    """Lines such as `atlas sync: 150 of 6,100 pages done (2%), about 1 h 41 min left`."""

    def __init__(
        self,
        echo: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._echo = echo
        self._clock = clock
        self._started = clock()
        self._shown_pages = 0
        self._shown_at = self._started

    def update(self, done: int, known: int | None) -> None:
        """Called after each page: print a line when one is due."""
        now = self._clock()
        due = (
            self._shown_pages == 0
            or done - self._shown_pages >= PROGRESS_EVERY_PAGES
            or now - self._shown_at >= PROGRESS_EVERY_SECONDS
        )
        if due:
            self._show(done, known, now)

    def finish(self, done: int, known: int | None) -> None:
        """The last line, unless the last update already said the same."""
        if done and done != self._shown_pages:
            self._show(done, known, self._clock())

    def _show(self, done: int, known: int | None, now: float) -> None:
        self._shown_pages, self._shown_at = done, now
        self._echo(progress_line(done, known, now - self._started))


def progress_line(done: int, known: int | None, elapsed: float) -> str:
    """Pages done, pages known and the time left at the pace so far."""
    if not known:
        return f"atlas sync: {counted(done, 'page')} done, more still being found"
    pages = "page" if known == 1 else "pages"
    share = f"{done:,} of {known:,} {pages} done ({100 * done / known:.0f}%)"
    left = known - done
    if left <= 0 or done == 0:
        return f"atlas sync: {share}"
    return f"atlas sync: {share}, about {_duration(elapsed / done * left)} left"


def _duration(seconds: float) -> str:
    """`40 s`, `12 min`, `3 h 05 min`."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def register_sync_commands(group: click.Group) -> None:
    """Add `parse-page` and `sync` to the `atlas` group."""
    group.add_command(parse_page)
    group.add_command(sync)


@contextmanager
def polite_fetcher(
    app: AppContext, *, delay: float, timeout: float, retries: int, backoff: float
) -> Iterator[PoliteFetcher]:
    """One fetcher on the polite HTTP stack for the whole run, closed afterwards."""
    fetcher = open_fetcher(
        user_agent=app.settings.atlas.user_agent,
        delay=delay,
        timeout=timeout,
        retry=RetryPolicy(max_retries=retries, base_delay=backoff),
    )
    try:
        yield fetcher
    finally:
        fetcher.close()


@click.command("parse-page")
@click.argument("source")
@click.option("--slug", help="The study's slug, for a saved page that names none.")
@click.option("--import", "import_entry", is_flag=True, help="Also upsert it into the local atlas.")
@click.option("--timeout", type=bounds.seconds(0.01), default=DEFAULT_TIMEOUT, show_default=True)
@pass_app
def parse_page(
    app: AppContext, source: str, slug: str | None, import_entry: bool, timeout: float
) -> None:
    """Print the entry one atlas page shows (SOURCE: a saved HTML/text page or a URL) as JSON."""
    url = source if source.startswith(("http://", "https://")) else None
    if url:
        text, url = _fetch_one(app, url, timeout)
    else:
        text = _read_file(source)
    try:
        parsed = parse_atlas_page(text, url=url, slug=slug)
    except AtlasPageError as exc:
        hint = " (pass --slug SLUG)" if str(exc).startswith("no slug") else ""
        raise click.ClickException(f"{source}: {exc}{hint}") from exc
    for note in parsed.notes:
        click.echo(f"note: {note}", err=True)
    for warning in parsed.warnings:
        click.echo(f"warning: {warning}", err=True)
    if lacking := missing_parts(parsed.entry):
        click.echo(f"lacks: {', '.join(lacking)} (not on the page)", err=True)
    click.echo(json.dumps(parsed.entry.to_json_dict(), ensure_ascii=False, indent=2))
    if import_entry:
        counts = upsert_entries(app.db, [parsed.entry])
        state = "added" if counts.added else "updated" if counts.updated else "unchanged"
        click.echo(f"atlas: {parsed.entry.id} {state}", err=True)


def _read_file(source: str) -> str:
    path = Path(source)
    if not path.is_file():
        raise click.ClickException(f"{source}: no such file (give a saved page or an http(s) URL)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{source}: not UTF-8 text ({exc.reason})") from exc


def _fetch_one(app: AppContext, url: str, timeout: float) -> tuple[str, str]:
    """The page's text and its address after redirects."""
    with polite_fetcher(app, delay=0, timeout=timeout, retries=1, backoff=1.0) as fetcher:
        try:
            if not fetcher.allowed(url):
                raise click.ClickException(f"{url}: robots.txt does not allow fetching it")
            fetched = fetcher.get(url)
        except (FetchFailed, RobotsUnavailable) as exc:
            raise click.ClickException(f"{url}: {exc}") from exc
    if fetched.status != 200:
        raise click.ClickException(f"{url}: HTTP {fetched.status}")
    return fetched.text, fetched.url


@click.command("sync")
@click.option("--base-url", help="The atlas site [EVBOT_ATLAS__BASE_URL].")
@click.option("--limit", type=bounds.COUNT, help="Fetch at most N study pages this run.")
@click.option(
    "--delay",
    type=bounds.seconds(0),
    help="Seconds between requests [atlas.sync_delay_seconds; a robots.txt Crawl-delay wins].",
)
@click.option("--timeout", type=bounds.seconds(0.01), default=DEFAULT_TIMEOUT, show_default=True)
@click.option("--retries", type=bounds.RETRIES, default=DEFAULT_RETRIES, show_default=True)
@click.option(
    "--backoff",
    type=bounds.seconds(0),
    default=DEFAULT_BACKOFF,
    show_default=True,
    help="First wait before a retry, doubled each time.",
)
@click.option(
    "--max-minutes",
    type=click.FloatRange(min=0.1, max=100_000),
    help="Stop after this long (the next run resumes); default: no limit.",
)
@click.option("--restart", is_flag=True, help="Forget an interrupted crawl; start at the top.")
@click.option(
    "--full",
    is_flag=True,
    help="Fetch and parse every page again, ignoring ETag/Last-Modified (after a parser fix).",
)
@pass_app
def sync(
    app: AppContext,
    *,
    base_url: str | None,
    limit: int | None,
    delay: float | None,
    timeout: float,
    retries: int,
    backoff: float,
    max_minutes: float | None,
    restart: bool,
    full: bool,
) -> None:
    """Update the local atlas from the atlas's own pages, politely; resumes if interrupted."""
    settings = app.settings.atlas
    site = (base_url or str(settings.base_url)).rstrip("/")
    pause = settings.sync_delay_seconds if delay is None else delay
    with polite_fetcher(app, delay=pause, timeout=timeout, retries=retries, backoff=backoff) as f:
        deadline = None if max_minutes is None else 60 * max_minutes
        crawl = AtlasSync(
            app.db, f, site, limit=limit, restart=restart, full=full, deadline_seconds=deadline
        )
        if crawl.state.resumed:
            click.echo(
                f"Resuming the crawl of {site} started {crawl.state.started_at} "
                f"({counted(crawl.store.seen_count(), 'page')} already done).",
                err=True,
            )
        try:
            click.echo(f"atlas sync: finding the study pages of {site}…", err=True)
            crawl.start()
            progress = SyncProgress(lambda line: click.echo(line, err=True))
            report = crawl.run(lambda: progress.update(crawl.fetched, crawl.known))
            progress.finish(crawl.fetched, crawl.known)
        except SyncStopped as exc:
            if crawl.report.pages_done:
                print_report(crawl.report)
            raise click.ClickException(f"sync stopped: {exc} (run again to resume)") from exc
        except KeyboardInterrupt:
            print_report(crawl.report)
            click.echo("Interrupted: run `evidence-bot atlas sync` again to resume.", err=True)
            sys.exit(130)
    print_report(report)


def print_report(report: SyncReport, *, verbose: bool | None = None) -> None:
    """The counts, then each newly retracted, failed and skipped page, as tables on stdout.

    The pages imported without a PEM badge, a summary or a caveat are counted per part in
    the table; with `-v` (or `verbose`) their slugs follow.
    """
    if verbose is None:
        context = click.get_current_context(silent=True)
        verbose = bool(context and context.find_root().params.get("verbose"))
    console = Console(width=None if sys.stdout.isatty() else 120)
    summary = Table(title="Atlas sync")
    summary.add_column("Outcome")
    summary.add_column("Pages", justify="right")
    for label, number in (
        ("New", report.new),
        ("Changed", report.changed),
        ("Unchanged", report.unchanged),
        ("Newly retracted", len(report.newly_retracted)),
        ("Failed", len(report.failed)),
        ("Skipped (robots.txt)", len(report.skipped)),
        ("Local entries not listed", len(report.not_listed)),
        *((f"Read, lacking a {part}", len(report.lacking.get(part, []))) for part in PARTS),
    ):
        summary.add_row(label, str(number))
    console.print(summary)
    for part in PARTS if verbose else ():
        if slugs := report.lacking.get(part):
            console.print(cell(f"Lacking a {part}: {', '.join(slugs)}"))
    if report.newly_retracted:
        retracted = Table(title="Newly retracted")
        retracted.add_column("Slug")
        for slug in report.newly_retracted:
            retracted.add_row(cell(slug))
        console.print(retracted)
    if report.not_listed:
        shown = ", ".join(report.not_listed[:20])
        more = f" and {len(report.not_listed) - 20} more" if len(report.not_listed) > 20 else ""
        console.print(cell(f"Not listed on the atlas (kept locally): {shown}{more}"))
    for title, heading, rows in (
        ("Changed pages", "Fields changed", report.changed_fields),
        ("Failed pages", "Reason", report.failed),
        ("Skipped pages", "Reason", report.skipped),
    ):
        if rows:
            table = Table(title=title)
            table.add_column("Slug")
            table.add_column(heading)
            for slug, reason in rows:
                # Reasons quote what the site answered: never run as terminal markup.
                table.add_row(cell(slug), cell(reason))
            console.print(table)
    console.print(f"Listing pages read: {report.listing_pages}")
    if report.complete:
        console.print("Crawl complete.")
    elif report.stopped_reason:
        console.print(cell(report.stopped_reason.capitalize() + "."))
