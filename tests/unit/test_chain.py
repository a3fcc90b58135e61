import datetime as dt
import hashlib

from timebank.ledger import GENESIS_HASH, canonical_entry, chain_hash

FIELDS = dict(
    bank_id=1, seq=1, kind="exchange", occurred_on=dt.date(2026, 1, 5),
    posted_at=dt.datetime(2026, 1, 5, 10, 30, 0, 123456),
    reverses_id=None, exchange_id=4, activity_id=None, category_id=2,
    transfers=[(11, 12, 90)],
)


def test_canonical_form_is_stable_compact_sorted_json():
    assert canonical_entry(**FIELDS) == (
        b'{"activity":null,"bank":1,"category":2,"exchange":4,'
        b'"kind":"exchange","occurred_on":"2026-01-05","posted_at":"2026-01-05T10:30:00.123456",'
        b'"reverses":null,"seq":1,"transfers":[[11,12,90]]}'
    )


def test_aware_and_naive_utc_times_give_the_same_form():
    aware = dict(FIELDS, posted_at=FIELDS["posted_at"].replace(tzinfo=dt.UTC))
    assert canonical_entry(**aware) == canonical_entry(**FIELDS)


def test_chain_hash_is_sha256_of_previous_hash_and_canonical_form():
    canonical = canonical_entry(**FIELDS)
    expected = hashlib.sha256(bytes(32) + canonical).hexdigest()
    assert chain_hash(GENESIS_HASH, canonical) == expected


def test_any_change_to_an_entry_changes_its_hash():
    base = chain_hash(GENESIS_HASH, canonical_entry(**FIELDS))
    for field, value in [("transfers", [(11, 12, 91)]), ("category_id", 3),
                         ("seq", 2), ("occurred_on", dt.date(2026, 1, 6)),
                         ("transfers", [(12, 11, 90)])]:
        changed = dict(FIELDS, **{field: value})
        assert chain_hash(GENESIS_HASH, canonical_entry(**changed)) != base, field


def test_the_hash_depends_on_the_previous_hash():
    canonical = canonical_entry(**FIELDS)
    assert chain_hash(GENESIS_HASH, canonical) != chain_hash("1" * 64, canonical)
