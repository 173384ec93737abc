"""Who answers for an alert's target, as its notifications say: the lead agency from the
catalog's owners and the owner's latest explanation, or the words saying none was given."""

import psycopg
import pytest

from chiso_alerts.notify.owners import Owner, read_owners
from chiso_core.catalog import Catalog
from tests import alerting

PLAN = "khanh_hoa_nq57"
EXPLAINED, SILENT = "online_public_service_usage_2030", "sti_dx_potential_rank_2030"


def explain(database_url: str, period: str, done: str) -> None:
    alerting.explain(
        database_url, period, done, plan=PLAN, target=EXPLAINED, agency="vp_ubnd_khanh_hoa"
    )


@pytest.mark.asyncio
async def test_the_lead_and_its_latest_explanation_or_none_given(
    database_url: str, catalog: Catalog
) -> None:
    explain(database_url, "2025-05", "Bản cũ.")
    explain(database_url, "2025-06", "Đưa 120 thủ tục lên cổng.")
    plan = catalog.plans[PLAN]
    lead = {
        t.id: catalog.agencies[owners.lead].name_vi
        for t in plan.targets
        if (owners := plan.owners_of(t)) is not None
    }
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        found = await read_owners(conn, {(PLAN, EXPLAINED), (PLAN, SILENT), (PLAN, "no_such")})
        assert await read_owners(conn, set()) == {}
    assert found == {
        (PLAN, EXPLAINED): Owner(
            lead[EXPLAINED],
            "tháng 6/2025: Kết quả thực hiện: Đưa 120 thủ tục lên cổng.; Khó khăn, vướng mắc:"
            " Thiếu nhân lực.; Giải pháp tiếp theo: Tuyển thêm 5 người.",
        ),
        (PLAN, SILENT): Owner(lead[SILENT], "Chưa có giải trình"),
    }
