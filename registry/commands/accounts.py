"""``flask --app registry create-user EMAIL --role ROLE``: make an account from the command line.

The first admin has to come from somewhere; this is where. The account is confirmed at once, and the password
must pass the same rules as on the website.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.extensions import db
from registry.models import Role
from registry.services.accounts import AccountError, create_user


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.REPRESENTATIVE.value,
    show_default=True,
    help="What the account may do; admin has every role's rights.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking for it twice.",
)
@with_appcontext
def create_user_command(email: str, role: str, password_stdin: bool) -> None:
    """Create a confirmed account for EMAIL."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
    try:
        user = create_user(db.session(), email, password, Role(role), site_name=current_app.config["SITE_NAME"])
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email} (id {user.id}), email address confirmed.")
