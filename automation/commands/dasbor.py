"""Serving the Dasbor: alone (`sop-konten dasbor`) or beside the daemon (`sop-konten run`)."""

from __future__ import annotations

import logging
import signal
import threading

from automation.config import Config
from automation.domain.texts import dasbor as dasbor_text
from automation.web.app import OpenDasbor, Serving, open_dasbor
from automation.web.auth import DasborRefused

log = logging.getLogger("sop_konten")


class Beside:
    """The Dasbor served in a thread of the daemon's process."""

    def __init__(self, opened: OpenDasbor, serving: Serving):
        self.opened, self.serving = opened, serving

    def stop(self) -> None:
        self.serving.stop()
        self.opened.close()


def serve_beside(config: Config) -> Beside | None:
    """The Dasbor beside the daemon, when enabled; a Dasbor that cannot start is logged, never stops the daemon."""
    if not config.dasbor.enabled:
        return None
    try:
        opened = open_dasbor(config)
    except DasborRefused as exc:
        log.error(dasbor_text.LOG_NOT_SERVED, exc)
        return None
    except Exception as exc:  # whatever it is, the daemon's cycle goes on
        log.error(dasbor_text.LOG_NOT_SERVED, dasbor_text.not_bound(config.dasbor.host, config.dasbor.port, exc))
        return None
    try:
        serving = Serving(opened.app, opened.host, opened.port).start()
    except OSError as exc:
        opened.close()
        log.error(dasbor_text.LOG_NOT_SERVED, dasbor_text.not_bound(opened.host, opened.port, exc.strerror or exc))
        return None
    log.info(dasbor_text.LOG_SERVING, serving.url)
    return Beside(opened, serving)


def serve_alone(config: Config) -> None:
    """Serve until SIGINT or SIGTERM; DasborRefused (a ConfigError) when it cannot start."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda number, frame: stop.set())
    opened = open_dasbor(config)
    try:
        try:
            serving = Serving(opened.app, opened.host, opened.port).start()
        except OSError as exc:
            raise DasborRefused(dasbor_text.cannot_listen(opened.host, opened.port, exc.strerror or exc)) from None
        print(dasbor_text.serving(serving.url), flush=True)
        try:
            while not stop.is_set() and serving.thread.is_alive():
                stop.wait(0.5)
        finally:
            serving.stop()
    finally:
        opened.close()
