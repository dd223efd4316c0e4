"""What starts with the bot and stops with it, in one list.

Starts run in the order they were added, after the Application is initialised and before
it polls. Stops run in the reverse order when the bot stops (before its HTTP client closes,
so work under way can finish sending), or at shutdown if the bot never got as far as stopping.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import Application

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
Hook = Callable[[AnyApplication], Awaitable[None]]


class Lifecycle:
    def __init__(self) -> None:
        self._starts: list[Hook] = []
        self._stops: list[Hook] = []
        self._stopped = False

    def on_start(self, hook: Hook) -> None:
        self._starts.append(hook)

    def on_stop(self, hook: Hook) -> None:
        self._stops.append(hook)

    def attach(self, application: AnyApplication) -> None:
        application.post_init = self._start
        application.post_stop = self._stop
        application.post_shutdown = self._stop

    async def _start(self, application: AnyApplication) -> None:
        self._stopped = False
        for hook in self._starts:
            await hook(application)

    async def _stop(self, application: AnyApplication) -> None:
        if self._stopped:
            return
        self._stopped = True
        for hook in reversed(self._stops):
            await hook(application)
