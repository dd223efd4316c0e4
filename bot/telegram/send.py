"""The one place a Reply becomes Telegram calls, and Telegram's answers become
bot/delivery.py's vocabulary: long text split where Telegram accepts it, documents, edits,
inline keyboards, no link previews. Nothing here raises for what Telegram answers.

`send` and `edit` try once unless asked to retry (chat replies do; broadcasts and the
scheduler pace and count their own). `deliver` answers the person who acted and tells
anyone else who needs to know; one recipient's failure is only theirs.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    MessageId,
)
from telegram.constants import MessageLimit, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.delivery import Blocked, Delivered, Kind, NotReachable, Refused, Result, RetryLater
from bot.replies import Keyboard, MessageCopy, Outcome, Reply
from bot.telegram.retry import with_retries
from bot.telegram.splitting import split_html

log = logging.getLogger(__name__)

#: Told of each notice that could not reach its chat (blocked, not reachable), so a
#: coordinator who never opened the bot is noted (bot/telegram/app.py).
NotReached = Callable[[int, Kind], Awaitable[None]]
# By token: the bot a handler is given is not always the very object the Application holds.
_not_reached: dict[str, NotReached] = {}


def when_not_reached(bot: Bot, tell: NotReached) -> None:
    _not_reached[bot.token] = tell


NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

# Lower case: PTB drops "Bad Request: " and capitalises what Telegram said.
_NOT_REACHABLE = (
    "chat not found",
    "user not found",
    "peer_id_invalid",
    "user is deactivated",
    "bot can't initiate conversation",
    "chat_id is empty",
)
_NOT_MODIFIED = "message is not modified"

Call = Callable[[], Awaitable[Message | MessageId | bool]]


def result_of(error: TelegramError) -> Result:
    """What a Telegram error means for this one send."""
    text = error.message.lower()
    if isinstance(error, RetryAfter):
        return RetryLater(_seconds(error), "429")
    if isinstance(error, InvalidToken):
        # Its message may hold the token itself.
        return Refused("the token was rejected")
    if isinstance(error, ChatMigrated) or any(words in text for words in _NOT_REACHABLE):
        return NotReachable(error.message)
    if isinstance(error, Forbidden):
        return Blocked()
    if isinstance(error, BadRequest):
        return Refused(error.message)
    if isinstance(error, NetworkError):  # also timeouts and 5xx answers
        # The type only: a failure inside the HTTP library may quote the URL, token and all.
        return RetryLater(None, type(error).__name__)
    return Refused(type(error).__name__)


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB warns that retry_after becomes a timedelta; we take either.
        warnings.simplefilter("ignore")
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


async def attempt(call: Call, *, message_id: int = 0) -> Result:
    """One Bot API call. `message_id` is for calls that answer True rather than a message."""
    try:
        sent = await call()
    except TelegramError as error:
        return result_of(error)
    return Delivered(sent.message_id if isinstance(sent, Message | MessageId) else message_id)


async def _run(call: Call, *, retry: bool, message_id: int = 0) -> Result:
    if retry:
        return await with_retries(lambda: attempt(call, message_id=message_id))
    return await attempt(call, message_id=message_id)


def keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in buttons]
    )


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Parts Telegram accepts: never cut inside a tag or an entity (bot/telegram/splitting.py)."""
    return split_html(text, limit)


async def edit(
    bot: Bot, chat_id: int, message_id: int, reply: Reply, *, retry: bool = False
) -> Result:
    """Replace a message's text and buttons. Already showing this counts as delivered."""
    result = await _run(
        lambda: bot.edit_message_text(
            reply.text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.buttons),
            link_preview_options=NO_PREVIEW,
        ),
        retry=retry,
        message_id=message_id,
    )
    if isinstance(result, Refused) and _NOT_MODIFIED in result.reason.lower():
        return Delivered(message_id)
    return result


async def send(
    bot: Bot,
    chat_id: int,
    reply: Reply,
    *,
    edit_message_id: int | None = None,
    retry: bool = False,
) -> Result:
    """Send one reply (or edit the pressed message, if it asks to and there is one). A long
    text goes in parts; the result is the last part's, or the first that did not go."""
    markup = keyboard(reply.buttons)
    if reply.edit_only:
        return await _settle(bot, chat_id, edit_message_id, reply, retry=retry)
    if reply.edit and edit_message_id is not None:
        edited = await edit(bot, chat_id, edit_message_id, reply, retry=retry)
        if not isinstance(edited, Refused):
            return edited
        # Too old to edit, or gone: a new message says the same.
        log.warning("could not edit a message in chat %s, sending a new one: %s",
                    chat_id, edited.reason)  # fmt: skip
    document = reply.document
    if document is not None:
        return await _run(
            lambda: bot.send_document(
                chat_id,
                InputFile(document.content, filename=document.filename),
                caption=reply.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            ),
            retry=retry,
        )
    parts = split_text(reply.text)
    result: Result = Refused("no text")
    for number, part in enumerate(parts, start=1):
        keys = markup if number == len(parts) else None
        result = await _run(_text(bot, chat_id, part, keys), retry=retry)
        if not isinstance(result, Delivered):
            return result
    return result


async def _settle(
    bot: Bot, chat_id: int, message_id: int | None, reply: Reply, *, retry: bool
) -> Result:
    """Change the pressed message only; a message that cannot be changed is left as it is,
    for a fresh copy would only add to the chat."""
    if message_id is None:
        return Delivered(0)
    if reply.text:
        result = await edit(bot, chat_id, message_id, reply, retry=retry)
    else:
        result = await _run(
            lambda: bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=keyboard(reply.buttons)
            ),
            retry=retry,
            message_id=message_id,
        )
        if isinstance(result, Refused) and _NOT_MODIFIED in result.reason.lower():
            result = Delivered(message_id)
    if isinstance(result, Refused):
        log.info("left a message in chat %s as it was: %s", chat_id, result.reason)
        return Delivered(message_id)
    return result


def _text(bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> Call:
    return lambda: bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
        reply_markup=markup,
    )  # fmt: skip


async def copy(bot: Bot, chat_id: int, original: MessageCopy, *, retry: bool = False) -> Result:
    """Pass a person's own message on as it is (copyMessage: no download, no transcript)."""
    return await _run(
        lambda: bot.copy_message(chat_id, original.from_chat_id, original.message_id),
        retry=retry,
    )


def log_failure(what: str, chat_id: int, result: Result) -> None:
    """One line for a send that did not go: ids and Telegram's words, never the message."""
    if isinstance(result, Delivered):
        return
    reason = "" if isinstance(result, Blocked) else result.reason
    level = logging.ERROR if isinstance(result, Refused) else logging.WARNING
    log.log(level, "%s to chat %s not delivered: %s %s", what, chat_id, result.kind, reason)


async def acknowledge(query: CallbackQuery) -> None:
    """Stop the pressed button's spinner. If Telegram refuses (a press handled again after a
    crash is too old to answer) or the network fails, the press still counts: the spinner
    only turns a little longer."""
    try:
        await query.answer()
    except TelegramError as error:
        log.info("could not answer a button press: %s", result_of(error).kind)


async def deliver(
    bot: Bot, chat_id: int, outcome: Outcome, *, pressed_message_id: int | None = None
) -> None:
    """Answer the person who acted, then tell anyone else who needs to know. Each reply and
    each notice is tried on its own: a coordinator who cannot be reached costs nobody else
    their message."""
    for reply in outcome.replies:
        result = await send(bot, chat_id, reply, edit_message_id=pressed_message_id, retry=True)
        log_failure("a reply", chat_id, result)
        if isinstance(result, Blocked | NotReachable):
            break  # the rest would not reach them either
    refusal_said = False
    for notice in outcome.notices:
        result = await send(bot, notice.chat_id, notice.reply, retry=True)
        log_failure("a notice", notice.chat_id, result)
        if isinstance(result, Blocked | NotReachable) and (tell := _not_reached.get(bot.token)):
            await tell(notice.chat_id, result.kind)
        if notice.copy is not None and isinstance(result, Delivered):
            copied = await copy(bot, notice.chat_id, notice.copy, retry=True)
            log_failure("a passed-on message", notice.chat_id, copied)
            sorry = notice.copy.if_refused
            if isinstance(copied, Refused) and sorry is not None and not refusal_said:
                refusal_said = True  # once, however many coordinators it was for
                said = await send(bot, notice.copy.from_chat_id, sorry, retry=True)
                log_failure("a reply", notice.copy.from_chat_id, said)


class BotTransport:
    """A broadcast's link to Telegram (bot/services/delivery/broadcasts.py's Transport): one
    try each, for the broadcast paces, retries and counts itself."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send(self, chat_id: int, reply: Reply) -> Result:
        return await send(self.bot, chat_id, reply)

    async def edit(self, chat_id: int, message_id: int, reply: Reply) -> Result:
        return await edit(self.bot, chat_id, message_id, reply)
