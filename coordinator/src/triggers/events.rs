//! Reading S3 object-created notifications as S3 and MinIO send them (`Records[]`), wrapped
//! by SNS (`Type: Notification`, the records in `Message`), or as EventBridge's
//! `Object Created` events.

use percent_encoding::percent_decode_str;
use serde_json::Value;

/// One created object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedObject {
    pub bucket: String,
    pub key: String,
    pub etag: String,
    pub sequencer: String,
}

/// What a request body holds: created objects, and how many records were of another kind
/// (deletions, the S3 test event), which start nothing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Notification {
    pub created: Vec<CreatedObject>,
    pub ignored: usize,
}

/// Reads a notification body; the error says what is missing or malformed, and where.
pub fn parse(body: &[u8]) -> Result<Notification, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let mut notification = Notification::default();
    read(&value, &mut notification, 0)?;
    Ok(notification)
}

fn read(value: &Value, into: &mut Notification, depth: usize) -> Result<(), String> {
    if depth > 2 {
        return Err("notifications nested too deep".into());
    }
    if let Some(records) = value.get("Records") {
        let records = records
            .as_array()
            .ok_or("'Records' is not an array of event records")?;
        for (i, record) in records.iter().enumerate() {
            read_record(record, into).map_err(|e| format!("Records[{i}]: {e}"))?;
        }
        return Ok(());
    }
    match value.get("Type").and_then(Value::as_str) {
        Some("Notification") => {
            let message = value
                .get("Message")
                .and_then(Value::as_str)
                .ok_or("an SNS notification without a 'Message' string")?;
            let inner: Value = serde_json::from_str(message)
                .map_err(|e| format!("the SNS 'Message' is not JSON: {e}"))?;
            return read(&inner, into, depth + 1);
        }
        Some("SubscriptionConfirmation") => {
            return Err(
                "an SNS subscription confirmation: confirm it by opening its SubscribeURL; \
                 Kiln does not follow it"
                    .into(),
            );
        }
        _ => {}
    }
    if value.get("source").and_then(Value::as_str) == Some("aws.s3") {
        if value.get("detail-type").and_then(Value::as_str) != Some("Object Created") {
            into.ignored += 1;
            return Ok(());
        }
        let detail = value
            .get("detail")
            .ok_or("an EventBridge event without 'detail'")?;
        into.created.push(CreatedObject {
            bucket: text(detail, &["bucket", "name"])?,
            // EventBridge gives keys as they are.
            key: text(detail, &["object", "key"])?,
            etag: text(detail, &["object", "etag"]).unwrap_or_default(),
            sequencer: text(detail, &["object", "sequencer"]).unwrap_or_default(),
        });
        return Ok(());
    }
    if value.get("Event").and_then(Value::as_str) == Some("s3:TestEvent") {
        into.ignored += 1;
        return Ok(());
    }
    Err(
        "not an S3 event notification: expected 'Records', an SNS notification or an \
         EventBridge event from aws.s3"
            .into(),
    )
}

fn read_record(record: &Value, into: &mut Notification) -> Result<(), String> {
    let name = record
        .get("eventName")
        .and_then(Value::as_str)
        .ok_or("no 'eventName'")?;
    // s3:ObjectCreated:Put from MinIO, ObjectCreated:Put from S3.
    if !name.trim_start_matches("s3:").starts_with("ObjectCreated:") {
        into.ignored += 1;
        return Ok(());
    }
    let s3 = record.get("s3").ok_or("no 's3' object")?;
    let encoded = text(s3, &["object", "key"])?;
    into.created.push(CreatedObject {
        bucket: text(s3, &["bucket", "name"])?,
        key: decode_key(&encoded)?,
        etag: text(s3, &["object", "eTag"]).unwrap_or_default(),
        sequencer: text(s3, &["object", "sequencer"]).unwrap_or_default(),
    });
    Ok(())
}

/// S3 notifications URL-encode keys, spaces as `+`.
fn decode_key(encoded: &str) -> Result<String, String> {
    let spaced = encoded.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .map(|key| key.into_owned())
        .map_err(|_| format!("the key '{encoded}' is not URL-encoded UTF-8"))
}

fn text(value: &Value, path: &[&str]) -> Result<String, String> {
    let mut at = value;
    for field in path {
        at = at
            .get(field)
            .ok_or_else(|| format!("no '{}'", path.join(".")))?;
    }
    at.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("'{}' is not a string", path.join(".")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test event of the seed, in the shape S3 sends.
    const S3_PUT: &str = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3",
        "awsRegion":"us-east-1","eventTime":"2019-09-03T19:37:27.192Z",
        "eventName":"ObjectCreated:Put",
        "s3":{"s3SchemaVersion":"1.0","configurationId":"new-taxi-files",
        "bucket":{"name":"taxi-lake","arn":"arn:aws:s3:::taxi-lake"},
        "object":{"key":"raw/dt%3D2024-01-01/it%27s+here/%C3%BC.csv","size":1305107,
        "eTag":"b21b84d653bb07b05b1e6b33684dc11b","sequencer":"0C0F6F405D6ED209E1"}}}]}"#;

    #[test]
    fn an_s3_record_gives_its_decoded_key() {
        let parsed = parse(S3_PUT.as_bytes()).unwrap();
        assert_eq!(
            parsed.created,
            vec![CreatedObject {
                bucket: "taxi-lake".into(),
                key: "raw/dt=2024-01-01/it's here/ü.csv".into(),
                etag: "b21b84d653bb07b05b1e6b33684dc11b".into(),
                sequencer: "0C0F6F405D6ED209E1".into(),
            }]
        );
    }

    #[test]
    fn sns_and_eventbridge_wrappings_and_other_events() {
        let sns = serde_json::json!({"Type": "Notification", "Message": S3_PUT}).to_string();
        assert_eq!(parse(sns.as_bytes()).unwrap().created.len(), 1);
        let bridge = r#"{"source":"aws.s3","detail-type":"Object Created","detail":{
            "bucket":{"name":"b"},"object":{"key":"a b.csv","etag":"e","sequencer":"s"}}}"#;
        let parsed = parse(bridge.as_bytes()).unwrap();
        assert_eq!(parsed.created[0].key, "a b.csv");
        let deleted = r#"{"Records":[{"eventName":"ObjectRemoved:Delete","s3":{}}]}"#;
        assert_eq!(parse(deleted.as_bytes()).unwrap().ignored, 1);
        let test = r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}"#;
        assert_eq!(parse(test.as_bytes()).unwrap().ignored, 1);
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong_and_where() {
        assert!(parse(b"not json").unwrap_err().contains("not JSON"));
        let no_key = r#"{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{}}}]}"#;
        let error = parse(no_key.as_bytes()).unwrap_err();
        assert!(
            error.contains("Records[0]") && error.contains("object.key"),
            "{error}"
        );
        assert!(
            parse(b"{\"hello\": 1}")
                .unwrap_err()
                .contains("not an S3 event")
        );
    }
}
