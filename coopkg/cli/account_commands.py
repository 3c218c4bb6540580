"""user add/list, token create/list/revoke: maintainer accounts for the write endpoints."""
import sys
from datetime import datetime, timezone

import click

from coopkg.graph.accounts import ROLES, Accounts

from .common import handle_errors, settings_from


def _accounts(ctx) -> Accounts:
    return Accounts(settings_from(ctx).data_dir)


def _when(timestamp) -> str:
    if timestamp is None:
        return "-"
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


@click.group()
def user():
    """Maintainer accounts."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="maintainer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.pass_context
@handle_errors
def user_add(ctx, name, role, password_stdin):
    """Create a user (asks for a password unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    created = _accounts(ctx).create_user(name, password, role=role)
    click.echo(f"user {created.name} created ({created.role})")


@user.command("password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of stdin.")
@click.pass_context
@handle_errors
def user_password(ctx, name, password_stdin):
    """Set a user's password."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    _accounts(ctx).set_password(name, password)
    click.echo(f"password of {name} changed")


user.add_command(user_password, "passwd")  # the Unix spelling, as maintainers type it


@user.command("remove")
@click.argument("name")
@click.pass_context
@handle_errors
def user_remove(ctx, name):
    """Remove a user; their tokens stop working and their review sessions end."""
    tokens = _accounts(ctx).remove_user(name)
    click.echo(f"user {name} removed ({tokens} token(s) revoked)")


@user.command("list")
@click.pass_context
@handle_errors
def user_list(ctx):
    """List users."""
    users = _accounts(ctx).users()
    if not users:
        click.echo("no users yet; create one with: coopkg user add NAME", err=True)
    for u in users:
        click.echo(f"{u.name}\t{u.role}\t{_when(u.created)}")


@click.group()
def token():
    """API tokens for /sparql/update, /graph-store and other maintainer endpoints."""


@token.command("create")
@click.argument("user_name", metavar="USER")
@click.option("--label", default="", help="What the token is for (shown in `token list`).")
@click.pass_context
@handle_errors
def token_create(ctx, user_name, label):
    """Create a token for USER and print it once (only its hash is stored)."""
    issued = _accounts(ctx).create_token(user_name, label)
    click.echo(f"token {issued.id} for {user_name}; it is shown only this once:", err=True)
    click.echo(str(issued))


@token.command("list")
@click.option("--user", "user_name", help="Only this user's tokens.")
@click.pass_context
@handle_errors
def token_list(ctx, user_name):
    """List tokens (never their values)."""
    tokens = _accounts(ctx).tokens(user_name)
    if not tokens:
        click.echo("no tokens yet; create one with: coopkg token create USER", err=True)
    for t in tokens:
        state = "active" if t.active else f"revoked {_when(t.revoked)}"
        click.echo(f"{t.id}\t{t.user}\t{t.label or '-'}\tcreated {_when(t.created)}\tlast used {_when(t.last_used)}\t{state}")


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
@handle_errors
def token_revoke(ctx, token_id):
    """Revoke a token by its id (see `token list`)."""
    if not _accounts(ctx).revoke_token(token_id):
        raise ValueError(f"there is no active token with id {token_id}")
    click.echo(f"token {token_id} revoked")


COMMANDS = (user, token)
