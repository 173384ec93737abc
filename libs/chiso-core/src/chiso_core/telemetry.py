"""Structured logs (structlog) for every service."""

import logging
import sys

import structlog

from chiso_core.settings import LogSettings


def configure_logging(settings: LogSettings) -> None:
    level = logging.getLevelName(settings.log_level.upper())
    renderer: structlog.typing.Processor = (
        # Vietnamese as it is written (refusals, names): "\u1ea1" escapes are unreadable in a
        # raw `docker logs`, and a JSON line of UTF-8 is as valid to any log collector
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if settings.log_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    logging.basicConfig(level=level, stream=sys.stderr, format="%(message)s")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        # Not cached: a logger bound on first use would keep the stream and processors of that
        # moment, so a later configuration (or a test's capture) would miss it. Logging is off
        # the per-figure path, so the few microseconds per call do not count.
        cache_logger_on_first_use=False,
    )
