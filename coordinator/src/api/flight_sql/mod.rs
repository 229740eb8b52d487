//! Arrow Flight SQL on the coordinator, for BI tools (through the ADBC, JDBC and ODBC Flight
//! SQL drivers) and for the SDKs' results.
//!
//! - [`statements`]: each statement runs as a Kiln job; prepared statements carry their SQL
//!   and bound parameters in their handles.
//! - [`results`]: a statement's result is read with `DoGet` of a `TicketStatementQuery` whose
//!   handle is a [`kiln_proto::v1::ResultTicket`], streamed from the executor that holds it.
//! - [`metadata`]: catalogs, schemas, tables and SQL info, from Kiln's catalog.
//!
//! Calls carry the cluster's client token as a bearer token, or as the password of basic
//! auth, which the handshake hands back as the bearer token (as JDBC tools expect).

mod metadata;
mod results;
mod statements;

use std::pin::Pin;
use std::sync::{Arc, Mutex};

use arrow::array::AsArray;
use arrow::array::RecordBatch;
use arrow::datatypes::Schema;
use arrow::datatypes::UInt64Type;
use arrow_flight::decode::FlightRecordBatchStream;
use arrow_flight::error::FlightError;
use arrow_flight::flight_service_server::FlightService;
use arrow_flight::sql::server::{FlightSqlService, PeekableFlightDataStream};
use arrow_flight::sql::{
    ActionClosePreparedStatementRequest, ActionCreatePreparedStatementRequest,
    ActionCreatePreparedStatementResult, CommandGetCatalogs, CommandGetDbSchemas,
    CommandGetSqlInfo, CommandGetTableTypes, CommandGetTables, CommandPreparedStatementQuery,
    CommandStatementQuery, CommandStatementUpdate, DoPutPreparedStatementResult, SqlInfo,
    TicketStatementQuery,
};
use arrow_flight::{
    Action, FlightDescriptor, FlightInfo, HandshakeRequest, HandshakeResponse, Ticket,
};
use futures::{Stream, StreamExt, TryStreamExt};
use kiln_core::flight::FlightClients;
use prost::Message;
use tonic::{Request, Response, Status, Streaming};

use crate::scheduler::Scheduler;

/// The coordinator's Flight SQL service.
pub(crate) struct FlightSqlApi {
    scheduler: Arc<Scheduler>,
    /// Connections to executors, made with the members' token.
    executors: Arc<FlightClients>,
    bindings: Mutex<statements::Bindings>,
}

impl FlightSqlApi {
    /// Serves the statements and results of `scheduler`'s jobs, fetching results from
    /// executors through `executors`.
    pub(crate) fn new(scheduler: Arc<Scheduler>, executors: Arc<FlightClients>) -> Self {
        Self {
            scheduler,
            executors,
            bindings: Mutex::default(),
        }
    }

    /// Runs `sql` and says where its result is.
    async fn statement_info(
        &self,
        sql: String,
        descriptor: FlightDescriptor,
    ) -> Result<Response<FlightInfo>, Status> {
        let status = statements::run(&self.scheduler, sql).await?;
        Ok(Response::new(statements::flight_info(&status, descriptor)?))
    }

    /// Runs `sql` (an `INSERT`) and counts the rows it wrote.
    async fn update(&self, sql: String) -> Result<i64, Status> {
        let status = statements::run(&self.scheduler, sql).await?;
        let ticket = kiln_proto::v1::ResultTicket {
            job_id: status.job_id.clone(),
            partition: None,
        };
        let messages = results::stream(&self.scheduler, &self.executors, ticket).await?;
        let what = format!("job {}'s row counts", status.job_id);
        let batches = kiln_core::flight::decode_messages(messages.map_err(FlightError::from), what);
        let mut batches = std::pin::pin!(batches);
        let mut rows = 0u64;
        while let Some(batch) = batches
            .try_next()
            .await
            .map_err(|e| Status::internal(e.to_string()))?
        {
            rows += counts(&batch)?;
        }
        Ok(i64::try_from(rows).unwrap_or(i64::MAX))
    }
}

/// The rows a batch of a sink job's result says were written.
fn counts(batch: &RecordBatch) -> Result<u64, Status> {
    let counts = batch
        .column_by_name("count")
        .and_then(|c| c.as_primitive_opt::<UInt64Type>())
        .ok_or_else(|| {
            Status::invalid_argument(
                "the statement wrote nothing: run queries with a query call, not an update",
            )
        })?;
    Ok(counts.iter().flatten().sum())
}

type Answer = Pin<Box<dyn Stream<Item = Result<arrow_flight::FlightData, Status>> + Send>>;

#[tonic::async_trait]
impl FlightSqlService for FlightSqlApi {
    type FlightService = FlightSqlApi;

    /// Hands back the token the call carried (a basic-auth password becomes it on the way
    /// in), as the bearer token of later calls.
    async fn do_handshake(
        &self,
        request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<
        Response<Pin<Box<dyn Stream<Item = Result<HandshakeResponse, Status>> + Send>>>,
        Status,
    > {
        let authorization = request.metadata().get("authorization").cloned();
        let answer = HandshakeResponse {
            protocol_version: 0,
            payload: Default::default(),
        };
        let stream = futures::stream::once(async { Ok(answer) }).boxed();
        let mut response = Response::new(stream as _);
        if let Some(authorization) = authorization {
            response
                .metadata_mut()
                .insert("authorization", authorization);
        }
        Ok(response)
    }

    async fn get_flight_info_statement(
        &self,
        query: CommandStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        self.statement_info(query.query, request.into_inner()).await
    }

    async fn do_get_statement(
        &self,
        ticket: TicketStatementQuery,
        _request: Request<Ticket>,
    ) -> Result<Response<<Self as FlightService>::DoGetStream>, Status> {
        let ticket = results::decode_ticket(&ticket.statement_handle)?;
        let stream = results::stream(&self.scheduler, &self.executors, ticket).await?;
        Ok(Response::new(stream))
    }

    async fn do_put_statement_update(
        &self,
        command: CommandStatementUpdate,
        _request: Request<PeekableFlightDataStream>,
    ) -> Result<i64, Status> {
        self.update(command.query).await
    }

    async fn do_action_create_prepared_statement(
        &self,
        query: ActionCreatePreparedStatementRequest,
        _request: Request<Action>,
    ) -> Result<ActionCreatePreparedStatementResult, Status> {
        // A statement without placeholders is planned now, so its errors and its result's
        // schema come at once; one with placeholders is planned when it runs.
        let dataset_schema = if statements::has_placeholders(&query.query)? {
            vec![]
        } else {
            let spec = statements::job(query.query.clone());
            let schema = self.scheduler.result_schema(&spec).await?;
            statements::schema_message(&schema)?
        };
        Ok(ActionCreatePreparedStatementResult {
            prepared_statement_handle: statements::prepare(query.query).into(),
            dataset_schema: dataset_schema.into(),
            parameter_schema: statements::schema_message(&Schema::empty())?.into(),
        })
    }

    async fn do_put_prepared_statement_query(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<PeekableFlightDataStream>,
    ) -> Result<DoPutPreparedStatementResult, Status> {
        let statement = statements::decode(&query.prepared_statement_handle)?;
        let parameters = request.into_inner().map_err(FlightError::from);
        let batches: Vec<RecordBatch> = FlightRecordBatchStream::new_from_flight_data(parameters)
            .try_collect()
            .await
            .map_err(|e| Status::invalid_argument(format!("reading the parameters: {e}")))?;
        let bound = statements::bind(statement, &batches)?;
        self.bindings
            .lock()
            .expect("bindings lock")
            .remember(&bound);
        Ok(DoPutPreparedStatementResult {
            prepared_statement_handle: Some(bound.encode_to_vec().into()),
        })
    }

    async fn get_flight_info_prepared_statement(
        &self,
        query: CommandPreparedStatementQuery,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        let statement = statements::decode(&query.prepared_statement_handle)?;
        let statement = self
            .bindings
            .lock()
            .expect("bindings lock")
            .complete(statement);
        let sql = statements::bound_sql(&statement)?;
        self.statement_info(sql, request.into_inner()).await
    }

    async fn do_action_close_prepared_statement(
        &self,
        query: ActionClosePreparedStatementRequest,
        _request: Request<Action>,
    ) -> Result<(), Status> {
        // The handle holds the statement; only a binding may be remembered.
        let statement = statements::decode(&query.prepared_statement_handle)?;
        self.bindings
            .lock()
            .expect("bindings lock")
            .forget(&statement.id);
        Ok(())
    }

    async fn get_flight_info_catalogs(
        &self,
        query: CommandGetCatalogs,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        Ok(Response::new(metadata::flight_info(
            &query,
            request.into_inner(),
        )?))
    }

    async fn do_get_catalogs(
        &self,
        query: CommandGetCatalogs,
        _request: Request<Ticket>,
    ) -> Result<Response<Answer>, Status> {
        Ok(Response::new(metadata::answer(metadata::catalogs(query))))
    }

    async fn get_flight_info_schemas(
        &self,
        query: CommandGetDbSchemas,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        Ok(Response::new(metadata::flight_info(
            &query,
            request.into_inner(),
        )?))
    }

    async fn do_get_schemas(
        &self,
        query: CommandGetDbSchemas,
        _request: Request<Ticket>,
    ) -> Result<Response<Answer>, Status> {
        let batch = metadata::schemas(&self.scheduler, query).await?;
        Ok(Response::new(metadata::answer(batch)))
    }

    async fn get_flight_info_tables(
        &self,
        query: CommandGetTables,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        Ok(Response::new(metadata::flight_info(
            &query,
            request.into_inner(),
        )?))
    }

    async fn do_get_tables(
        &self,
        query: CommandGetTables,
        _request: Request<Ticket>,
    ) -> Result<Response<Answer>, Status> {
        let batch = metadata::tables(&self.scheduler, query).await?;
        Ok(Response::new(metadata::answer(batch)))
    }

    async fn get_flight_info_table_types(
        &self,
        query: CommandGetTableTypes,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        Ok(Response::new(metadata::flight_info(
            &query,
            request.into_inner(),
        )?))
    }

    async fn do_get_table_types(
        &self,
        query: CommandGetTableTypes,
        _request: Request<Ticket>,
    ) -> Result<Response<Answer>, Status> {
        Ok(Response::new(metadata::answer(metadata::table_types(
            query,
        ))))
    }

    async fn get_flight_info_sql_info(
        &self,
        query: CommandGetSqlInfo,
        request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        Ok(Response::new(metadata::flight_info(
            &query,
            request.into_inner(),
        )?))
    }

    async fn do_get_sql_info(
        &self,
        query: CommandGetSqlInfo,
        _request: Request<Ticket>,
    ) -> Result<Response<Answer>, Status> {
        Ok(Response::new(metadata::answer(metadata::sql_info(query))))
    }

    async fn register_sql_info(&self, _id: i32, _result: &SqlInfo) {}
}
