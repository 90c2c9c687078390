"""All SQL is parameterised: no value ever becomes part of a statement's text.

An AST scan of the source tree finds every call that takes SQL text (`execute`,
`executemany`, `executescript`, `query` and sqlite-utils' `*_where`) and follows its SQL
argument (through local assignments) to string constants. Building the text is allowed only
from the small list of fixed identifiers below: column names from a fixed tuple, `?`
placeholders, and WHERE/ORDER BY fragments chosen from constants. Anything else, and any
`%`-formatting or `.format()`, fails the test with the file and line.
"""

from __future__ import annotations

import ast
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from tests.conftest import REPO_ROOT

SOURCE_DIRS = ("bot", "linker", "records", "config", "benchmarks")
SQL_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "executescript",
        "query",
        "rows_where",
        "delete_where",
        "count_where",
    }
)

# Names that may be interpolated into SQL text, per file, and why each is fixed.
ALLOWED_NAMES: dict[str, dict[str, str]] = {
    "records/atlas_store.py": {
        "columns": "the keys of _row(), a fixed dict of column names",
        "updates": "`c = excluded.c` for those same columns",
        "marks": "`?, ?, ...` placeholders",
        "kind": "a column name from IDENTIFIER_KINDS",
        "column": "a column name from a literal tuple",
    },
    "records/census.py": {
        "cited": "CensusFilter.where: constant `alias.column >= ?` / `= ?` conditions",
        "seen": "CensusFilter.where: constant `alias.column >= ?` / `= ?` conditions",
    },
    "records/db.py": {"busy_timeout_ms": "an int() (PRAGMA takes no parameters)"},
    "records/deployment.py": {
        "MIGRATIONS_TABLE": "the module's fixed table name",
        "table": "a schema table name (an imported row's table is checked against them)",
        "listed": "the table's own column names, read from the store",
        "columns": "column names checked against the table's own before use",
        "placeholders": "`?, ?, ...` placeholders",
    },
    "records/entry_checks.py": {"limit": "only tested for None; the value itself is bound"},
    "records/entry_metadata.py": {"TABLE": "the module's fixed table name"},
    "records/fulltext.py": {
        "TABLE": "the module's fixed FTS5 table name",
        "_WEIGHTS": "constant bm25() column weights",
        "_PG_WEIGHTS": "constant ts_rank() weights",
        "marks": "`?, ?, ...` placeholders",
        "key": "'id' or 'rowid', by the store's dialect",
        "key_column": "'entry_id' or 'rowid', by the store's dialect",
        "columns": "a constant list of the search table's column names",
        "match": "a constant MATCH / @@ condition with a placeholder",
    },
    "records/postgres.py": {
        "self": "int(self._lock_timeout_ms) (SET takes no parameters)",
        "table": "a table name read from information_schema",
        "column": "a column name read from information_schema",
    },
    "records/places.py": {"column": "a Literal of two setting column names"},
    "records/posted_cards.py": {
        "_COLUMNS": "a constant list of the table's column names",
        "clause": "constant `column = ?` conditions, or nothing",
    },
    "records/modlog.py": {"where": "a constant WHERE clause with a placeholder, or nothing"},
    "records/replies.py": {"where": "constant `column = ?` conditions"},
    "records/unmatched.py": {
        "skip_locked": "' FOR UPDATE SKIP LOCKED' or nothing, by the store's dialect",
        "join_filters": "constant `s.column >= ?` conditions",
        "where": "constant conditions and `?` placeholders",
        "having": "a constant HAVING clause or nothing",
        "_ORDER_BY": "a dict of constant ORDER BY clauses",
        "sort": "a key checked against _ORDER_BY before use",
        "limit": "only tested for None; the value itself is bound",
    },
}
# SQL held in a variable the scan cannot follow to its constants, and where it comes from.
ALLOWED_OPAQUE: dict[str, dict[str, str]] = {
    "records/migrations.py": {"statement": "split from the constant migration scripts"},
    "records/fulltext.py": {
        "CREATE_SQL": "the module's constant FTS5 table definition",
        "statement": "one of the constant table definitions (CREATE_SQL, PG_CREATE_SQL)",
    },
    "records/postgres.py": {
        "sql": "the connection and the driver pass their caller's statement on (the callers' "
        "SQL is scanned where they write it)",
    },
}
# Functions whose result may be SQL text without being scanned there, per file, and why.
ALLOWED_CALLS: dict[str, dict[str, str]] = {
    "records/postgres.py": {
        "to_postgres": "rewrites its caller's SQL for PostgreSQL (placeholders, INSERT OR "
        "IGNORE); the callers' SQL is scanned where they write it",
    },
}


@dataclass(frozen=True)
class SqlCall:
    file: str
    line: int
    method: str
    sql: ast.expr
    scope: ast.AST
    module: ast.Module


def sql_calls() -> Iterator[SqlCall]:
    for folder in SOURCE_DIRS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            yield from _calls_in(tree, relative, tree, tree)


def _calls_in(node: ast.AST, file: str, scope: ast.AST, module: ast.Module) -> Iterator[SqlCall]:
    for child in ast.iter_child_nodes(node):
        inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else scope
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr in SQL_METHODS
            and child.args
        ):
            yield SqlCall(file, child.lineno, child.func.attr, child.args[0], scope, module)
        yield from _calls_in(child, file, inner, module)


def _builder(call: SqlCall, expr: ast.AST) -> ast.FunctionDef | None:
    """The module's own function that `expr` calls (SQL built there), if it is one."""
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)):
        return None
    for node in call.module.body:
        if isinstance(node, ast.FunctionDef) and node.name == expr.func.id:
            return node
    return None


def _returned(function: ast.FunctionDef) -> list[ast.expr]:
    return [n.value for n in ast.walk(function) if isinstance(n, ast.Return) and n.value]


def _assigned_values(scope: ast.AST, name: str) -> list[ast.expr] | None:
    """What `name` is assigned in `scope`; None when it is bound some other way."""
    values: list[ast.expr] = []
    for node in ast.walk(scope):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        named = any(isinstance(t, ast.Name) and t.id == name for t in targets)
        value = getattr(node, "value", None)
        if named and isinstance(value, ast.expr):
            values.append(value)
    return values or None


def _interpolated_names(expr: ast.expr) -> set[str]:
    """Names read by an interpolated expression, leaving out called functions and loop vars."""
    called = {id(n.func) for n in ast.walk(expr) if isinstance(n, ast.Call)}
    bound = {
        t.id
        for n in ast.walk(expr)
        if isinstance(n, ast.comprehension)
        for t in ast.walk(n.target)
        if isinstance(t, ast.Name)
    }
    return {
        n.id
        for n in ast.walk(expr)
        if isinstance(n, ast.Name) and id(n) not in called and n.id not in bound
    }


def problems(call: SqlCall, expr: ast.expr | None = None, depth: int = 0) -> list[str]:
    """Why the SQL text of `call` may hold a value, or nothing when it cannot."""
    expr = call.sql if expr is None else expr
    where = f"{call.file}:{expr.lineno}"
    if isinstance(expr, ast.Constant):
        return [] if isinstance(expr.value, str) else [f"{where}: SQL is not text"]
    if isinstance(expr, ast.JoinedStr):
        allowed = set(ALLOWED_NAMES.get(call.file, {}))
        return [
            f"{where}: f-string interpolates {name!r} into SQL"
            for part in expr.values
            if isinstance(part, ast.FormattedValue)
            for name in sorted(_interpolated_names(part.value) - allowed)
        ]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        return problems(call, expr.left, depth) + problems(call, expr.right, depth)
    if isinstance(expr, ast.Name) and depth < 5:
        return _variable_problems(call, expr, depth)
    return _built_problems(call, expr, depth)


def _built_problems(call: SqlCall, expr: ast.expr, depth: int) -> list[str]:
    """SQL a call builds: allowed, or scanned where the module's own function returns it."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        if expr.func.id in ALLOWED_CALLS.get(call.file, {}):
            return []
        if (builder := _builder(call, expr)) is not None and depth < 5:
            inside = replace(call, scope=builder)
            return [p for value in _returned(builder) for p in problems(inside, value, depth + 1)]
    return [f"{call.file}:{expr.lineno}: {_how_built(expr)}"]


def _variable_problems(call: SqlCall, name: ast.Name, depth: int) -> list[str]:
    values = _assigned_values(call.scope, name.id)
    if values is None:
        if name.id in ALLOWED_OPAQUE.get(call.file, {}):
            return []
        return [f"{call.file}:{name.lineno}: SQL comes from {name.id!r}, the scan cannot follow"]
    return [p for value in values for p in problems(call, value, depth + 1)]


def _how_built(expr: ast.expr) -> str:
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
        return "SQL built with % formatting"
    if (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr == "format"
    ):
        return "SQL built with .format()"
    return f"SQL built by {ast.unparse(expr)[:60]!r}"


def test_the_scan_finds_the_sql_calls_of_the_records_layer() -> None:
    files = {call.file for call in sql_calls()}
    assert {"records/replies.py", "records/unmatched.py", "records/atlas_store.py"} <= files


def test_every_sql_statement_is_parameterised() -> None:
    found = [problem for call in sql_calls() for problem in problems(call)]
    assert found == []


def test_every_allowed_name_is_still_interpolated_somewhere() -> None:
    used: dict[str, set[str]] = {}
    for call in sql_calls():
        scopes = [call.scope, *(b for e in ast.walk(call.sql) if (b := _builder(call, e)))]
        for node in (n for scope in scopes for n in ast.walk(scope)):
            if isinstance(node, ast.FormattedValue):
                used.setdefault(call.file, set()).update(_interpolated_names(node.value))
    stale = {
        (file, name)
        for file, names in ALLOWED_NAMES.items()
        for name in names
        if name not in used.get(file, set())
    }
    assert stale == set()


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ('db.execute(f"SELECT * FROM t WHERE a = {value}")', "interpolates 'value'"),
        ('db.query("SELECT * FROM t WHERE a = %s" % value)', "% formatting"),
        ('db.execute("SELECT * FROM t WHERE a = {}".format(value))', ".format()"),
        ('db.execute("SELECT * FROM t WHERE a = \'" + value + "\'")', "from 'value'"),
        ('sql = f"DELETE FROM t WHERE a = {value}"\ndb.execute(sql)', "interpolates 'value'"),
        ("db.executescript(script)", "cannot follow"),
    ],
)
def test_the_scan_catches_values_built_into_sql(source: str, complaint: str) -> None:
    tree = ast.parse("def handler(db, value, script):\n    " + source.replace("\n", "\n    "))
    function = tree.body[0]
    calls = list(_calls_in(tree, "elsewhere.py", function, tree))
    assert len(calls) == 1
    found = problems(calls[0])
    assert found
    assert complaint in found[0]


def test_the_scan_follows_sql_a_function_of_the_module_builds() -> None:
    tree = ast.parse(
        "def handler(db, value):\n    db.execute(build(value))\n"
        "def build(value):\n    return f'SELECT * FROM t WHERE a = {value}'\n"
    )
    [call] = _calls_in(tree, "elsewhere.py", tree, tree)
    [found] = problems(call)
    assert "interpolates 'value'" in found


def test_sqlite_rejects_a_second_statement_in_one_execute() -> None:
    """Why a bound value cannot smuggle in a statement, and text concatenation could."""
    conn = sqlite3.connect(":memory:")
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1; DROP TABLE x")
