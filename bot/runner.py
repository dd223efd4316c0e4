"""`panelbot run`: open the database and poll Telegram until stopped.

Whatever stops start-up says so in one line (`StartupFailed`, `DatabaseUnusable`), and the
process exits: a supervisor can restart it, and nothing is left running behind it. While the
bot runs, a watch checks every few seconds that it still hears people; if it does not, the
bot stops with one line and a non-zero exit, for the supervisor to restart it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.clock import SystemClock
from bot.config import Settings
from bot.context import AppContext
from bot.store.db import Database
from bot.store.instance import AlreadyRunning, InstanceLock
from bot.telegram.app import build_application
from bot.telegram.lifecycle import AnyApplication
from bot.telegram.watchdog import CHECK_EVERY, PollingWatch, watch_of

log = logging.getLogger(__name__)

DEAF = 3  # the exit status when the bot stopped because it could no longer hear people


class StartupFailed(Exception):
    """Start-up cannot go on; the message is one line and never holds the token."""


async def run(settings: Settings) -> int:
    assert settings.token is not None
    try:
        lock = InstanceLock.take(settings.database)
    except AlreadyRunning:
        raise StartupFailed(
            f"PANELBOT_DATABASE: another panelbot is already running on {settings.database}"
        ) from None
    try:
        db = await Database.open(settings.database)
        try:
            return await _serve(db, settings, settings.token)
        finally:
            await db.close()
    finally:
        lock.release()


async def _serve(db: Database, settings: Settings, token: str) -> int:
    application = build_application(AppContext(db, settings, SystemClock()), token=token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _start(application, settings, token)
        log.info("panelbot is running; press Ctrl-C to stop")
        problem = await until_stopped_or_deaf(watch_of(application), stop)
        assert application.updater is not None
        await application.updater.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
    if problem is not None:
        print(f"panelbot: {problem}", file=sys.stderr)
        return DEAF
    return 0


async def _start(application: AnyApplication, settings: Settings, token: str) -> None:
    """The same order as Application.run_polling, which owns the event loop and so can't
    share it with our database connection."""
    try:
        await application.initialize()
    except InvalidToken:
        # python-telegram-bot's own message holds the whole token.
        raise StartupFailed("TELEGRAM_BOT_TOKEN was rejected by Telegram") from None
    except NetworkError as error:
        raise StartupFailed(
            f"PANELBOT_API_URL: could not reach {settings.api_url} ({_without_token(error, token)})"
        ) from None
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(drop_pending_updates=False)
    except TelegramError as error:
        raise StartupFailed(
            f"Telegram refused to start the bot ({_without_token(error, token)})"
        ) from None


def _without_token(error: TelegramError, token: str) -> str:
    # Errors may quote the request URL, which holds the token.
    return f"{type(error).__name__}: {error}".replace(token, "<TELEGRAM_BOT_TOKEN>")


async def until_stopped_or_deaf(
    watch: PollingWatch, stop: asyncio.Event, check_every: float = CHECK_EVERY
) -> str | None:
    """Wait for a stop signal; return what is wrong if the bot stops hearing people first."""
    while True:
        try:
            async with asyncio.timeout(check_every):
                await stop.wait()
            return None
        except TimeoutError:
            problem = watch.problem()
            if problem is not None:
                return problem
