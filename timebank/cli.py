"""Command line: `flask --app wsgi bank|user|ledger|demo …` (DESIGN.md §6)."""

import json
import sys

import click
from flask.cli import AppGroup

from .models import GROUPS, ROLES
from .models._types import utcnow
from .services import banks, exchanges, listings, members, retention, verification
from .services.errors import ServiceError

bank_cli = AppGroup("bank", help="Create and inspect time banks.")
user_cli = AppGroup("user", help="Create users.")
ledger_cli = AppGroup("ledger", help="Check the ledger.")


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


@user_cli.command("create")
@click.option("--bank", "bank_slug", required=True, help="Slug of the member's time bank.")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--group", type=click.Choice(GROUPS), default="citizen", show_default=True)
@click.option("--admin", is_flag=True, help="Also make this user a platform admin.")
def create_user(bank_slug, email, name, password, role, group, admin):
    """Create an active member who can sign in."""
    try:
        bank = banks.get_bank(bank_slug)
        member = members.create_member(
            bank, name=name, email=email, group=group, role=role, status="active",
            password=password, is_admin=admin, now=utcnow(),
        )
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created {role} {member.id} in '{bank.slug}'" + (" (admin)." if admin else "."))


@ledger_cli.command("verify")
@click.option("--bank", "bank_slug", default=None, help="Check only this bank.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def verify_ledger(bank_slug, as_json):
    """Check invariants I1–I6; exit 1 naming the first failure."""
    report = verification.verify(bank_slug)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for check in report.checks:
            click.echo(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    if not report.ok:
        failure = report.first_failure
        click.echo(f"Ledger verification failed: {failure.name}: {failure.detail}", err=True)
        sys.exit(1)


@click.command("demo")
@click.option("--slug", default="riverside", show_default=True)
@click.option("--seed", default=2026, show_default=True, help="Random seed, for repeatable data.")
def demo(slug, seed):
    """Create a demo time bank with a year of activity and print the demo logins."""
    from .services import demo as demo_service

    try:
        logins = demo_service.build(slug=slug, seed=seed, now=utcnow())
    except ServiceError as error:
        _fail(error)
    click.echo(f"Demo time bank '{slug}' is ready. Sign in with any of these:")
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
    for command in (bank_cli, user_cli, ledger_cli, listings_cli, exchanges_cli, members_cli,
                    demo):
        app.cli.add_command(command)
