"""Coordinators' pages: the queue, members, exchanges, settings and the bank's upkeep."""
