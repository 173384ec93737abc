"""A PostgreSQL query for grafana-foundation-sdk, which ships no SQL query type: a model and a
builder in the SDK's custom-dataquery pattern, registered so the SDK reads such targets back."""

from enum import StrEnum
from typing import Any, Self

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import dashboard

# The plugin id of Grafana's PostgreSQL data source, and the uid provisioning gives ours
# (deploy/grafana/provisioning/datasources/datasources.yml).
PLUGIN = "grafana-postgresql-datasource"
DATASOURCE = dashboard.DataSourceRef(type_val=PLUGIN, uid="timescaledb")


class Format(StrEnum):
    TIME_SERIES = "time_series"  # a time column first, then values (and an optional metric)
    TABLE = "table"


class SqlQuery(cogvariants.Dataquery):
    """What the data source's code editor stores: raw SQL with Grafana's macros."""

    def __init__(
        self, raw_sql: str = "", format_val: Format = Format.TABLE, ref_id: str = "A"
    ) -> None:
        self.raw_sql = raw_sql
        self.format_val = format_val
        self.ref_id = ref_id

    def to_json(self) -> dict[str, object]:
        return {
            "datasource": DATASOURCE.to_json(),
            "editorMode": "code",
            "format": str(self.format_val),
            "rawQuery": True,
            "rawSql": self.raw_sql,
            "refId": self.ref_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        return cls(data.get("rawSql", ""), Format(data.get("format", "table")), data["refId"])


class Sql(cogbuilder.Builder[SqlQuery]):
    def __init__(self, raw_sql: str, format_val: Format = Format.TABLE) -> None:
        self._internal = SqlQuery(raw_sql, format_val)

    def ref_id(self, ref_id: str) -> Self:
        self._internal.ref_id = ref_id
        return self

    def build(self) -> SqlQuery:
        return self._internal


class SqlAnnotationTarget(dashboard.AnnotationTarget):
    """The SDK types an annotation's target for the built-in source only; a SQL annotation
    stores the query itself (rows with time, timeend, text, tags)."""

    def __init__(self, raw_sql: str) -> None:
        super().__init__()
        self.query = SqlQuery(raw_sql, Format.TABLE, "Anno")

    def to_json(self) -> dict[str, object]:
        return self.query.to_json()


class SqlAnnotation(cogbuilder.Builder[dashboard.AnnotationTarget]):
    def __init__(self, raw_sql: str) -> None:
        self._internal = SqlAnnotationTarget(raw_sql)

    def build(self) -> dashboard.AnnotationTarget:
        return self._internal


cogruntime.Runtime().register_dataquery_variant(
    cogruntime.DataqueryConfig(identifier=PLUGIN, from_json_hook=SqlQuery.from_json)
)
