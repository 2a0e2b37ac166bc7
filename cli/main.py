"""The `minqing` command: parse the arguments, read the settings, set up logging, run one
command. A settings or usage problem is one line on stderr and exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata

from cli import CommandError, data, keywords, members, nlp, outbox, service
from cli.logs import configure
from config.settings import SettingsError, load_settings
from config.tanks import ConfigError
from core.roster import MembershipError
from storage.backup import RestoreError

DESCRIPTION = """\
Minqing (民情): residents' concerns to the members of a district's political consultative
conference, through a chat bot. Settings come from MINQING_* environment variables or a .env
file (see the README)."""


def version() -> str:
    """The installed version, or that of a checkout that was never installed."""
    try:
        return metadata.version("minqing")
    except metadata.PackageNotFoundError:
        return "0+unknown (not installed)"


def parser(prog: str = "minqing") -> argparse.ArgumentParser:
    """The whole command line."""
    p = argparse.ArgumentParser(prog=prog, description=DESCRIPTION)
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    service.add_commands(sub)
    data.add_commands(sub)
    members.add_commands(sub)
    outbox.add_commands(sub)
    keywords.add_commands(sub)
    nlp_parser = sub.add_parser(
        "nlp", help="learn and measure the keyword classifier on labelled CSV files"
    )
    nlp.add_commands(
        nlp_parser.add_subparsers(dest="nlp_command", required=True, metavar="COMMAND")
    )
    nlp_parser.set_defaults(checked=nlp.run_checked)
    return p


def main(argv: Sequence[str] | None = None, prog: str = "minqing") -> int:
    """Parse the command line and run; settings problems exit with code 2 and one line,
    prefixed `minqing:` whatever `prog` the usage shows."""
    args = parser(prog).parse_args(argv)
    if args.command is None:  # `bot.py` alone has always meant `run`
        args = parser(prog).parse_args(["run"])
    try:
        settings = load_settings()
        token = settings.bot_token.get_secret_value() if settings.bot_token else None
        webhook = settings.telegram_webhook_secret  # PTB logs setWebhook's parameters at DEBUG
        hidden = [webhook] if webhook else []
        configure(settings.log_level, settings.log_format, token=token, hidden=hidden)
        if getattr(args, "checked", None) is not None:
            code: int = args.checked(settings, args)
        else:
            code = args.handler(settings, args)
        return code
    except (SettingsError, ConfigError, RestoreError, CommandError) as e:
        print(f"minqing: {e}", file=sys.stderr)
        return 2
    except MembershipError as e:
        print(f"minqing: {e}", file=sys.stderr)
        return 1


def entry() -> None:
    """The console script's entry point."""
    sys.exit(main())
