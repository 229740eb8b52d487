//! The metadata calls BI tools make, answered from Kiln's catalog: one catalog (the one SQL
//! statements resolve `database.table` in), a schema per catalog database, and its tables
//! with their columns (partition keys last, as queries see them).

use std::sync::{Arc, LazyLock};

use arrow::array::RecordBatch;
use arrow::datatypes::{Schema, SchemaRef};
use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::sql::metadata::{SqlInfoData, SqlInfoDataBuilder};
use arrow_flight::sql::{
    CommandGetCatalogs, CommandGetDbSchemas, CommandGetSqlInfo, CommandGetTableTypes,
    CommandGetTables, ProstMessageExt, SqlInfo,
};
use arrow_flight::{FlightData, FlightDescriptor, FlightEndpoint, FlightInfo, Ticket};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use prost::Message;
use tonic::Status;

use crate::error::CoordinatorError;
use crate::scheduler::Scheduler;

/// The only table type: catalog tables, whether files or a database's table.
const TABLE_TYPE: &str = "TABLE";

/// The name of the catalog that holds the catalog's databases in SQL.
fn catalog_name() -> String {
    datafusion::prelude::SessionConfig::new()
        .options()
        .catalog
        .default_catalog
        .clone()
}

/// What `GetSqlInfo` answers.
static SQL_INFO: LazyLock<SqlInfoData> = LazyLock::new(|| {
    let mut info = SqlInfoDataBuilder::new();
    info.append(SqlInfo::FlightSqlServerName, "Kiln");
    info.append(SqlInfo::FlightSqlServerVersion, env!("CARGO_PKG_VERSION"));
    info.append(SqlInfo::FlightSqlServerArrowVersion, "1.5");
    info.append(SqlInfo::FlightSqlServerReadOnly, false);
    info.append(SqlInfo::FlightSqlServerSql, true);
    info.append(SqlInfo::FlightSqlServerSubstrait, false);
    info.append(SqlInfo::FlightSqlServerTransaction, 0i32);
    info.append(SqlInfo::FlightSqlServerCancel, false);
    info.append(SqlInfo::SqlDdlCatalog, false);
    info.append(SqlInfo::SqlDdlSchema, false);
    info.append(SqlInfo::SqlDdlTable, false);
    info.append(SqlInfo::SqlIdentifierQuoteChar, "\"");
    info.build().expect("static SQL info")
});

/// A metadata request, as a ticket and the schema of its answer.
pub(super) trait MetadataCommand: ProstMessageExt + Clone {
    /// The schema of the answer.
    fn answer_schema(&self) -> SchemaRef;
}

impl MetadataCommand for CommandGetCatalogs {
    fn answer_schema(&self) -> SchemaRef {
        (*self).into_builder().schema()
    }
}

impl MetadataCommand for CommandGetDbSchemas {
    fn answer_schema(&self) -> SchemaRef {
        self.clone().into_builder().schema()
    }
}

impl MetadataCommand for CommandGetTables {
    fn answer_schema(&self) -> SchemaRef {
        self.clone().into_builder().schema()
    }
}

impl MetadataCommand for CommandGetTableTypes {
    fn answer_schema(&self) -> SchemaRef {
        (*self).into_builder().schema()
    }
}

impl MetadataCommand for CommandGetSqlInfo {
    fn answer_schema(&self) -> SchemaRef {
        self.clone().into_builder(&SQL_INFO).schema()
    }
}

/// Where a metadata request is answered: one endpoint on this coordinator whose ticket is the
/// request itself.
pub(super) fn flight_info(
    command: &impl MetadataCommand,
    descriptor: FlightDescriptor,
) -> Result<FlightInfo, Status> {
    let ticket = Ticket::new(command.as_any().encode_to_vec());
    Ok(FlightInfo::new()
        .try_with_schema(&command.answer_schema())
        .map_err(|e| Status::internal(e.to_string()))?
        .with_endpoint(FlightEndpoint::new().with_ticket(ticket))
        .with_descriptor(descriptor))
}

/// `batch` as a Flight stream.
pub(super) fn answer(
    batch: arrow_flight::error::Result<RecordBatch>,
) -> BoxStream<'static, Result<FlightData, Status>> {
    let batch = batch.map_err(|e| Status::internal(e.to_string()));
    match batch {
        Ok(batch) => FlightDataEncoderBuilder::new()
            .with_schema(batch.schema())
            .build(futures::stream::once(async { Ok(batch) }))
            .map_err(Status::from)
            .boxed(),
        Err(status) => futures::stream::once(async { Err(status) }).boxed(),
    }
}

/// The catalogs: one.
pub(super) fn catalogs(command: CommandGetCatalogs) -> arrow_flight::error::Result<RecordBatch> {
    let mut builder = command.into_builder();
    builder.append(catalog_name());
    builder.build()
}

/// The schemas: the catalog's databases.
pub(super) async fn schemas(
    scheduler: &Scheduler,
    command: CommandGetDbSchemas,
) -> Result<arrow_flight::error::Result<RecordBatch>, Status> {
    let catalog = scheduler.catalog().await?;
    let databases = catalog.databases().await.map_err(catalog_error)?;
    let mut builder = command.into_builder();
    for database in databases {
        builder.append(catalog_name(), &database.name);
    }
    Ok(builder.build())
}

/// The tables, with their Arrow schemas when asked.
pub(super) async fn tables(
    scheduler: &Scheduler,
    command: CommandGetTables,
) -> Result<arrow_flight::error::Result<RecordBatch>, Status> {
    let catalog = scheduler.catalog().await?;
    let mut builder = command.into_builder();
    for database in catalog.databases().await.map_err(catalog_error)? {
        for table in catalog
            .tables(&database.name)
            .await
            .map_err(catalog_error)?
        {
            if table.deprecated {
                continue;
            }
            let mut fields = kiln_catalog::columns::file_schema(&table)
                .map_err(catalog_error)?
                .fields()
                .to_vec();
            fields.extend(
                kiln_catalog::columns::partition_fields(&table)
                    .map_err(catalog_error)?
                    .into_iter()
                    .map(Arc::new),
            );
            let schema = Schema::new(fields);
            builder
                .append(
                    catalog_name(),
                    &table.database,
                    &table.name,
                    TABLE_TYPE,
                    &schema,
                )
                .map_err(|e| Status::internal(e.to_string()))?;
        }
    }
    Ok(builder.build())
}

/// The table types: one.
pub(super) fn table_types(
    command: CommandGetTableTypes,
) -> arrow_flight::error::Result<RecordBatch> {
    let mut builder = command.into_builder();
    builder.append(TABLE_TYPE);
    builder.build()
}

/// What the server is and supports.
pub(super) fn sql_info(command: CommandGetSqlInfo) -> arrow_flight::error::Result<RecordBatch> {
    command.into_builder(&SQL_INFO).build()
}

fn catalog_error(error: kiln_catalog::CatalogError) -> Status {
    CoordinatorError::Catalog(error).into()
}
