"""The `minqing` command line, one small module per command group (service, data, members,
keywords, nlp), with what they share: progress, tables, log format. It may import bot (the
composition root) and every layer; nothing imports it but bot.py and nlp/__main__.py."""


class CommandError(Exception):
    """A command that cannot run as asked; the message says why in one line (exit code 2)."""
