"""A seeded pair of time banks with one person for every kind of actor the API knows.

Bank "riverside" has an ordinary member (the owner of the objects the tests act on),
a second ordinary member, a coordinator, an evaluator and a platform admin (an
ordinary member whose user is an admin). Bank "hillside" has its own coordinator:
the outsider, who has every right in their bank and none in riverside.
"""

import datetime as dt
from dataclasses import dataclass, field

from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Bank, Member
from timebank.models._types import utcnow
from timebank.services import auth, banks, ledger

from .factories import NOW, make_bank, make_member, post_exchange

ACTORS = ("anonymous", "member", "other_member", "coordinator", "evaluator", "admin", "outsider")
PASSWORD = "a long walk by the river"


@dataclass
class World:
    bank: Bank
    other_bank: Bank
    people: dict[str, Member]
    tokens: dict[str, str] = field(default_factory=dict)

    def id(self, actor: str) -> int:
        return self.people[actor].id

    def email(self, actor: str) -> str:
        return self.people[actor].email

    def headers(self, actor: str) -> dict:
        if actor == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[actor]}"}


def token_for(member: Member, *, hours=24, now=None) -> str:
    """A fresh bearer token, minted without the password check (the identity is known)."""
    token, _ = auth.create_token(member.user_id, hours=hours, now=now or utcnow())
    return token


def build_world(*, passwords=True, history=False) -> World:
    """The two banks and their people; `history` adds a few postings to riverside's ledger."""
    bank = make_bank("riverside")
    other_bank = make_bank("hillside")
    password = PASSWORD if passwords else None

    def person(name, email, bank_=bank, **fields):
        return make_member(bank_, name, email=email, password=password, **fields)

    people = {
        "member": person("Ann Baker", "ann@example.org", skills="baking, gardening"),
        "other_member": person("Bob Carter", "bob@example.org", skills="lifts to the shops",
                               group="professional"),
        "coordinator": person("Cora Dale", "cora@example.org", role="coordinator"),
        "evaluator": person("Eve Fisher", "eve@example.org", role="evaluator"),
        "admin": person("Ada Green", "ada@example.org", is_admin=True),
        "outsider": person("Otto Hill", "otto@example.org", bank_=other_bank, role="coordinator"),
    }
    if history:
        _add_history(bank, people)
    world = World(bank=bank, other_bank=other_bank, people=people)
    world.tokens = {actor: token_for(member) for actor, member in people.items()}
    return world


def _add_history(bank, people):
    """Time given both ways between the two members, a donation to the pool and a grant."""
    member, other = people["member"], people["other_member"]
    for days, (provider, receiver, minutes) in enumerate(
            [(member, other, 90), (other, member, 30), (member, other, 45)]):
        post_exchange(bank, provider, receiver, minutes, now=NOW + dt.timedelta(days=days))
    pool = banks.pool_account(bank.id).id
    for days, kind, debit, credit in [(4, EntryKind.DONATION, member.account.id, pool),
                                      (5, EntryKind.GRANT, pool, other.account.id)]:
        ledger.post(bank.id, Posting(kind=kind, occurred_on=(NOW + dt.timedelta(days=days)).date(),
                                     description=f"A {kind.value}",
                                     transfers=(Transfer(debit, credit, 20),)),
                    now=NOW + dt.timedelta(days=days))
