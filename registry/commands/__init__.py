"""Flask CLI commands: ``flask --app registry <command>``. Each group lives in its own module."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from registry.commands.accounts import create_user_command
    from registry.commands.backup import backup, restore
    from registry.commands.check import check
    from registry.commands.gazetteer import gazetteer
    from registry.commands.importing import import_group
    from registry.commands.setup import assess, init, open_data, reference, seed

    for command in (
        init,
        reference,
        seed,
        open_data,
        assess,
        gazetteer,
        check,
        create_user_command,
        backup,
        restore,
        import_group,
    ):
        app.cli.add_command(command)
