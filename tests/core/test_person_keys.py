"""Keys per person (issue 19 points 1, 5): lrs.privacy.keys on both stores."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from lrs.privacy.keys import NoIdentifier, PersonErased, PersonKeyring, WrongMasterKey, load_master_key
from lrs.services import Services
from lrs.settings import ConfigurationError, Settings
from lrs.store.application import LearningRecordStore
from lrs.store.database import Database

MASTER = bytes(range(32))
HASH = bytes(range(32, 64))
ADA = {"mbox": "mailto:ada@example.com", "name": "Ada"}


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    store = LearningRecordStore(settings)
    store.db.migrate()
    yield store.db
    store.close()


def test_person_id_is_the_keyed_hash_of_the_canonical_ifi() -> None:
    ring = PersonKeyring(MASTER, hash_key=HASH)
    same = ring.person_id({"objectType": "Agent", "mbox": "mailto:ada@example.com", "name": "A. L."})
    assert ring.person_id(ADA) == same
    assert len(same) == 64 and "ada" not in same
    assert PersonKeyring(MASTER, hash_key=os.urandom(32)).person_id(ADA) != same


def test_person_id_of_an_anonymous_group_is_refused() -> None:
    with pytest.raises(NoIdentifier):
        PersonKeyring(MASTER, hash_key=HASH).person_id({"objectType": "Group", "member": [ADA]})


def test_encrypt_then_decrypt_gives_the_plaintext(db: Database) -> None:
    ring = PersonKeyring(MASTER, hash_key=HASH)
    person = ring.person_id(ADA)
    with db.transaction(commit=True) as cursor:
        sealed = ring.encrypt(person, b"ada@example.com", cursor)
    assert b"ada" not in sealed
    with db.read() as cursor:
        assert PersonKeyring(MASTER, hash_key=HASH).decrypt(person, sealed, cursor) == b"ada@example.com"


def test_key_for_creates_one_key_per_person(db: Database) -> None:
    ring, other = PersonKeyring(MASTER, hash_key=HASH), PersonKeyring(MASTER, hash_key=HASH)
    person = ring.person_id(ADA)
    with db.transaction(commit=True) as cursor:
        first = ring.key_for(person, cursor)
        assert other.key_for(person, cursor) == first
        assert len(first) == 32
        assert ring.key_for(ring.person_id({"mbox": "mailto:bob@example.com"}), cursor) != first


def test_destroyed_key_raises_person_erased_in_every_process(db: Database) -> None:
    ring, other = PersonKeyring(MASTER, hash_key=HASH), PersonKeyring(MASTER, hash_key=HASH)
    person = ring.person_id(ADA)
    with db.transaction(commit=True) as cursor:
        sealed = ring.encrypt(person, b"secret", cursor)
        other.decrypt(person, sealed, cursor)  # now cached in the other process
        assert ring.destroy(person, cursor) is True
        assert ring.destroy(person, cursor) is False
    with db.read() as cursor:
        row = cursor.execute("SELECT wrapped_key, destroyed_at FROM person_key").fetchone()
        assert row["wrapped_key"] is None and row["destroyed_at"] is not None
        for keyring in (ring, other):
            with pytest.raises(PersonErased):
                keyring.decrypt(person, sealed, cursor)


def test_rewrap_under_a_new_master_key_keeps_data_readable(db: Database) -> None:
    old, new_master = PersonKeyring(MASTER, hash_key=HASH), os.urandom(32)
    person = old.person_id(ADA)
    with db.transaction(commit=True) as cursor:
        sealed = old.encrypt(person, b"secret", cursor)
        assert old.rewrap_all(PersonKeyring(new_master, hash_key=HASH), cursor) == 1
    with db.read() as cursor:
        assert PersonKeyring(new_master, hash_key=HASH).decrypt(person, sealed, cursor) == b"secret"
        with pytest.raises(InvalidTag):
            PersonKeyring(MASTER, hash_key=HASH).decrypt(person, sealed, cursor)


def test_master_key_generated_once_in_its_own_file(tmp_path: Path) -> None:
    path = str(tmp_path / "keys" / "master.key")
    key, generated = load_master_key(generated_file=path)
    assert generated and len(key) == 32
    assert load_master_key(generated_file=path)[0] == key
    assert os.stat(path).st_mode & 0o077 == 0
    given = base64.b64encode(MASTER).decode()
    assert load_master_key(key=given, generated_file=path) == (MASTER, False)


def test_master_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        load_master_key(key=base64.b64encode(b"short").decode())


def test_person_id_key_is_made_once_per_store_and_kept_wrapped(db: Database) -> None:
    with db.transaction(commit=True) as cursor:
        first = PersonKeyring(MASTER).open(cursor).person_id(ADA)
    with db.read() as cursor:
        stored = cursor.execute("SELECT value FROM lrs_secret WHERE name = 'person-id-key'").fetchone()
        assert PersonKeyring(MASTER).open(cursor).person_id(ADA) == first
    # wrapped: the stored value is not the key that makes the ids
    assert base64.b64decode(stored["value"])[:1] == b"\x01" and len(base64.b64decode(stored["value"])) > 32


def test_rotation_keeps_every_person_id_and_the_old_master_key_is_refused(db: Database) -> None:
    new_master = os.urandom(32)
    with db.transaction(commit=True) as cursor:
        old = PersonKeyring(MASTER).open(cursor)
        person = old.person_id(ADA)
        sealed = old.encrypt(person, b"secret", cursor)
        old.rewrap_all(PersonKeyring(new_master), cursor)
    with db.read() as cursor:
        new = PersonKeyring(new_master).open(cursor)
        assert new.person_id(ADA) == person
        assert new.decrypt(person, sealed, cursor) == b"secret"
        with pytest.raises(WrongMasterKey):
            PersonKeyring(MASTER).open(cursor)


def test_person_id_before_open_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="open"):
        PersonKeyring(MASTER).person_id(ADA)


def test_services_open_the_keyring_and_refuse_a_changed_master_key(settings: Settings) -> None:
    given = replace(settings, master_key=base64.b64encode(MASTER).decode())
    services = Services.build(given)
    try:
        assert services.master_key_generated is False
        person = services.keyring.person_id(ADA)
    finally:
        services.close()
    again = Services.build(given)
    try:
        assert again.keyring.person_id(ADA) == person
    finally:
        again.close()
    with pytest.raises(ConfigurationError, match="lrs keys rotate"):
        Services.build(replace(settings, master_key=base64.b64encode(os.urandom(32)).decode()))


def test_generated_master_key_is_warned_about(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    from lrs.app import create_app

    with caplog.at_level("WARNING", logger="lrs.privacy"):
        app = create_app(settings)
    try:
        assert app.extensions["lrs"].master_key_generated is True
        assert (Path(settings.data_dir) / "master.key").exists()
        assert any("LRS_MASTER_KEY" in r.getMessage() for r in caplog.records)
    finally:
        app.extensions["lrs"].close()


def test_master_key_settings_name_the_variable_at_fault(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="LRS_MASTER_KEY:"):
        Settings(data_dir=str(tmp_path), master_key="not base64!").load_master_key()
    with pytest.raises(ConfigurationError, match="LRS_MASTER_KEY_FILE:"):
        Settings(data_dir=str(tmp_path), master_key_file=str(tmp_path / "absent")).load_master_key()
    listed = Settings(personal_extensions="https://x.example/a, https://x.example/b https://x.example/a")
    assert listed.personal_extension_iris == ("https://x.example/a", "https://x.example/b")
