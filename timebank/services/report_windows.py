"""Report windows (timebank/reports/windows.py): which exist, building them, keeping them
current, retiring them.

Everything here runs inside the fold's write transaction (report_summaries), after the
summaries were brought up to the ledger head, so a window is made current to the same
sequence as the summaries it is read beside, and a writer killed halfway leaves both as
they were.

- A report asks for the windows of its periods; a missing one is built from the
  summaries and the edges (seconds on a bank of a million transfers, once).
- A window asked for that is behind the ledger head works out again the rows of the
  accounts that the entries since its own sequence (and the entries they reverse) touch
  within its period, and moves its balances by the new transfers dated before its end.
  A window nobody asks for stays where it is until somebody does; it is never read
  before it is current.
- A window whose masks no longer fit the bank (a category added or removed, an
  activity's level changed) is retired, as are all the bank's windows when a member
  moves group (their partners' rows name the group); the next report builds what it
  needs again.
- A bank keeps at most MAX_WINDOWS; the one a report asked for longest ago goes first
  (`touch` records when a report computed from a window's period).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..models import ReportWindow
from ..models._types import utcnow
from ..reports import sql, windows
from ..reports.scope import Scope
from ..reports.workspace import Layout, layout_for

MAX_WINDOWS = 8
ROW_TABLES = ("report_window_groups", "report_window_members", "report_window_givers",
              "report_window_tops", "report_window_balances", "report_window_sums",
              "report_window_cells")


def find(bank_id: int, date_from, date_to) -> ReportWindow | None:
    return db.session.scalar(select(ReportWindow).where(
        ReportWindow.bank_id == bank_id, ReportWindow.date_from == date_from,
        ReportWindow.date_to == date_to))


def bank_layout(scope) -> Layout:
    return layout_for(scope, lambda statement: sql.execute(statement, scope.binds()))


def usable(window: ReportWindow | None, scope, head: int) -> bool:
    """Whether `window` can serve `scope` at ledger sequence `head`."""
    return (window is not None and window.last_seq == head
            and windows.same_layout(bank_layout(scope), window.layout))


def current_for(scopes, head: int) -> bool:
    """Whether every scope a window could serve has one, current to `head`."""
    return all(usable(find(s.bank_id, s.date_from, s.date_to), s, head)
               for s in scopes if windows.fits(s))


def retire(window_ids) -> None:
    ids = [int(i) for i in window_ids]
    if not ids:
        return
    for table in ROW_TABLES:
        db.session.execute(sql.statement(
            f"DELETE FROM {table} WHERE window_id IN ({', '.join(map(str, ids))})"))
    db.session.execute(delete(ReportWindow).where(ReportWindow.id.in_(ids)))


def retire_bank(bank_id: int) -> None:
    retire(db.session.scalars(select(ReportWindow.id).where(ReportWindow.bank_id == bank_id)))


def scope_of(window: ReportWindow, pool_id: int) -> Scope:
    return Scope(bank_id=window.bank_id, pool_id=pool_id, date_from=window.date_from,
                 date_to=window.date_to)


def _stored_layout(current: Layout, window: ReportWindow) -> windows.WindowLayout:
    """The bank's layout `current` with the bit positions the window's masks were built
    with (same_layout was checked)."""
    return windows.WindowLayout(current, json.loads(window.layout))


def _run(rows: windows.WindowRows):
    return lambda statement: sql.execute(statement, rows.binds)


def create(scope, head: int, layout: Layout | None = None) -> ReportWindow | None:
    """Build the window of `scope` at ledger sequence `head` (None if the bank's
    categories don't fit the masks); `layout`: the bank's, if read already."""
    layout = layout or bank_layout(scope)
    if not windows.layout_fits(layout):
        return None
    now = utcnow()
    window = ReportWindow(bank_id=scope.bank_id, date_from=scope.date_from,
                          date_to=scope.date_to, layout=windows.layout_json(layout),
                          last_seq=head, created_at=now, asked_at=now)
    db.session.add(window)
    db.session.flush()
    rows = windows.WindowRows(scope, window.id, layout, everyone=True)
    rows.binds["head"] = head
    run = _run(rows)
    if rows.dialect == "postgresql":
        run("SET LOCAL work_mem = '256MB'")
    windows.clear_temp(run)
    run(rows.ties())
    run(rows.groups())
    run(rows.cells())
    run(rows.members())
    for statement in rows.givers():
        run(statement)
    run("INSERT INTO report_window_tops (window_id, cell, minutes) SELECT :window_id, cell, "
        "MAX(minutes) FROM report_window_givers WHERE window_id = :window_id GROUP BY cell")
    run(rows.balances())
    for statement in rows.sums():
        run(statement)
    windows.clear_temp(run)
    if rows.dialect == "postgresql":  # new rows: let the planner know them, as reports join them
        for table in ROW_TABLES:
            run(f"ANALYZE {table}")
    _evict(scope.bank_id, keep=window.id)
    return window


def _evict(bank_id: int, keep: int) -> None:
    ids = list(db.session.scalars(select(ReportWindow.id).where(ReportWindow.bank_id == bank_id)
                                  .order_by(func.coalesce(ReportWindow.asked_at,
                                                          ReportWindow.created_at).desc(),
                                            ReportWindow.id.desc())))
    retire([i for i in ids[MAX_WINDOWS:] if i != keep])


def touch(bank_id: int, scopes, *, now) -> None:
    """Record that a report asked for the windows of `scopes` (inside the caller's
    transaction)."""
    for scope in scopes:
        db.session.execute(update(ReportWindow).where(
            ReportWindow.bank_id == bank_id, ReportWindow.date_from == scope.date_from,
            ReportWindow.date_to == scope.date_to).values(asked_at=now.replace(tzinfo=None)))


def _changes(bank_id: int, after: int, head: int) -> tuple[list, list]:
    """The transfers of the entries in (after, head] as (credit, debit, minutes, day), and
    the (credit, debit, day) of the transfers of the entries those reverse."""
    binds = {"bank_id": bank_id, "after": after, "head": head}
    entries = ("FROM journal_entries je WHERE je.bank_id = :bank_id "
               "AND je.seq > :after AND je.seq <= :head")
    transfers = ("SELECT t.credit_account_id, t.debit_account_id, t.minutes, t.occurred_on "
                 "FROM transfers t WHERE t.entry_id IN ")
    new = [(r.credit_account_id, r.debit_account_id, sql.as_int(r.minutes),
            sql.as_date(r.occurred_on))
           for r in sql.execute(f"{transfers}(SELECT je.id {entries})", binds)]
    reversed_ = [(r.credit_account_id, r.debit_account_id, sql.as_date(r.occurred_on))
                 for r in sql.execute(f"{transfers}(SELECT je.reverses_id {entries} "
                                      "AND je.reverses_id IS NOT NULL)", binds)]
    return new, reversed_


def bring_up(bank_id: int, pool_id: int, head: int, periods) -> None:
    """Make the windows of `periods` current to `head` (the summaries are there): build
    those missing, build again those whose layout no longer fits, and fold into the others
    the entries since their own sequence. The bank's other windows wait until a report
    asks for them, so a fold costs one window per period asked for, not one per window."""
    for scope in periods:
        if not windows.fits(scope):
            continue
        window = find(scope.bank_id, scope.date_from, scope.date_to)
        current = bank_layout(scope)
        if window is not None and not windows.same_layout(current, window.layout):
            retire([window.id])
            window = None
        if window is None:
            create(scope, head, current)
        elif window.last_seq != head:
            _catch_up(window, scope, _stored_layout(current, window), head)


def _catch_up(window: ReportWindow, scope, layout: Layout, head: int) -> None:
    """Fold the entries after the window's sequence up to `head` into it."""
    pool_id = scope.pool_id
    new, reversed_ = _changes(window.bank_id, window.last_seq, head)
    inside = [(c, d) for c, d, _, day in new if scope.date_from <= day < scope.date_to]
    inside += [(c, d) for c, d, day in reversed_ if scope.date_from <= day < scope.date_to]
    touched = {account for pair in inside for account in pair} - {pool_id}
    rows = windows.WindowRows(scope, window.id, layout, everyone=False)
    if touched:
        _refresh(rows, touched)
    _refresh_sums(rows, {day for *_, day in new} | {day for *_, day in reversed_})
    _move_balances(window, [(c, d, m) for c, d, m, day in new if day < scope.date_to])
    window.last_seq = head


def _refresh(rows: windows.WindowRows, touched: set) -> None:
    """Work out again the rows of the `touched` accounts (`rows`: the window's, with its
    layout)."""
    run = _run(rows)
    windows.clear_temp(run)
    run("CREATE TEMP TABLE rw_touched (account_id BIGINT PRIMARY KEY)")
    sql.insert_many(_insert_sql(rows.dialect, "rw_touched", 1), [(a,) for a in sorted(touched)])
    if rows.dialect == "postgresql":  # a few rows, not the thousands it assumes unanalysed
        run("ANALYZE rw_touched")
    run("CREATE TEMP TABLE rw_cells (cell VARCHAR(32) PRIMARY KEY)")
    their_cells = (f"SELECT DISTINCT g.cell FROM {windows.BY_TOUCHED} report_window_givers g "
                   "WHERE g.account_id = tt.account_id AND g.window_id = :window_id")
    run(f"INSERT INTO rw_cells (cell) {their_cells}")
    before = run(rows.cell_sums()).all()
    for table in ("report_window_groups", "report_window_members", "report_window_givers"):
        run(f"DELETE FROM {table} WHERE window_id = :window_id "
            f"AND account_id IN ({windows.TOUCHED})")
    run(rows.ties())
    run(rows.groups())
    _move_cells(rows, before, run(rows.cell_sums()).all())
    run(rows.touched_sides())
    run(rows.members())
    for statement in rows.givers():
        run(statement)
    run(f"INSERT INTO rw_cells (cell) SELECT x.cell FROM ({their_cells}) x "
        "WHERE x.cell NOT IN (SELECT cell FROM rw_cells)")
    run("DELETE FROM report_window_tops WHERE window_id = :window_id "
        "AND cell IN (SELECT cell FROM rw_cells)")
    run("""
        INSERT INTO report_window_tops (window_id, cell, minutes)
        SELECT :window_id, x.cell, x.top FROM (
            SELECT c.cell AS cell, (SELECT MAX(g.minutes) FROM report_window_givers g
                                     WHERE g.window_id = :window_id AND g.cell = c.cell) AS top
            FROM rw_cells c
        ) x WHERE x.top IS NOT NULL
    """)
    windows.clear_temp(run)


def _move_cells(rows: windows.WindowRows, before: list, after: list) -> None:
    """Move the window's flow cells (nine at most) by what the touched accounts' group rows
    add up to after the fold less before. A cell's `top` (the most one member gave) is the
    larger of its own and the touched members' new one, unless a touched member held it
    and now gives less: then the cell's rows are read again for it."""
    old = {(r.mine, r.pg): r for r in before}
    new = {(r.mine, r.pg): r for r in after}
    if not old and not new:
        return
    run = _run(rows)
    stored = {(r.mine, r.pg): r for r in run(
        "SELECT * FROM report_window_cells WHERE window_id = :window_id")}
    kept = []
    for key in sorted(stored.keys() | new.keys()):
        was, gone, came = stored.get(key), old.get(key), new.get(key)
        sums = [_value(was, name) - _value(gone, name) + _value(came, name)
                for name in windows.CELLS]
        if sums[windows.CELLS.index("people")] == 0:
            continue
        top = max(_value(was, "top"), _value(came, "top"))
        if was is not None and gone is not None and _value(gone, "top") >= _value(was, "top") \
                > _value(came, "top"):
            top = sql.as_int(sql.execute(
                "SELECT MAX(g.given) FROM report_window_groups g "
                "JOIN accounts a ON a.id = g.account_id "
                "JOIN members m ON m.id = a.member_id AND m.bank_id = :bank_id "
                "WHERE g.window_id = :window_id AND g.pg = :cell_pg "
                "AND m.member_group = :cell_mine",
                {**rows.binds, "cell_mine": key[0], "cell_pg": key[1]}).scalar())
        kept.append((rows.binds["window_id"], *key, *sums, top))
    run("DELETE FROM report_window_cells WHERE window_id = :window_id")
    if kept:
        columns = f"window_id, mine, pg, {', '.join(windows.CELLS)}, top"
        sql.insert_many(_insert_sql(rows.dialect, f"report_window_cells ({columns})",
                                    len(kept[0])), kept)


def _value(row, name: str) -> int:
    return 0 if row is None else sql.as_int(getattr(row, name))


def _refresh_sums(rows: windows.WindowRows, days: set) -> None:
    """Work out again the edges' sums of the `days` that fall in an edge."""
    run = _run(rows)
    for day in sorted(days):
        statements = rows.sums(day)
        if statements:
            rows.binds["day"] = day
            run("DELETE FROM report_window_sums WHERE window_id = :window_id AND d = :day")
            for statement in statements:
                run(statement)


def _insert_sql(dialect: str, table: str, columns: int) -> str:
    mark = "%s" if dialect == "postgresql" else "?"
    return f"INSERT INTO {table} VALUES ({', '.join([mark] * columns)})"


def _move_balances(window: ReportWindow, moves) -> None:
    deltas = {}
    for credit, debit, minutes in moves:
        deltas[credit] = deltas.get(credit, 0) + minutes
        deltas[debit] = deltas.get(debit, 0) - minutes
    if not deltas:
        return
    sql.insert_many(
        _insert_sql(sql.dialect(), "report_window_balances (window_id, account_id, balance)", 3)
        + " ON CONFLICT (window_id, account_id)"
        " DO UPDATE SET balance = report_window_balances.balance + excluded.balance",
        [(window.id, account, delta) for account, delta in sorted(deltas.items())])


def _rows_of(window_id: int) -> dict:
    """Every row of one window, by table, without the window's id."""
    return {table: sorted(tuple(str(v) for v in row[1:]) for row in sql.execute(
        f"SELECT * FROM {table} WHERE window_id = :window_id", {"window_id": window_id}))
        for table in ROW_TABLES}


def differences(window: ReportWindow, pool_id: int) -> list[str]:
    """The tables in which the stored rows of `window` differ from the rows it would be
    built with now (the ledger and the summaries at the window's sequence); the window
    is left as it was."""
    stored = _rows_of(window.id)
    nested = db.session.begin_nested()
    try:
        retire([window.id])
        fresh = create(scope_of(window, pool_id), window.last_seq)
        rebuilt = _rows_of(fresh.id) if fresh is not None else {}
    finally:
        nested.rollback()
    return [table for table in ROW_TABLES if stored[table] != rebuilt.get(table)]


def stale_layout(window: ReportWindow, pool_id: int) -> bool:
    return not windows.same_layout(bank_layout(scope_of(window, pool_id)), window.layout)


def of_bank(bank_id: int) -> list[ReportWindow]:
    return list(db.session.scalars(select(ReportWindow).where(ReportWindow.bank_id == bank_id)
                                   .order_by(ReportWindow.id)))
