"""Feed configurations: one YAML file per polled feed (docs/feeds.md describes the format)."""

import os
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    model_validator,
)

from chiso_core.problems import InvalidValue, item_field, text_of
from chiso_core.words import problems as say
from chiso_core.words import refusals

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


class Source(_Model):
    """Where a value comes from: a field (JSON key, CSV column) of the row, or a constant."""

    field: str | None = Field(default=None, min_length=1)
    value: str | None = Field(default=None, min_length=1)
    format: str | None = Field(
        default=None,
        description="periods only: a strptime format the field is written in, e.g. %m/%Y",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.field is None) == (self.value is None):
            raise InvalidValue(refusals.ONE_SOURCE)
        return self


class Mapping(_Model):
    indicator: Source
    jurisdiction: Source
    period: Source
    numerator: Source | None = None
    denominator: Source | None = None
    value: Source | None = Field(
        default=None, description="when absent, computed from numerator and denominator"
    )

    @model_validator(mode="after")
    def _value_or_parts(self) -> Self:
        if (self.numerator is None) != (self.denominator is None):
            raise InvalidValue(say.parts_together())
        if self.value is None and self.numerator is None:
            raise InvalidValue(refusals.VALUE_OR_PARTS)
        return self


class Auth(_Model):
    """A header whose value is read from the environment when a request is made: the secret
    lives in the deployment's secret store, never in this file, and is never logged."""

    header: str = Field(default="Authorization", pattern=r"^[A-Za-z0-9-]+$")
    env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="variable holding it")
    prefix: str = Field(default="", description='put before the secret, e.g. "Bearer "')

    def value(self) -> SecretStr:
        secret = os.environ.get(self.env)
        if not secret:
            raise FeedError(refusals.env_not_set(self.env))
        return SecretStr(self.prefix + secret)


class Retry(_Model):
    """Exponential back-off with jitter within one poll, on transient failures."""

    attempts: int = Field(default=6, ge=1)
    initial_s: float = Field(default=1.0, gt=0)
    max_s: float = Field(default=60.0, gt=0)
    jitter_s: float = Field(default=1.0, ge=0)
    timeout_s: float = Field(default=600.0, gt=0, description="give up the poll after this long")


class Scope(_Model):
    """What the feed may report, as an agency's key would: figures of other jurisdictions or
    indicators are rejected row by row."""

    jurisdictions: tuple[str, ...] = Field(
        min_length=1, description="catalog ids; each with every unit below it"
    )
    indicators: tuple[str, ...] = Field(min_length=1, description="indicator codes")


class Feed(_Model):
    name: Name
    description: str = ""
    url: HttpUrl
    every: timedelta = Field(description="poll interval: seconds, or ISO 8601 such as PT1H")
    format: Format
    records: str = Field(
        default="",
        description="JSON only: dotted path of the list of records in the body; empty = the body",
    )
    delimiter: str = Field(default=",", min_length=1, max_length=1, description="CSV only")
    mapping: Mapping
    scope: Scope
    auth: Auth | None = None
    batch_size: int = Field(default=1000, ge=1, description="observations per publish")
    request_timeout_s: float = Field(
        default=30.0, gt=0, description="for the whole answer, its body read to the end"
    )
    max_bytes: int = Field(
        default=16 << 20, ge=1024, description="the longest document read; a longer one fails"
    )
    retry: Retry = Retry()

    @model_validator(mode="after")
    def _sensible_interval(self) -> Self:
        if self.every < timedelta(seconds=1):
            raise InvalidValue(refusals.EVERY_SECOND_AT_LEAST)
        return self


class FeedError(Exception):
    """A feed that cannot be configured or polled as written; says what and where, Vietnamese
    first ("<vi> / <en>")."""


def _describe(path: Path, error: ValidationError) -> str:
    problems = [(item_field(e["loc"]), text_of(e)) for e in error.errors()]
    return refusals.feed_file_invalid(str(path), problems)


def load_feed(path: Path) -> Feed:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Feed.model_validate(data)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise FeedError(refusals.not_yaml(str(path), line, str(e))) from e
    except ValidationError as e:
        raise FeedError(_describe(path, e)) from e


def load_feeds(folder: Path) -> list[Feed]:
    """Every *.yaml in `folder`, at least one; names must be unique (they key the cursors)."""
    if not folder.is_dir():
        raise FeedError(refusals.not_a_folder(str(folder)))
    paths = sorted(folder.glob("*.yaml"))
    feeds = [load_feed(p) for p in paths]
    if not feeds:
        raise FeedError(refusals.no_feed_file(str(folder)))
    names = [f.name for f in feeds]
    if duplicate := next((n for n in names if names.count(n) > 1), None):
        files = [p.name for p, n in zip(paths, names, strict=True) if n == duplicate]
        raise FeedError(refusals.feed_name_twice(str(folder), duplicate, files))
    return feeds
