"""Command line: `flask --app wsgi bank|user|ledger|demo …`."""

import datetime as dt
import json
import sys

import click
from flask.cli import AppGroup

from .models import GROUPS, ROLES
from .models._types import utcnow
from .models.statuses import MemberStatus
from .services import (
    banks,
    checkpoints,
    exchanges,
    idempotency,
    listings,
    members,
    report_summaries,
    reports,
    retention,
    verification,
)
from .services.errors import ServiceError

bank_cli = AppGroup("bank", help="Create and inspect time banks.")
user_cli = AppGroup("user", help="Create users.")
ledger_cli = AppGroup("ledger", help="Check the ledger.")
reports_cli = AppGroup("reports", help="Keep the report summaries and the answers opened most.")


def _fail(error: ServiceError):
    click.echo(f"Error: {error.message}", err=True)
    for field, messages in error.errors.items():
        for message in messages:
            click.echo(f"  {field}: {message}", err=True)
    sys.exit(2)


@bank_cli.command("create")
@click.option("--slug", required=True, help="Short name used in addresses, e.g. riverside.")
@click.option("--name", required=True, help="The bank's full name.")
@click.option("--suppression-threshold", type=int, default=10, show_default=True,
              help="Smallest number of people a report figure may describe (at least 5).")
def create_bank(slug, name, suppression_threshold):
    """Create a time bank with its community pool."""
    try:
        bank = banks.create_bank(slug=slug, name=name,
                                 suppression_threshold=suppression_threshold, now=utcnow())
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created time bank '{bank.slug}' ({bank.name}).")


@bank_cli.command("perturbation")
@click.option("--slug", required=True, help="Slug of the time bank.")
@click.option("--file", "path", type=click.File("r", encoding="utf-8"),
              help="A perturbation table as CSV with the header pcv,ckey,pvalue.")
@click.option("--default", "use_default", is_flag=True,
              help="Go back to the default table made for the bank's threshold.")
def perturbation(slug, path, use_default):
    """Load the bank's own perturbation table for protected reports, go back to the default,
    or (with neither option) print the table in use as CSV."""
    if path and use_default:
        click.echo("Error: give --file or --default, not both.", err=True)
        sys.exit(2)
    try:
        if path is None and not use_default:
            click.echo(banks.perturbation_table_csv(slug), nl=False)
            return
        banks.set_perturbation_table(slug, None if use_default else path.read(), now=utcnow())
    except ServiceError as error:
        _fail(error)
    click.echo(f"Time bank '{slug}' now uses " + ("the default perturbation table." if use_default
                                                   else "its own perturbation table."))


@user_cli.command("create")
@click.option("--bank", "bank_slug", required=True, help="Slug of the member's time bank.")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", default=None,
              help="At least 10 characters. '-' reads it from standard input; without this "
                   "option it is asked for (hidden, twice), so it stays out of shell history.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--group", type=click.Choice(GROUPS), default="citizen", show_default=True)
@click.option("--admin", is_flag=True, help="Also make this user a platform admin.")
def create_user(bank_slug, email, name, password, role, group, admin):
    """Create an active member who can sign in."""
    password = _read_password(password)
    try:
        bank = banks.get_bank(bank_slug)
        member = members.create_member(
            bank, name=name, email=email, group=group, role=role, status=MemberStatus.ACTIVE,
            password=password, is_admin=admin, now=utcnow(),
        )
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created {role} {member.id} in '{bank.slug}'" + (" (admin)." if admin else "."))


def _read_password(option):
    """The password from --password P, from standard input (--password -), or a prompt."""
    if option == "-":
        return sys.stdin.readline().rstrip("\r\n")
    if option is None:
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return option


@ledger_cli.command("verify")
@click.option("--bank", "bank_slug", default=None, help="Check only this bank.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--checkpoint", "checkpoint_file", type=click.File("r"), default=None,
              help="Also prove that nothing at or before this checkpoint's heads changed.")
def verify_ledger(bank_slug, as_json, checkpoint_file):
    """Check invariants I1–I6, exchanges, limits and the audit log; exit 1 naming the
    first failure."""
    checkpoint = None
    if checkpoint_file is not None:
        try:
            checkpoint = json.load(checkpoint_file)
        except (ValueError, UnicodeDecodeError):
            checkpoint = "not JSON"  # reported as "not a ledger checkpoint"
    report = verification.verify(bank_slug, checkpoint)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for check in report.checks:
            click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    if not report.ok:
        failure = report.first_failure
        click.echo(f"Ledger verification failed: {failure.name}: {failure.detail}", err=True)
        sys.exit(1)


@ledger_cli.command("checkpoint")
@click.option("--bank", "bank_slug", default=None, help="Only this bank's heads.")
@click.option("--output", type=click.File("w"), default="-", show_default=True,
              help="Write the checkpoint to this file instead of standard output.")
def checkpoint_ledger(bank_slug, output):
    """Export the chains' heads, signed, to keep somewhere the database can't reach.

    Refuses when the ledger does not verify: a checkpoint vouches for what it names.
    """
    report = verification.verify(bank_slug)
    if not report.ok:
        failure = report.first_failure
        click.echo(f"No checkpoint written: {failure.name}: {failure.detail}", err=True)
        sys.exit(1)
    try:
        document = checkpoints.export(bank_slug, now=utcnow())
    except ServiceError as error:
        _fail(error)
    output.write(json.dumps(document, indent=2) + "\n")
    if output.name != "<stdout>":
        heads = ", ".join(f"{h['bank']} #{h['seq']}" for h in document["heads"])
        click.echo(f"Checkpoint written to {output.name}: {heads}.", err=True)


@reports_cli.command("rebuild")
@click.option("--bank", "bank_slug", default=None, help="Rebuild only this bank's summaries.")
def rebuild_reports(bank_slug):
    """Work the report summaries out again from the ledger, every month of every bank (or of
    one), retire the report windows (the next report of each period builds its own), and
    bring the watermark to the ledger head."""
    for bank_id, slug in _bank_ids_or_exit(bank_slug):
        seq = report_summaries.rebuild(bank_id)
        click.echo(f"Report summaries of '{slug}' rebuilt up to ledger sequence {seq}; "
                   "its report windows are built again by the next report of each period.")


def _bank_ids_or_exit(bank_slug):
    found = report_summaries.bank_ids(bank_slug)
    if bank_slug and not found:
        click.echo(f"Error: no time bank called '{bank_slug}'.", err=True)
        sys.exit(2)
    return found


def _refresh(bank_id, slug):
    computed = reports.refresh(bank_id, now=utcnow())
    head = report_summaries.watermark(bank_id)
    if computed:
        click.echo(f"Reports of '{slug}' brought up to ledger sequence {head}: "
                   f"{computed} answer(s) worked out and kept.")
    return computed


@reports_cli.command("refresh")
@click.option("--bank", "bank_slug", default=None, help="Refresh only this bank's reports.")
def refresh_reports(bank_slug):
    """Once: fold the new entries into the report summaries and windows, and work out the
    reports opened most (the report page with no dates chosen, protected and exact), so
    that they are waiting for whoever opens them next."""
    done = sum(_refresh(bank_id, slug) for bank_id, slug in _bank_ids_or_exit(bank_slug))
    if not done:
        click.echo("Every report was up to date already.")


@reports_cli.command("worker")
@click.option("--interval", default=2, show_default=True, type=click.IntRange(min=1),
              help="Seconds between rounds.")
def reports_worker(interval):
    """`flask reports refresh` for every bank in which something changed since its last
    refresh, every few seconds, until stopped (Ctrl+C). A round in which nothing changed
    reads two rows per bank (reports.refresh_mark), so the interval can be short: the
    answers opened most are ready again seconds after each commit. A bank whose refresh
    fails is logged and tried again next round."""
    import logging
    import time

    from .extensions import db

    logger = logging.getLogger("timebank.reports")
    click.echo(f"Bringing reports up to date every {interval} s (Ctrl+C stops).")
    refreshed_at = {}  # bank id -> the mark its last successful refresh started from
    try:
        while True:
            for bank_id, slug in report_summaries.bank_ids():
                try:
                    mark = reports.refresh_mark(bank_id, now=utcnow())
                    if refreshed_at.get(bank_id) != mark:
                        _refresh(bank_id, slug)
                        refreshed_at[bank_id] = mark
                except Exception:
                    db.session.rollback()
                    logger.exception("refreshing the reports of '%s' failed", slug)
            db.session.remove()
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@click.command("demo")
@click.option("--slug", default="riverside", show_default=True)
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
@click.option("--second-bank", default="hillside", show_default=True,
              help="A second, smaller bank with its own look, to show that banks are kept "
                   "apart; an empty value leaves it out.")
def demo(slug, seed, second_bank):
    """Create a demo time bank with a year of activity (and a second bank with its own look)
    and print the demo logins."""
    from .services import demo as demo_service

    try:
        logins = demo_service.build(slug=slug, seed=seed, now=utcnow())
        if second_bank:
            logins += demo_service.build_second(slug=second_bank, now=utcnow())
    except ServiceError as error:
        _fail(error)
    names = f"'{slug}' and '{second_bank}' are" if second_bank else f"'{slug}' is"
    click.echo(f"Demo time banks {names} ready. Sign in with any of these:"
               if second_bank else f"Demo time bank {names} ready. Sign in with any of these:")
    for role, email, password in logins:
        click.echo(f"  {role:<12} {email:<36} password: {password}")




listings_cli = AppGroup("listings", help="Offers and requests.")
exchanges_cli = AppGroup("exchanges", help="Exchanges of time.")


@listings_cli.command("expire")
def expire_listings():
    """Mark listings past their bank's listing lifetime as expired (run daily)."""
    click.echo(f"{listings.expire_due(now=utcnow())} listing(s) expired.")


@exchanges_cli.command("expire")
def expire_exchanges():
    """Mark exchanges unconfirmed past the confirmation window as expired (run daily)."""
    click.echo(f"{exchanges.expire_due(now=utcnow())} exchange(s) expired.")


mail_cli = AppGroup("mail", help="The outbox of e-mail.")


@mail_cli.command("send")
@click.option("--limit", default=500, show_default=True, help="Most messages to send now.")
def send_mail(limit):
    """Send the e-mail that is due, retrying failures with backoff (run from cron)."""
    from flask import current_app

    from . import mail_delivery

    result = mail_delivery.deliver(current_app, limit=limit)
    click.echo(f"{result.sent} sent, {result.retrying} to retry later, "
               f"{result.failed} failed for good.")


@mail_cli.command("worker")
@click.option("--interval", default=30, show_default=True, help="Seconds between rounds.")
def mail_worker(interval):
    """Keep sending due e-mail every few seconds until stopped (Ctrl+C)."""
    import time

    from flask import current_app

    from . import mail_delivery

    click.echo(f"Sending due e-mail every {interval} s (Ctrl+C stops).")
    try:
        while True:
            result = mail_delivery.deliver(current_app)
            if result.sent or result.retrying or result.failed:
                click.echo(f"{result.sent} sent, {result.retrying} to retry later, "
                           f"{result.failed} failed for good.")
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("Stopped.")


idempotency_cli = AppGroup("idempotency", help="Answers kept for Idempotency-Key retries.")


@idempotency_cli.command("purge")
@click.option("--older-than-days", type=click.IntRange(min=1), default=None,
              help="Keep answers this many days (default: IDEMPOTENCY_RETENTION_DAYS, 30).")
def purge_idempotency(older_than_days):
    """Delete kept answers older than the retention period (run daily)."""
    from flask import current_app

    days = older_than_days or current_app.config["IDEMPOTENCY_RETENTION_DAYS"]
    count = idempotency.purge(older_than=dt.timedelta(days=days), now=utcnow())
    click.echo(f"{count} idempotency record(s) older than {days} day(s) deleted.")


members_cli = AppGroup("members", help="Look after members' personal data.")


@members_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="List who would be erased (by id); change nothing.")
def apply_retention(dry_run):
    """Erase the personal data of members who left longer ago than their bank's retention
    period (run daily). Exits 1 if a limit refused someone's erasure."""
    erased, refused = retention.apply(now=utcnow(), dry_run=dry_run)
    verb = "would be erased" if dry_run else "erased"
    click.echo(f"{len(erased)} member(s) {verb}" + (f": {', '.join(map(str, erased))}"
                                                     if erased else "."))
    for member_id, why in refused:
        click.echo(f"Member {member_id} was not erased: {why}", err=True)
    if refused:
        sys.exit(1)


def register(app):
    for command in (bank_cli, user_cli, ledger_cli, listings_cli, exchanges_cli, mail_cli,
                    idempotency_cli, members_cli, reports_cli, demo):
        app.cli.add_command(command)
