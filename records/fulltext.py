"""Full-text search over the atlas: titles, aliases, keywords, summaries and authors.

The index is an SQLite FTS5 table (https://www.sqlite.org/fts5.html), or on PostgreSQL a
table with a weighted `tsvector` column and a GIN index
(https://www.postgresql.org/docs/current/textsearch-controls.html), kept in step with
`atlas_entries` by `upsert_entries` (and filled once by its migration). Atlas text is English,
while members search in six more languages, so words are stemmed in Python with the Snowball
stemmers (PyStemmer) before FTS5 sees them: a document holds each folded word and its English
stem; a query word matches when any of the seven languages' stems of it does ("studien",
"études", "studies" all reach "study").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from records.models import AtlasEntry
from records.store import Database, is_postgres, table_exists

TABLE = "atlas_search"
# The languages people search in; English first, because the atlas is written in it.
LANGUAGES = ("english", "german", "dutch", "norwegian", "spanish", "french", "swedish")
# Column weights for bm25(): a word in the title or an alias says most about a study.
_WEIGHTS = "0.0, 10.0, 10.0, 5.0, 1.0, 3.0"
_WORD = re.compile(r"[^\W_]+")
_MAX_QUERY_WORDS = 12
_MIN_WORD_CHARS = 2
# Function words of the seven languages (folded, as `fold_words` gives them): they tell
# nothing about a study, yet a query made of little else ("x' OR '1'='1") would list every
# entry that happens to hold one. "me" is not here: ME is the illness.
_STOP_WORDS = frozenset(
    word
    for language_words in (
        # English
        "an the and or but nor of in on at to for from by with as into than that this these"
        " those is are was were be been it its you he she we they my your our their his her"
        " what which who how why when where if not no so do does did can will there here about"
        " any some all vs",
        # German
        "der die das den dem des ein eine einer einen einem eines und oder aber im am auf aus"
        " bei mit nach von vom zu zum zur fur uber ist sind war es ich du er sie wir ihr nicht"
        " kein keine auch wie was wer wo dass ob",
        # Dutch
        "de het een en op aan met van voor naar uit door zijn ik je hij zij wij niet geen ook"
        " dat dit wat wie waar hoe",
        # Norwegian and Swedish
        "og och pa av til till som er ar var det den et ett ei jeg jag han hun hon vi ikke inte"
        " om fra fran hva vad hvordan hur hvor nar",
        # Spanish
        "el la los las un una unos unas del al en con por para sobre que son fue se su sus lo"
        " le les mi tu como cual donde",
        # French
        "une des du et ou au aux avec pour par sur dans qui est sont etait ce cette ces il elle"
        " ils nous vous je ne pas son sa ses leur mon ma",
    )
    for word in language_words.split()
)
# Past this many entries a word is common enough that its exact count no longer matters.
_COUNT_CAP = 10_000

CREATE_SQL = f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        entry_id UNINDEXED, title, aliases, keywords, body, people,
        tokenize = 'unicode61 remove_diacritics 2'
    )
"""
# The documents hold words already folded and stemmed in Python, so PostgreSQL's `simple`
# configuration (lower-casing only) sees the same terms FTS5 does. Weights A-D stand for the
# bm25 column weights: title and aliases 10, keywords 5, people 3, body 1.
_PG_DOCUMENT = """
    setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', aliases), 'A')
    || setweight(to_tsvector('simple', keywords), 'B')
    || setweight(to_tsvector('simple', people), 'C') || setweight(to_tsvector('simple', body), 'D')
"""
PG_CREATE_SQL = [
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        entry_id TEXT PRIMARY KEY, title TEXT NOT NULL, aliases TEXT NOT NULL,
        keywords TEXT NOT NULL, body TEXT NOT NULL, people TEXT NOT NULL,
        document tsvector GENERATED ALWAYS AS ({_PG_DOCUMENT}) STORED
    )""",
    f"CREATE INDEX IF NOT EXISTS idx_{TABLE}_document ON {TABLE} USING GIN (document)",
]
_PG_WEIGHTS = "'{0.1, 0.3, 0.5, 1.0}'"  # D, C, B, A: the bm25 weights over 10


@lru_cache(maxsize=len(LANGUAGES))
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def fold_words(text: str) -> list[str]:
    """Lower-case words of `text` without accents ("Müdigkeit" → "mudigkeit")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(plain)


def _document_terms(text: str) -> str:
    """Each word and its English stem, space-separated, ready for FTS5."""
    words = fold_words(text)
    stems = _stemmer("english").stemWords(words)
    terms: list[str] = []
    for word, stem in zip(words, stems, strict=True):
        terms.append(word)
        if stem != word:
            terms.append(stem)
    return " ".join(terms)


def _learned_keywords(db: Database, ids: list[str]) -> dict[str, list[str]]:
    """The keywords the enricher learned for these entries (records.entry_metadata), so an
    atlas import that rewrites an entry's search row keeps them."""
    if not table_exists(db, "atlas_entry_metadata"):
        return {}  # the migrations that create the search table run before that table exists
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = (
            "SELECT entry_id, json_extract(data, '$.keywords') FROM atlas_entry_metadata "  # noqa: S608
            f"WHERE entry_id IN ({marks})"
        )
        for entry_id, keywords in db.execute(sql, chunk):
            if keywords:
                found[str(entry_id)] = [str(k) for k in json.loads(keywords)]
    return found


def _columns(entry: AtlasEntry, learned: Iterable[str] = ()) -> list[str]:
    body = [
        entry.summary or "",
        entry.why_it_matters or "",
        *entry.findings,
        *entry.conclusions,
        entry.study_type or "",
    ]
    people = [*entry.authors, entry.journal or "", str(entry.year or "")]
    return [
        _document_terms(entry.title),
        _document_terms(" ; ".join(entry.aliases)),
        _document_terms(" ; ".join((*entry.keywords, *learned))),
        _document_terms(" ".join(body)),
        _document_terms(" ".join(people)),
    ]


def reindex(db: Database, entries: Iterable[AtlasEntry]) -> None:
    """Replace the search rows of `entries` (call inside the transaction that stores them)."""
    entries = list(entries)
    postgres = is_postgres(db)
    # On SQLite a search row shares its entry's rowid, so replacing it is a look-up, not a
    # scan; on PostgreSQL the entry id is the search table's key.
    key = "id" if postgres else "rowid"
    keys: dict[str, object] = {}
    for start in range(0, len(entries), 500):
        chunk = [entry.id for entry in entries[start : start + 500]]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT {key}, id FROM atlas_entries WHERE id IN ({marks})"  # noqa: S608
        keys.update((str(entry_id), found) for found, entry_id in db.execute(sql, chunk))
    learned = _learned_keywords(db, list(keys))
    rows = [
        (keys[entry.id], entry.id, *_columns(entry, learned.get(entry.id, ())))
        for entry in entries
        if entry.id in keys
    ]
    key_column = "entry_id" if postgres else "rowid"
    db.conn.executemany(f"DELETE FROM {TABLE} WHERE {key_column} = ?", [(row[0],) for row in rows])  # noqa: S608 - fixed names
    columns = ["entry_id", "title", "aliases", "keywords", "body", "people"]
    if not postgres:
        columns.insert(0, "rowid")
    db.conn.executemany(
        f"INSERT INTO {TABLE} ({', '.join(columns)}) "  # noqa: S608 - fixed names
        f"VALUES ({', '.join('?' for _ in columns)})",
        [row[1:] if postgres else row for row in rows],
    )


def _query_terms(word: str) -> list[str]:
    """A query word and its stems in every language (a document matches on any of them)."""
    variants = {word}
    for language in LANGUAGES:
        variants.add(_stemmer(language).stemWord(word))
    return sorted(variants)


def _match_text(db: Database, groups: list[list[str]]) -> str:
    """Every group must match, by any of its words: an FTS5 query or a tsquery."""
    if is_postgres(db):
        # Quoted lexemes: a tsquery operator inside a word stays text.
        return " & ".join(
            "(" + " | ".join("'" + v.replace("'", "''") + "'" for v in group) + ")"
            for group in groups
        )
    # Double quotes make each variant a plain string to FTS5, whatever it holds.
    return " AND ".join(
        "(" + " OR ".join(f'"{variant}"' for variant in group) + ")" for group in groups
    )


def search(db: Database, query: str, limit: int = 5) -> list[str]:
    """Entry slugs whose text matches the telling words of `query`, best first.

    Function words ("or", "the", "und") and one-letter words are dropped, and so are words
    that occur in no entry ("please"); when the rest together fit no entry,
    the most common of them ("study", "paper") go first, one at a time, so a question phrased
    as a sentence still finds the studies its rare words name.
    """
    words = [w for w in fold_words(query) if len(w) >= _MIN_WORD_CHARS and w not in _STOP_WORDS][
        :_MAX_QUERY_WORDS
    ]
    groups = [_query_terms(word) for word in dict.fromkeys(words)]
    counted = sorted(
        ((count, group) for group in groups if (count := _count(db, group))),
        key=lambda counted_group: (counted_group[0], " OR ".join(counted_group[1])),
    )
    telling = [group for _, group in counted]
    while telling:
        rows = db.execute(_search_sql(db), [_match_text(db, telling), limit]).fetchall()
        if rows:
            return [str(row[0]) for row in rows]
        telling.pop()
    return []


def _search_sql(db: Database) -> str:
    if is_postgres(db):
        return (
            f"SELECT entry_id FROM {TABLE}, to_tsquery('simple', ?) AS q "  # noqa: S608
            f"WHERE document @@ q ORDER BY ts_rank({_PG_WEIGHTS}, document, q, 1) DESC, "
            "entry_id LIMIT ?"
        )
    return (
        f"SELECT entry_id FROM {TABLE} WHERE {TABLE} MATCH ? "  # noqa: S608 - fixed table name
        f"ORDER BY bm25({TABLE}, {_WEIGHTS}), entry_id LIMIT ?"
    )


def _count(db: Database, group: list[str]) -> int:
    """How many entries hold a word of `group` (counting stops at `_COUNT_CAP`)."""
    match = "document @@ to_tsquery('simple', ?)" if is_postgres(db) else f"{TABLE} MATCH ?"
    row = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {match} LIMIT ?) AS hits",  # noqa: S608
        [_match_text(db, [group]), _COUNT_CAP],
    ).fetchone()
    return int(row[0])


def rebuild(db: Database) -> None:
    """Create the search table if needed and fill it from every stored entry."""
    for statement in PG_CREATE_SQL if is_postgres(db) else [CREATE_SQL]:
        db.execute(statement)
    db.execute(f"DELETE FROM {TABLE}")  # noqa: S608 - fixed table name
    batch: list[AtlasEntry] = []
    for row in db.execute("SELECT data FROM atlas_entries ORDER BY id"):
        batch.append(AtlasEntry.model_validate_json(row[0]))
        if len(batch) >= 1000:
            reindex(db, batch)
            batch = []
    reindex(db, batch)
