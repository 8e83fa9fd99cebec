"""The daily digest: one e-mail per coordinator (issue 21 point 8), of their programs only.

From ``LRS_DIGEST_HOUR`` (UTC) each day, every active coordinator or admin
account with an e-mail address (`lrs.accounts.Account.email`) is sent, over
SMTP, the pairs of the programs it may see (`lrs.grants.for_scopes`: an admin
all, a coordinator its grant) that are at risk or inactive as the alerts last
evaluated them (``lrs_alert_pair``), and those that recovered in the 24 hours
before. A day's digest is claimed per account before it is sent (a row of
``lrs_alert_digest``) and marked sent after, so a restart or a second worker
never sends it twice; a failed send gives the claim back and the next round
tries again.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from lrs.accounts import Account
from lrs.alerts.config import AlertConfig
from lrs.grants import ProgramGrant, for_scopes
from lrs.store.database import Database
from projections import mentoring
from projections.pair_status import AT_RISK, INACTIVE, ON_TRACK

log = logging.getLogger("lrs.alerts")

RECIPIENT_ROLES = ("coordinator", "admin")
DAY_US = 86_400 * 1_000_000


@dataclass(frozen=True)
class Line:
    program: str
    program_name: str
    mentor: str
    mentee: str
    status: str
    since_us: int


@dataclass(frozen=True)
class Digest:
    account: Account
    day: str
    at_risk: list[Line]
    inactive: list[Line]
    recovered: list[Line]


def _epoch_us(moment: datetime) -> int:
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def recipients(accounts: list[Account]) -> list[Account]:
    return [a for a in accounts if a.active and a.email and a.role in RECIPIENT_ROLES]


def compose(db: Database, account: Account, now: datetime) -> Digest:
    """What ``account``'s digest of ``now``'s day says (its programs only)."""
    grant: ProgramGrant = for_scopes(account.programs, account.scopes)
    now_us = _epoch_us(now)
    with db.read() as cur:
        current = [r for r in cur.execute(
            "SELECT program, mentor, mentee, status, changed_us FROM lrs_alert_pair WHERE status <> ?"
            " ORDER BY program, mentor, mentee", (ON_TRACK,)).fetchall() if grant.allows(r["program"])]
        recovered_rows = [r for r in cur.execute(
            "SELECT c.program, c.mentor, c.mentee, c.at_us FROM lrs_alert_change c JOIN lrs_alert_pair p"
            " ON p.program = c.program AND p.mentor = c.mentor AND p.mentee = c.mentee"
            " WHERE c.to_status = ? AND p.status = ? AND c.at_us > ? AND c.at_us <= ?"
            " ORDER BY c.program, c.mentor, c.mentee, c.at_us",
            (ON_TRACK, ON_TRACK, now_us - DAY_US, now_us)).fetchall() if grant.allows(r["program"])]
        programs = {r["program"] for r in [*current, *recovered_rows]}
        program_names = {p: mentoring.program_name(cur, p) or p for p in programs}
    lines = [Line(r["program"], program_names[r["program"]], r["mentor"], r["mentee"], r["status"],
                  int(r["changed_us"])) for r in current]
    recovered = {(r["program"], r["mentor"], r["mentee"]): Line(
        r["program"], program_names[r["program"]], r["mentor"], r["mentee"], ON_TRACK, int(r["at_us"]))
        for r in recovered_rows}  # the latest recovery of each pair
    return Digest(account, now.date().isoformat(), [x for x in lines if x.status == AT_RISK],
                  [x for x in lines if x.status == INACTIVE], list(recovered.values()))


def message(db: Database, digest: Digest, config: AlertConfig, now: datetime) -> EmailMessage:
    """The digest as a plain-text e-mail, people by name."""
    keys = {k for line in [*digest.at_risk, *digest.inactive, *digest.recovered] for k in (line.mentor, line.mentee)}
    with db.read() as cur:
        names = mentoring.names(cur, keys) if keys else {}
    counts = f"{len(digest.at_risk)} at risk, {len(digest.recovered)} recovered, {len(digest.inactive)} inactive"
    text = [f"Hello {digest.account.display_name},", "",
            f"The mentoring pairs of your programs on {digest.day}: {counts}.", ""]
    for title, lines in (("At risk", digest.at_risk), ("Recovered in the last 24 hours", digest.recovered),
                         ("Inactive", digest.inactive)):
        text.append(f"{title} ({len(lines)}):")
        if not lines:
            text.append("  none")
        program = None
        for line in lines:
            if line.program != program:
                program = line.program
                link = f"{config.public_url}/dashboard/program?id={quote(program, safe='')}"
                text.append(f"  {line.program_name}: {link}")
            since = datetime.fromtimestamp(line.since_us / 1_000_000, now.tzinfo).date().isoformat()
            text.append(f"    {names.get(line.mentor, line.mentor)} and {names.get(line.mentee, line.mentee)}"
                        f" (since {since})")
        text.append("")
    text.append("Each pair's status is the dashboard's (docs/DASHBOARD.md).")
    mail = EmailMessage()
    mail["Subject"] = f"Mentoring pairs on {digest.day}: {counts}"
    mail["From"] = config.smtp_from
    mail["To"] = digest.account.email
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = make_msgid(domain=config.smtp_from.rsplit("@", 1)[-1])
    mail.set_content("\n".join(text) + "\n")
    return mail


Connect = Callable[[AlertConfig], smtplib.SMTP]


def connect(config: AlertConfig) -> smtplib.SMTP:
    """A connection to ``LRS_SMTP_HOST``, upgraded with STARTTLS and logged in as configured."""
    smtp = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=30)
    try:
        if config.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


@dataclass(frozen=True)
class Sent:
    sent: list[str]
    """The accounts sent their digest."""
    failed: list[str]
    """Those whose digest could not be sent (tried again next round)."""


def send_due(db: Database, accounts: list[Account], config: AlertConfig, now: datetime,
             open_smtp: Connect = connect) -> Sent:
    """Send the day's digest to every recipient who has not had it."""
    day = now.date().isoformat()
    claimed = []
    for account in recipients(accounts):
        with db.transaction(commit=True) as cur:
            row = cur.execute("INSERT INTO lrs_alert_digest (account, day) VALUES (?, ?) ON CONFLICT (account, day)"
                              " DO NOTHING RETURNING account", (account.name, day)).fetchone()
        if row is not None:
            claimed.append(account)
    if not claimed:
        return Sent([], [])
    sent: list[str] = []
    failed: list[str] = []
    try:
        smtp = open_smtp(config)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("digest: cannot reach the SMTP server %s:%d: %s", config.smtp_host, config.smtp_port, exc)
        _give_back(db, [a.name for a in claimed], day)
        return Sent([], [a.name for a in claimed])
    try:
        for account in claimed:
            try:
                smtp.send_message(message(db, compose(db, account, now), config, now))
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("digest for %s not sent: %s", account.name, exc)
                _give_back(db, [account.name], day)
                failed.append(account.name)
                continue
            with db.transaction(commit=True) as cur:
                cur.execute("UPDATE lrs_alert_digest SET sent_us = ? WHERE account = ? AND day = ?",
                            (_epoch_us(now), account.name, day))
            sent.append(account.name)
            log.info("digest for %s sent to %s", account.name, account.email)
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return Sent(sent, failed)


def _give_back(db: Database, names: list[str], day: str) -> None:
    with db.transaction(commit=True) as cur:
        for name in names:
            cur.execute("DELETE FROM lrs_alert_digest WHERE account = ? AND day = ? AND sent_us IS NULL", (name, day))
