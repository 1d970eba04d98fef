"""Money is stored in 64-bit integers on both engines (migration 0028 widened three columns)."""

import httpx
from piccolo.querystring import QueryString

from coresearch.domain.payments.tables import Claim
from tests.conftest import Backend

MONEY = [("claims", "total_ore"), ("claim_lines", "amount_ore"), ("expenses", "amount_ore")]


async def test_money_columns_hold_more_than_32_bits(client: httpx.AsyncClient, backend: Backend) -> None:
    engine = Claim._meta.db
    for table, column in MONEY:
        if backend.name == "postgres":
            rows = await engine.run_querystring(
                QueryString(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = {} AND column_name = {}",
                    table,
                    column,
                )
            )
            assert [dict(row) for row in rows] == [{"data_type": "bigint"}], (table, column, rows)
        else:
            # SQLite stores any INTEGER-affinity column as a 64-bit integer.
            rows = await engine.run_querystring(
                QueryString(f"SELECT type FROM pragma_table_info('{table}') WHERE name = {{}}", column)
            )
            assert len(rows) == 1 and "INT" in rows[0]["type"].upper(), (table, column, rows)
