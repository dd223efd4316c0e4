"""`panelbot run`: open the database and poll Telegram until stopped."""

from __future__ import annotations

import asyncio
import logging
import signal

from bot.clock import SystemClock
from bot.config import Settings
from bot.context import AppContext
from bot.store.db import Database
from bot.telegram.app import build_application

log = logging.getLogger(__name__)


async def run(settings: Settings) -> int:
    assert settings.token is not None
    db = await Database.open(settings.database)
    ctx = AppContext(db, settings, SystemClock())
    application = build_application(ctx, token=settings.token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        # The same order as Application.run_polling, which owns the event loop and so
        # can't share it with our database connection.
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(drop_pending_updates=False)
        log.info("panelbot is running; press Ctrl-C to stop")
        await stop.wait()
        await application.updater.stop()
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await db.close()
    return 0
