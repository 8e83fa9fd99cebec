"""Signed checkpoints: the head exported, signed, and verified later against the
store; a chain rewritten from an altered event on is caught only this way
(issue 6, item 2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from lrs.audit.auditor import Audit
from lrs.audit.checkpoint import CheckpointError
from lrs.cli import main
from lrs.services import Services
from lrs.settings import Settings
from tests import factories
from tests.audit.support import (
    events_table,
    execute,
    position_column,
    positions,
    query,
    record,
)

SECRET = "an audit checkpoint secret of 32+ bytes"


@pytest.fixture
def keyed(settings: Settings) -> Settings:
    return replace(settings, audit_checkpoint_key=SECRET)


@pytest.fixture
def keyed_services(keyed: Settings) -> Iterator[Services]:
    services = Services.build(keyed)
    yield services
    services.close()


@pytest.fixture
def audit(keyed_services: Services) -> Audit:
    return Audit(keyed_services.store, keyed_services.settings)


def test_a_checkpoint_is_the_signed_head(audit: Audit, keyed_services: Services) -> None:
    """Issue 6.2: position, hash and time of the head, in a JWS."""
    record(keyed_services, *(factories.statement() for _ in range(3)))
    made = audit.checkpoint()
    assert made["position"] == positions(keyed_services)[-1]
    assert made["hash"] == audit.verify().head.hash
    assert made["events"] == 3 and made["alg"] == "HS256" and made["jws"].count(".") == 2


def test_a_store_still_holding_the_head_matches_its_checkpoint(audit: Audit, keyed_services: Services) -> None:
    """Issue 6.2: appends after the checkpoint do not change the head it names."""
    record(keyed_services, *(factories.statement() for _ in range(2)))
    checkpoint = json.dumps(audit.checkpoint())
    record(keyed_services, *(factories.statement() for _ in range(2)))
    result = audit.verify(checkpoint)
    assert result.ok and result.checkpoint is not None and result.checkpoint["ok"]


def test_a_rewritten_chain_is_caught_only_by_the_checkpoint(audit: Audit, keyed_services: Services) -> None:
    """Issue 6.2 / docs/AUDIT.md: whoever alters an event and recomputes the chain
    after it passes plain verification, but not the exported head."""
    record(keyed_services, *(factories.statement() for _ in range(3)))
    checkpoint = json.dumps(audit.checkpoint())
    services = keyed_services
    column, table = position_column(services), events_table(services)
    second = positions(keyed_services)[1]
    [(state,)] = query(services, f"SELECT state FROM {table} WHERE {column} = ?", (second,))
    execute(services,
            (f"UPDATE {table} SET state = ? WHERE {column} = ?",
             (bytes(state).replace(b"Mentoring session", b"Forged session"), second)),
            ("DELETE FROM lrs_audit_chain WHERE position >= ?", (second,)))
    audit.backfill()  # the forger's own rewrite of the chain, as the events now are
    assert audit.verify().ok
    result = audit.verify(checkpoint)
    assert not result.ok and result.checkpoint is not None and not result.checkpoint["ok"]


def test_a_checkpoint_past_the_stores_end_fails(audit: Audit, keyed_services: Services) -> None:
    """Issue 6.2: events removed from the end of the log (with their chain) are caught."""
    record(keyed_services, *(factories.statement() for _ in range(3)))
    checkpoint = json.dumps(audit.checkpoint())
    services = keyed_services
    last = positions(keyed_services)[-1]
    execute(services,
            (f"DELETE FROM {events_table(services)} WHERE {position_column(services)} = ?", (last,)),
            ("DELETE FROM lrs_audit_chain WHERE position = ?", (last,)))
    assert audit.verify().ok
    result = audit.verify(checkpoint)
    assert result.checkpoint is not None and not result.checkpoint["ok"] and not result.ok


def test_a_checkpoint_with_a_forged_signature_is_refused(audit: Audit, keyed_services: Services) -> None:
    """Issue 6.2: a checkpoint is read only once its signature verifies."""
    record(keyed_services, *(factories.statement() for _ in range(1)))
    made = audit.checkpoint()
    header, payload, signature = made["jws"].split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(CheckpointError):
        audit.verify(forged)


def test_without_a_key_no_checkpoint_is_made(services: Services) -> None:
    """Issue 6.2: a checkpoint is signed or not made at all."""
    with pytest.raises(CheckpointError, match="LRS_AUDIT_CHECKPOINT_KEY"):
        Audit(services.store, services.settings).checkpoint()


def test_an_ed25519_checkpoint_verifies_with_the_public_key_alone(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 6.2: `lrs audit checkpoint` with a key file, `lrs audit verify
    --checkpoint FILE --public-key PEM` by an auditor who holds no secret."""
    private = ed25519.Ed25519PrivateKey.generate()
    key_file, public_file = tmp_path / "checkpoint.pem", tmp_path / "checkpoint.pub.pem"
    key_file.write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    public_file.write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    monkeypatch.setenv("LRS_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("LRS_DATA_DIR", settings.data_dir)
    monkeypatch.setenv("LRS_AUDIT_CHECKPOINT_KEY_FILE", str(key_file))
    services = Services.build(Settings.from_env())
    record(services, factories.statement(), factories.statement())
    services.close()
    checkpoint_file = tmp_path / "head.json"
    assert main(["audit", "checkpoint", "--output", str(checkpoint_file)]) == 0
    assert json.loads(checkpoint_file.read_text())["alg"] == "EdDSA"
    monkeypatch.delenv("LRS_AUDIT_CHECKPOINT_KEY_FILE")
    capsys.readouterr()
    assert main(["audit", "verify", "--checkpoint", str(checkpoint_file),
                 "--public-key", str(public_file)]) == 0
    assert json.loads(capsys.readouterr().out)["checkpoint"]["ok"] is True
