"""A minimal PTB echo bot, the latency floor for benchmarks: python -m tests.fakes.echo_bot ..."""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message with the same text."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await context.bot.send_message(chat_id=message.chat_id, text=message.text)


def build_echo_app(
    api_url: str, token: str, pool_size: int = 256, concurrent_updates: int = 256
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application echoing every text message, talking to the Bot API at api_url; with
    concurrent_updates 0, PTB's default: one update at a time, as the examples run."""
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{api_url}/bot")
        .connection_pool_size(pool_size)
        .pool_timeout(10.0)
    )
    if concurrent_updates:
        builder = builder.concurrent_updates(concurrent_updates)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and poll until SIGINT or SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-url", required=True, help="e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", required=True)
    parser.add_argument("--poll-timeout", type=int, default=10)
    parser.add_argument("--pool-size", type=int, default=256)
    parser.add_argument(
        "--concurrent-updates", type=int, default=256, help="0: one at a time (PTB's default)"
    )
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    os.environ.setdefault("PTB_TIMEDELTA", "1")  # retry_after as timedelta, without warnings
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(name)s %(message)s")
    app = build_echo_app(args.api_url, args.token, args.pool_size, args.concurrent_updates)
    app.run_polling(poll_interval=0.0, timeout=args.poll_timeout, close_loop=True)


if __name__ == "__main__":
    main()
