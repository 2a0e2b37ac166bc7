"""Command menus per scope and language: setMyCommands, deleteMyCommands, getMyCommands."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.fakes.content import bad_request

Menu = list[dict[str, Any]]
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE = re.compile(r"^([a-z]{2})?$")
_CHAT_SCOPES = ("chat", "chat_administrators", "chat_member")
# How Telegram picks the menu shown in a private chat, most specific first.
_PRIVATE_ORDER = ("chat", "all_private_chats", "default")


def scope_key(scope: dict[str, Any] | None, language_code: str = "") -> tuple[Any, ...]:
    """The storage key of a BotCommandScope dict and language ("" for all languages)."""
    scope = scope or {"type": "default"}
    ids = tuple(scope[key] for key in ("chat_id", "user_id") if key in scope)
    return (scope["type"], *ids, language_code)


class CommandMenus:
    """The menus the bot set, keyed by scope and language."""

    def __init__(self, check_chat: Callable[[dict[str, Any]], object]) -> None:
        self.menus: dict[tuple[Any, ...], Menu] = {}
        self._check_chat = check_chat

    def _key(self, params: dict[str, Any]) -> tuple[Any, ...]:
        scope = params.get("scope") or {"type": "default"}
        language = str(params.get("language_code", ""))
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope JSON object")
        if not _LANGUAGE.match(language):
            raise bad_request("invalid language code specified")
        if scope["type"] in _CHAT_SCOPES:
            self._check_chat(scope)
        return scope_key(scope, language)

    def set_my_commands(self, params: dict[str, Any], files: object) -> bool:
        """setMyCommands for a scope and language."""
        key = self._key(params)
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON array")
        for command in commands:
            if not _COMMAND.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.menus[key] = [dict(command) for command in commands]
        return True

    def delete_my_commands(self, params: dict[str, Any], files: object) -> bool:
        """deleteMyCommands for a scope and language."""
        self.menus.pop(self._key(params), None)
        return True

    def get_my_commands(self, params: dict[str, Any], files: object) -> Menu:
        """getMyCommands: exactly the list of that scope and language."""
        return self.menus.get(self._key(params), [])

    def visible(self, chat_id: int, language_code: str = "") -> Menu:
        """The menu a user sees in a private chat, resolved through the scopes as Telegram does."""
        for kind in _PRIVATE_ORDER:
            ids: tuple[Any, ...] = (chat_id,) if kind == "chat" else ()
            for language in dict.fromkeys((language_code, "")):
                found = self.menus.get((kind, *ids, language))
                if found is not None:
                    return found
        return []
