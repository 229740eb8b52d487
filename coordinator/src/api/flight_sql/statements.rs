//! Flight SQL statements as Kiln jobs: each statement (a query over the catalog, an
//! `INSERT INTO` load) is submitted as a distributed job, visible in the CLI and UI like any
//! other, and answered once it ends with the places its result can be read.
//!
//! Prepared statements keep no state on the server: the handle carries the SQL and, once
//! parameters are bound, their values, so any coordinator (a new leader too) can run it.
//! Parameters replace the placeholders (`?` in order, or `$1`, `$2`) in the parsed statement
//! as literals, so a value can never change what the statement does.

use std::collections::{HashMap, VecDeque};
use std::ops::ControlFlow;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::Schema;
use arrow::ipc::reader::StreamReader;
use arrow::ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow_flight::sql::{ProstMessageExt, TicketStatementQuery};
use arrow_flight::{FlightDescriptor, FlightEndpoint, FlightInfo, IpcMessage, SchemaAsIpc, Ticket};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::lit;
use datafusion::sql::sqlparser::ast::{Expr as SqlExpr, Value, visit_expressions_mut};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::unparser::Unparser;
use kiln_proto::v1 as pb;
use prost::Message;
use tonic::Status;

use crate::api::is_final;
use crate::scheduler::Scheduler;

/// The label that marks a job as a Flight SQL statement.
const CLIENT_LABEL: (&str, &str) = ("client", "flight-sql");

/// The job that runs `sql`.
pub(super) fn job(sql: String) -> pb::JobSpec {
    pb::JobSpec {
        name: "flight-sql".into(),
        labels: [(CLIENT_LABEL.0.to_string(), CLIENT_LABEL.1.to_string())].into(),
        steps: vec![pb::StepSpec {
            name: "statement".into(),
            sql,
        }],
        ..Default::default()
    }
}

/// Runs `sql` as a job to its end; a job that did not succeed is an error carrying its own.
pub(super) async fn run(scheduler: &Arc<Scheduler>, sql: String) -> Result<pb::JobStatus, Status> {
    let job_id = scheduler.submit(job(sql), String::new()).await?;
    let mut changes = scheduler.subscribe(&job_id).await?;
    loop {
        changes.mark_unchanged();
        let status = scheduler.current_status(&job_id)?;
        if is_final(&status) {
            if status.state == pb::JobState::Succeeded as i32 {
                return Ok(status);
            }
            let state = pb::JobState::try_from(status.state)
                .map(|s| s.as_str_name())
                .unwrap_or("UNKNOWN");
            return Err(Status::aborted(format!(
                "job {job_id} ended {state}: {}",
                status.error
            )));
        }
        if changes.changed().await.is_err() {
            return Err(Status::unavailable(format!(
                "this coordinator stopped leading while job {job_id} ran; it goes on under \
                 the new leader (see `kiln get {job_id}`)"
            )));
        }
    }
}

/// Where a succeeded job's result is read: a statement ticket on this coordinator.
pub(super) fn flight_info(
    status: &pb::JobStatus,
    descriptor: FlightDescriptor,
) -> Result<FlightInfo, Status> {
    let result = status.result.clone().unwrap_or_default();
    let schema = kiln_core::codec::decode_schema(&result.schema)
        .map_err(|e| Status::internal(format!("job {}'s result schema: {e}", status.job_id)))?;
    let info = FlightInfo::new()
        .try_with_schema(&schema)
        .map_err(|e| Status::internal(e.to_string()))?
        .with_descriptor(descriptor)
        .with_total_records(i64::try_from(result.rows).unwrap_or(i64::MAX));
    // One endpoint for the whole result: simple clients read only the first.
    let handle = pb::ResultTicket {
        job_id: status.job_id.clone(),
        partition: None,
    };
    let ticket = TicketStatementQuery {
        statement_handle: handle.encode_to_vec().into(),
    };
    let endpoint = FlightEndpoint::new().with_ticket(Ticket::new(ticket.as_any().encode_to_vec()));
    Ok(info.with_endpoint(endpoint))
}

/// The handle of a new prepared statement of `sql`, with no parameters bound.
pub(super) fn prepare(sql: String) -> Vec<u8> {
    pb::PreparedStatement {
        id: uuid::Uuid::new_v4().to_string(),
        sql,
        parameters: vec![],
    }
    .encode_to_vec()
}

/// How many bindings a coordinator remembers for clients that need it to.
const MAX_BINDINGS: usize = 4096;

/// Parameters bound to prepared statements, for clients that run the handle they prepared
/// rather than the one binding returned (flightsql-dbapi does). Only the coordinator that
/// bound them knows them, at most [`MAX_BINDINGS`], the oldest forgotten first; clients that
/// run the returned handle need none of this.
#[derive(Debug, Default)]
pub(super) struct Bindings {
    by_id: HashMap<String, Vec<u8>>,
    order: VecDeque<String>,
}

impl Bindings {
    /// Remembers the parameters of bound `handle`.
    pub(super) fn remember(&mut self, handle: &pb::PreparedStatement) {
        if self
            .by_id
            .insert(handle.id.clone(), handle.parameters.clone())
            .is_none()
        {
            self.order.push_back(handle.id.clone());
        }
        while self.order.len() > MAX_BINDINGS {
            if let Some(oldest) = self.order.pop_front() {
                self.by_id.remove(&oldest);
            }
        }
    }

    /// `handle` with the parameters last bound to it, when it carries none itself.
    pub(super) fn complete(&self, mut handle: pb::PreparedStatement) -> pb::PreparedStatement {
        if handle.parameters.is_empty()
            && let Some(parameters) = self.by_id.get(&handle.id)
        {
            handle.parameters = parameters.clone();
        }
        handle
    }

    /// Forgets the statement `id` (it was closed).
    pub(super) fn forget(&mut self, id: &str) {
        if self.by_id.remove(id).is_some() {
            self.order.retain(|known| known != id);
        }
    }
}

/// Whether `sql` has placeholders for parameters.
pub(super) fn has_placeholders(sql: &str) -> Result<bool, Status> {
    let mut found = false;
    for mut statement in parse(sql)? {
        let _ = visit_expressions_mut(&mut statement, |expr| {
            found |= matches!(expr, SqlExpr::Value(v) if matches!(v.value, Value::Placeholder(_)));
            ControlFlow::<()>::Continue(())
        });
    }
    Ok(found)
}

/// The IPC schema message of `schema`, as prepared-statement results carry it.
pub(super) fn schema_message(schema: &Schema) -> Result<Vec<u8>, Status> {
    let message = IpcMessage::try_from(SchemaAsIpc::new(schema, &IpcWriteOptions::default()))
        .map_err(|e| Status::internal(e.to_string()))?;
    Ok(message.0.to_vec())
}

/// A prepared statement's handle, decoded.
pub(super) fn decode(handle: &[u8]) -> Result<pb::PreparedStatement, Status> {
    pb::PreparedStatement::decode(handle).map_err(|e| {
        Status::invalid_argument(format!(
            "a Kiln prepared statement handle is a kiln.v1.PreparedStatement: {e}"
        ))
    })
}

/// `statement` with `batches` (one row of parameter values) bound.
pub(super) fn bind(
    mut statement: pb::PreparedStatement,
    batches: &[RecordBatch],
) -> Result<pb::PreparedStatement, Status> {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    if rows != 1 {
        return Err(Status::invalid_argument(format!(
            "bind one row of parameter values per execution; {rows} rows were sent"
        )));
    }
    let batch = batches
        .iter()
        .find(|b| b.num_rows() == 1)
        .expect("one batch holds the row");
    let mut ipc = vec![];
    let mut writer = StreamWriter::try_new(&mut ipc, &batch.schema())
        .and_then(|mut w| w.write(batch).map(|()| w))
        .map_err(|e| Status::internal(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| Status::internal(e.to_string()))?;
    drop(writer);
    statement.parameters = ipc;
    Ok(statement)
}

/// The SQL a prepared statement runs: its text with its bound parameters in place.
pub(super) fn bound_sql(statement: &pb::PreparedStatement) -> Result<String, Status> {
    if statement.parameters.is_empty() {
        return Ok(statement.sql.clone());
    }
    let values = parameter_values(&statement.parameters)?;
    let mut statements = parse(&statement.sql)?;
    let mut next = 0;
    let mut failure = None;
    for statement in &mut statements {
        let _ = visit_expressions_mut(statement, |expr| {
            let SqlExpr::Value(value) = expr else {
                return ControlFlow::Continue(());
            };
            let Value::Placeholder(name) = &value.value else {
                return ControlFlow::Continue(());
            };
            let index = match name.strip_prefix('$').map(str::parse::<usize>) {
                Some(Ok(n)) if n >= 1 => n - 1,
                Some(_) => {
                    failure = Some(format!("placeholder {name} is not $1, $2, ..."));
                    return ControlFlow::Break(());
                }
                None => {
                    next += 1;
                    next - 1
                }
            };
            match values.get(index) {
                Some(literal) => {
                    *expr = literal.clone();
                    ControlFlow::Continue(())
                }
                None => {
                    failure = Some(format!(
                        "placeholder {name} has no value: {} parameters were bound",
                        values.len()
                    ));
                    ControlFlow::Break(())
                }
            }
        });
    }
    if let Some(failure) = failure {
        return Err(Status::invalid_argument(failure));
    }
    Ok(statements
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; "))
}

/// The bound parameter values as SQL literals, in column order.
fn parameter_values(ipc: &[u8]) -> Result<Vec<SqlExpr>, Status> {
    let bad = |e: &dyn std::fmt::Display| {
        Status::invalid_argument(format!("the bound parameters are damaged: {e}"))
    };
    let mut reader = StreamReader::try_new(ipc, None).map_err(|e| bad(&e))?;
    let batch = reader
        .next()
        .ok_or_else(|| bad(&"no row"))?
        .map_err(|e| bad(&e))?;
    let unparser = Unparser::default();
    batch
        .columns()
        .iter()
        .zip(batch.schema().fields())
        .map(|(column, field)| {
            let mut value = ScalarValue::try_from_array(column, 0).map_err(|e| bad(&e))?;
            // Clients that bind values of any type send a union (flightsql-dbapi does).
            while let ScalarValue::Union(inner, _, _) = value {
                value = inner.map_or(ScalarValue::Null, |(_, inner)| *inner);
            }
            unparser.expr_to_sql(&lit(value)).map_err(|e| {
                Status::invalid_argument(format!(
                    "parameter '{}' of type {} cannot be a SQL literal: {e}",
                    field.name(),
                    field.data_type()
                ))
            })
        })
        .collect()
}

fn parse(sql: &str) -> Result<Vec<datafusion::sql::sqlparser::ast::Statement>, Status> {
    Parser::parse_sql(&GenericDialect {}, sql)
        .map_err(|e| Status::invalid_argument(format!("the statement does not parse: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::Field;

    fn bound(sql: &str, columns: Vec<(&str, arrow::array::ArrayRef)>) -> Result<String, Status> {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(name, array)| Field::new(*name, array.data_type().clone(), true))
            .collect();
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(fields)),
            columns.into_iter().map(|(_, array)| array).collect(),
        )
        .unwrap();
        let handle = bind(decode(&prepare(sql.into())).unwrap(), &[batch])?;
        bound_sql(&decode(&handle.encode_to_vec()).unwrap())
    }

    #[test]
    fn parameters_become_literals_in_the_parsed_statement() {
        let sql = bound(
            "SELECT * FROM db.t WHERE id = ? AND name = ?",
            vec![
                ("a", Arc::new(Int64Array::from(vec![7]))),
                ("b", Arc::new(StringArray::from(vec!["x' OR '1'='1"]))),
            ],
        )
        .unwrap();
        assert_eq!(
            sql,
            "SELECT * FROM db.t WHERE id = 7 AND name = 'x'' OR ''1''=''1'"
        );
        let numbered = bound(
            "SELECT $2 + $1",
            vec![
                ("a", Arc::new(Int64Array::from(vec![1]))),
                ("b", Arc::new(Int64Array::from(vec![2]))),
            ],
        )
        .unwrap();
        assert_eq!(numbered, "SELECT 2 + 1");
    }

    #[test]
    fn missing_or_extra_parameters_are_refused() {
        let missing = bound(
            "SELECT ?, ?",
            vec![("a", Arc::new(Int64Array::from(vec![1])))],
        )
        .unwrap_err();
        assert!(missing.message().contains("has no value"), "{missing}");
        let two_rows = bound(
            "SELECT ?",
            vec![("a", Arc::new(Int64Array::from(vec![1, 2])))],
        )
        .unwrap_err();
        assert!(two_rows.message().contains("one row"), "{two_rows}");
        assert!(has_placeholders("SELECT * FROM t WHERE x = $1").unwrap());
        assert!(!has_placeholders("SELECT '?' AS q").unwrap());
    }

    #[test]
    fn a_binding_is_found_by_the_handle_that_was_prepared() {
        let prepared = decode(&prepare("SELECT ?".into())).unwrap();
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(
                "a",
                arrow::datatypes::DataType::Int64,
                true,
            )])),
            vec![Arc::new(Int64Array::from(vec![5]))],
        )
        .unwrap();
        let bound = bind(prepared.clone(), &[batch]).unwrap();
        let mut bindings = Bindings::default();
        bindings.remember(&bound);
        assert_eq!(
            bound_sql(&bindings.complete(prepared.clone())).unwrap(),
            "SELECT 5"
        );
        let other = decode(&prepare("SELECT ?".into())).unwrap();
        assert!(bindings.complete(other).parameters.is_empty());
        bindings.forget(&prepared.id);
        assert!(bindings.complete(prepared).parameters.is_empty());
    }
}
