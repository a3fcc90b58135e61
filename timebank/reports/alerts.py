"""Coordinator alerts: members who only give, only receive, are near their floor, or dormant.

The same workspace and the same conditions as the report's figures
(workspace.GIVE_ONLY, RECEIVE_ONLY, DORMANT, NEAR_FLOOR), read per member
instead of counted. Names appear here, so only coordinators may see this.
"""

from __future__ import annotations

from . import sql
from .workspace import BASE, DORMANT, GIVE_ONLY, NEAR_FLOOR, RECEIVE_ONLY

KINDS = ("give_only", "receive_only", "near_floor", "dormant")


def member_alerts(ws) -> dict:
    """{kind: [ {member_id, name, group, given, received, last_on, balance, floor} ]}."""
    rows = ws.run(f"""
        SELECT pe.member_id, mem.name, pe.grp, COALESCE(m.given, 0) AS given,
               COALESCE(m.received, 0) AS received, m.last_on, pe.balance_now, pe.floor_minutes,
               CASE WHEN {GIVE_ONLY} THEN 1 ELSE 0 END AS give_only,
               CASE WHEN {RECEIVE_ONLY} THEN 1 ELSE 0 END AS receive_only,
               CASE WHEN {NEAR_FLOOR} THEN 1 ELSE 0 END AS near_floor,
               CASE WHEN {DORMANT} THEN 1 ELSE 0 END AS dormant
        FROM rx_people pe
        JOIN members mem ON mem.id = pe.member_id AND mem.bank_id = :bank_id
        LEFT JOIN rx_members m ON m.account_id = pe.account_id
        WHERE {BASE} AND (({GIVE_ONLY}) OR ({RECEIVE_ONLY}) OR ({NEAR_FLOOR}) OR ({DORMANT}))
        ORDER BY mem.name, pe.member_id
    """)
    alerts = {kind: [] for kind in KINDS}
    for row in rows:
        item = {"member_id": row.member_id, "name": row.name, "group": row.grp,
                "given_minutes": sql.as_int(row.given),
                "received_minutes": sql.as_int(row.received),
                "last_exchange": sql.as_date(row.last_on),
                "balance_minutes": sql.as_int(row.balance_now),
                "floor_minutes": sql.as_int(row.floor_minutes)}
        for kind in KINDS:
            if sql.as_int(getattr(row, kind)):
                alerts[kind].append(item)
    return alerts
