"""Kiln's Flight SQL endpoint as clients no one on the project wrote see it.

Reads a JSON request on stdin (uri, token, out, tpch, param_sql, params), talks to the
coordinator with the ADBC Flight SQL driver and with flightsql-dbapi, writes each query's
result as an Arrow IPC file under `out`, and prints a JSON report of the rest.
"""

import json
import sys

import adbc_driver_flightsql.dbapi as adbc
import pyarrow as pa
from adbc_driver_flightsql import DatabaseOptions
from flightsql import FlightSQLClient
from flightsql import connect as dbapi_connect

request = json.load(sys.stdin)
uri, token, out = request["uri"], request["token"], request["out"]
report = {}


def save(name, table):
    with pa.OSFile(f"{out}/{name}.arrow", "wb") as sink:
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)


# ADBC with the bearer token.
bearer = {DatabaseOptions.AUTHORIZATION_HEADER.value: f"Bearer {token}"}
with adbc.connect(uri, db_kwargs=bearer) as conn:
    objects = conn.adbc_get_objects(depth="tables").read_all().to_pylist()
    report["adbc_tables"] = sorted(
        f'{schema["db_schema_name"]}.{table["table_name"]}'
        for catalog in objects
        for schema in catalog["catalog_db_schemas"] or []
        for table in schema["db_schema_tables"] or []
    )
    columns = conn.adbc_get_table_schema("lineitem", db_schema_filter="tpch")
    report["adbc_lineitem_columns"] = columns.names
    with conn.cursor() as cursor:
        cursor.execute(request["tpch"])
        save("adbc_tpch", cursor.fetch_arrow_table())
        cursor.execute(request["param_sql"], parameters=tuple(request["params"]))
        save("adbc_param", cursor.fetch_arrow_table())

# ADBC with basic auth: the token as the password.
with adbc.connect(uri, db_kwargs={"username": "analyst", "password": token}) as conn:
    with conn.cursor() as cursor:
        cursor.execute("SELECT 41 + 1 AS answer")
        report["adbc_basic"] = cursor.fetchall()

# A wrong token is refused.
try:
    wrong = {DatabaseOptions.AUTHORIZATION_HEADER.value: "Bearer not-the-token"}
    with adbc.connect(uri, db_kwargs=wrong) as conn:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchall()
    report["adbc_wrong_token"] = "accepted"
except Exception as error:  # the driver's own error type
    report["adbc_wrong_token"] = str(error)

# flightsql-dbapi over pyarrow's Flight client, with basic auth (its handshake).
host, port = uri.removeprefix("grpc://").rsplit(":", 1)
client = FlightSQLClient(host=host, port=int(port), user="analyst", password=token, insecure=True)
info = client.get_tables(db_schema_filter_pattern="tpch")
tables = client.do_get(info.endpoints[0].ticket).read_all().to_pylist()
report["dbapi_tables"] = sorted(f'{t["db_schema_name"]}.{t["table_name"]}' for t in tables)
info = client.execute(request["tpch"])
save("dbapi_tpch", client.do_get(info.endpoints[0].ticket).read_all())
cursor = dbapi_connect(client).cursor()
cursor.execute(request["param_sql"], request["params"])
report["dbapi_param"] = [[str(value) for value in row] for row in cursor.fetchall()]

# An INSERT through the update call: the rows it loaded.
report["dbapi_inserted"] = client.execute_update(request["insert"])

print(json.dumps(report, default=str))
