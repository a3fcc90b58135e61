import datetime as dt
import hashlib
import hmac

from timebank.ledger import (
    GENESIS_HASH,
    Keyring,
    LedgerKey,
    canonical_audit_event,
    canonical_entry,
    chain_hash,
    key_id,
)

KEY = LedgerKey(b"k" * 32)

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


def test_chain_hash_is_hmac_sha256_of_previous_hash_and_canonical_form():
    canonical = canonical_entry(**FIELDS)
    expected = hmac.new(b"k" * 32, bytes(32) + canonical, hashlib.sha256).hexdigest()
    assert chain_hash(KEY, GENESIS_HASH, canonical) == expected


def test_without_the_key_the_hash_cannot_be_recomputed():
    canonical = canonical_entry(**FIELDS)
    keyed = chain_hash(KEY, GENESIS_HASH, canonical)
    assert keyed != hashlib.sha256(bytes(32) + canonical).hexdigest()
    assert keyed != chain_hash(LedgerKey(b"w" * 32), GENESIS_HASH, canonical)


def test_any_change_to_an_entry_changes_its_hash():
    base = chain_hash(KEY, GENESIS_HASH, canonical_entry(**FIELDS))
    for field, value in [("transfers", [(11, 12, 91)]), ("category_id", 3),
                         ("seq", 2), ("occurred_on", dt.date(2026, 1, 6)),
                         ("transfers", [(12, 11, 90)])]:
        changed = dict(FIELDS, **{field: value})
        assert chain_hash(KEY, GENESIS_HASH, canonical_entry(**changed)) != base, field


def test_the_hash_depends_on_the_previous_hash():
    canonical = canonical_entry(**FIELDS)
    assert chain_hash(KEY, GENESIS_HASH, canonical) != chain_hash(KEY, "1" * 64, canonical)


def test_a_key_id_names_the_key_without_revealing_it():
    assert KEY.id == key_id(b"k" * 32) == hmac.new(b"k" * 32, b"key-id",
                                                   hashlib.sha256).hexdigest()[:8]
    assert LedgerKey(b"w" * 32).id != KEY.id


def test_a_keyring_finds_the_current_and_old_keys_by_id():
    ring = Keyring.from_strings("n" * 32, " " + "a" * 32 + " , " + "b" * 32)
    assert ring.current.secret == b"n" * 32
    assert [k.secret for k in ring.old] == [b"a" * 32, b"b" * 32]
    for key in (ring.current, *ring.old):
        assert ring.find(key.id) is key
    assert ring.find(LedgerKey(b"other" * 7).id) is None


AUDIT = dict(bank_id=1, seq=3, action="account.limits_changed", actor_id=7,
             target_type="account", target_id=12,
             created_at=dt.datetime(2026, 2, 1, 9, 0), facts={"floor_minutes": -600})


def test_the_audit_form_covers_structured_fields_and_leaves_out_free_text():
    canonical = canonical_audit_event(**AUDIT)
    assert b"reason" not in canonical and b"details" not in canonical
    for field, value in [("action", "x"), ("actor_id", 8), ("target_id", 13), ("seq", 4),
                         ("created_at", dt.datetime(2026, 2, 1, 9, 1)),
                         ("facts", {"floor_minutes": -6000})]:
        assert canonical_audit_event(**dict(AUDIT, **{field: value})) != canonical, field
