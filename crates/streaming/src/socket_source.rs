//! The `socket` source (for demos, as in Spark: not fault tolerant): lines read from a
//! TCP server as rows `value STRING` (plus `timestamp` with `includeTimestamp`). A
//! reader thread buffers lines; the offset is the number of lines received.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use arrow::array::{StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use ember_common::{Error, Result};
use ember_datasource::ReadOptions;
use ember_physical::operators::memory::MemTable;
use ember_plan::TableSource;
use serde_json::json;

use crate::source::{Offset, ReadLimit, Source};

/// `value STRING` (and `timestamp TIMESTAMP` with `includeTimestamp`).
pub fn socket_schema(include_timestamp: bool, time_zone: &str) -> SchemaRef {
    let mut fields = vec![Field::new("value", DataType::Utf8, true)];
    if include_timestamp {
        fields.push(Field::new("timestamp", DataType::Timestamp(TimeUnit::Microsecond, Some(time_zone.into())), true));
    }
    Arc::new(Schema::new(fields))
}

type Lines = Arc<Mutex<Vec<(String, i64)>>>;

/// Lines from `host:port`.
#[derive(Debug)]
pub struct SocketSource {
    schema: SchemaRef,
    address: String,
    lines: Lines,
    stopped: Arc<AtomicBool>,
}

impl SocketSource {
    /// Connects now (as Spark does when the query starts).
    pub fn try_new(options: &ReadOptions, time_zone: &str) -> Result<Self> {
        let host = options.get("host").ok_or_else(|| Error::invalid_argument("Set a host to read from with option(\"host\", ...)."))?;
        let port = options.get("port").ok_or_else(|| Error::invalid_argument("Set a port to read from with option(\"port\", ...)."))?;
        let include_timestamp = options.get_bool("includetimestamp", false)?;
        let address = format!("{host}:{}", port.trim());
        let stream = TcpStream::connect(&address).map_err(|e| Error::invalid_argument(format!("Cannot connect to socket {address}: {e}")))?;
        let lines: Lines = Arc::default();
        let stopped = Arc::new(AtomicBool::new(false));
        let (buf, stop) = (lines.clone(), stopped.clone());
        std::thread::Builder::new()
            .name(format!("socket-source-{address}"))
            .spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_micros() as i64).unwrap_or(0);
                    if let Ok(mut b) = buf.lock() {
                        b.push((line, now));
                    }
                }
            })
            .map_err(|e| Error::internal(format!("cannot start the socket reader: {e}")))?;
        Ok(SocketSource { schema: socket_schema(include_timestamp, time_zone), address, lines, stopped })
    }
}

impl Source for SocketSource {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn describe(&self) -> String {
        format!("TextSocketV2[host: {}]", self.address)
    }

    fn latest_offset(&self, start: Option<&Offset>, _limit: ReadLimit) -> Result<Option<Offset>> {
        let n = self.lines.lock().map_err(|_| Error::internal("socket buffer poisoned"))?.len() as i64;
        let start = start.and_then(|o| o.as_i64()).unwrap_or(0);
        Ok((n > start).then(|| Offset(json!(n))))
    }

    fn get_batch(&self, start: Option<&Offset>, end: &Offset) -> Result<Arc<dyn TableSource>> {
        let from = start.and_then(|o| o.as_i64()).unwrap_or(0).max(0) as usize;
        let to = end.as_i64().unwrap_or(0).max(0) as usize;
        let lines = self.lines.lock().map_err(|_| Error::internal("socket buffer poisoned"))?;
        let slice = lines.get(from..to.min(lines.len())).unwrap_or(&[]);
        let mut cols: Vec<arrow::array::ArrayRef> = vec![Arc::new(StringArray::from_iter_values(slice.iter().map(|(l, _)| l.as_str())))];
        if self.schema.fields().len() == 2 {
            let tz = match self.schema.field(1).data_type() {
                DataType::Timestamp(_, tz) => tz.clone(),
                _ => None,
            };
            cols.push(Arc::new(TimestampMicrosecondArray::from_iter_values(slice.iter().map(|(_, t)| *t)).with_timezone_opt(tz)));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), cols)?;
        Ok(Arc::new(MemTable::try_new(self.schema.clone(), vec![vec![batch]])?))
    }

    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
    }
}
