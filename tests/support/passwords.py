"""A cheap Argon2id for tests that hash many passwords; the real parameters are tested apart."""

from argon2 import PasswordHasher

from timebank.services import passwords

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def use_fast_hasher(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", FAST)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", FAST.hash("a dummy password nobody has"))
