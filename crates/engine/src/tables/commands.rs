//! Running the table statements: CREATE TABLE [AS SELECT], INSERT INTO/OVERWRITE
//! (static and dynamic partitions, Spark's ANSI store assignment), DROP TABLE,
//! SHOW CREATE TABLE and the rows of DESCRIBE [EXTENDED] for tables.

use std::path::Path;

use arrow::datatypes::DataType;
use ember_common::types::{catalog_string, field_catalog_string, sql_type_name};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{
    CreateTable, Expr, InsertInto, LogicalPlan, LogicalPlanBuilder, PartitionValue, ScalarValue,
};

use super::metadata::{self, TableMeta};
use crate::session::Session;
use crate::writer::committer::{self, CommitKind};
use crate::writer::file_sinks::WriteFormat;
use crate::writer::partition_dirs::{escape_path_name, DEFAULT_PARTITION_NAME};
use crate::writer::write_job::{run_write_job, WriteRequest};

fn qualified(name: &str) -> String {
    format!("spark_catalog.default.{name}")
}

fn quoted(name: &str) -> String {
    qualified(name)
        .split('.')
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(".")
}

fn other(class: &str, sqlstate: &str, message: String) -> Error {
    Error::new(ErrorKind::Other {
        class: class.into(),
        sqlstate: Some(sqlstate.into()),
        message,
    })
}

/// True if `dir` exists and holds anything visible to readers.
fn non_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|es| {
            es.flatten()
                .any(|e| !e.file_name().to_string_lossy().starts_with(['_', '.']))
        })
        .unwrap_or(false)
}

/// Column name and Spark type string, in table order.
type Columns = Vec<(String, String)>;

/// Partition columns moved last, names matched case-insensitively.
fn order_columns(
    columns: Vec<(String, String)>,
    partition_by: &[String],
    table: &str,
) -> Result<(Columns, Vec<String>)> {
    let mut parts = Vec::new();
    for p in partition_by {
        let Some(c) = columns.iter().find(|(n, _)| n.eq_ignore_ascii_case(p)) else {
            let cols: Vec<String> = columns.iter().map(|(n, _)| n.clone()).collect();
            return Err(other(
                "COLUMN_NOT_DEFINED_IN_TABLE",
                "42703",
                format!("partition column `{p}` is not defined in table {}, defined table columns are: `{}`.", quoted(table), cols.join("`, `")),
            ));
        };
        if parts
            .iter()
            .any(|(n, _): &(String, String)| n.eq_ignore_ascii_case(p))
        {
            return Err(other("COLUMN_ALREADY_EXISTS", "42711", format!("The column `{p}` already exists. Choose another name or rename the existing column.")));
        }
        parts.push(c.clone());
    }
    if !parts.is_empty() && parts.len() == columns.len() {
        return Err(other(
            "ALL_PARTITION_COLUMNS_NOT_ALLOWED",
            "KD005",
            "Cannot use all columns for partition columns.".into(),
        ));
    }
    let names: Vec<String> = parts.iter().map(|(n, _)| n.clone()).collect();
    let mut out: Vec<_> = columns
        .into_iter()
        .filter(|(n, _)| !names.iter().any(|p| p.eq_ignore_ascii_case(n)))
        .collect();
    out.extend(parts);
    Ok((out, names))
}

fn columns_of(schema: &arrow::datatypes::Schema) -> Result<Vec<(String, String)>> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for f in schema.fields() {
        if seen.iter().any(|s| s.eq_ignore_ascii_case(f.name())) {
            return Err(other("COLUMN_ALREADY_EXISTS", "42711", format!("The column `{}` already exists. Choose another name or rename the existing column.", f.name())));
        }
        if f.data_type() == &DataType::Null {
            return Err(other(
                "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
                "0A000",
                format!(
                    "The datasource doesn't support the column `{}` of the type \"VOID\".",
                    f.name()
                ),
            ));
        }
        seen.push(f.name().clone());
        // interval columns keep their fields (`interval hour`)
        out.push((f.name().clone(), field_catalog_string(f)));
    }
    Ok(out)
}

/// `CREATE TABLE`: validates, writes the data of `AS query`, then saves the metadata.
pub fn create_table(session: &Session, mut create: CreateTable) -> Result<()> {
    // Table names are case-insensitive and stored lower-case, as Spark's session catalog does.
    create.name = create.name.to_ascii_lowercase();
    let config = session.config();
    if metadata::load(&config, &create.name)?.is_some() {
        if create.if_not_exists {
            return Ok(());
        }
        return Err(Error::new(ErrorKind::TableOrViewAlreadyExists {
            name: qualified(&create.name),
        }));
    }
    let provider = create
        .provider
        .clone()
        .unwrap_or_else(|| "parquet".to_string());
    let managed = create.location.is_none();
    let location = match &create.location {
        Some(l) => l.clone(),
        None => metadata::warehouse_dir(&config)
            .join(create.name.to_ascii_lowercase())
            .to_string_lossy()
            .to_string(),
    };
    let loc = Path::new(&location);
    if managed && non_empty_dir(loc) {
        return Err(other(
            "LOCATION_ALREADY_EXISTS",
            "42710",
            format!(
                "Cannot name the managed table as {}, as its associated location '{location}' already exists. Please pick a different table name, or remove the existing location first.",
                quoted(&create.name)
            ),
        ));
    }
    let tz = session.time_zone();
    let columns = match (&create.schema_ddl, &create.query) {
        (Some(ddl), _) => columns_of(&ember_sql::parse_ddl_schema_with_tz(ddl, &tz)?)?,
        (None, Some(q)) => columns_of(q.schema().arrow_schema())?,
        (None, None) if non_empty_dir(loc) => {
            let plan = crate::reader::read_plan(
                &create.name,
                &provider,
                &location,
                &create.options,
                None,
                None,
            )?;
            columns_of(plan.schema().arrow_schema())?
        }
        (None, None) => {
            return Err(other(
                "UNABLE_TO_INFER_SCHEMA",
                "42KD9",
                format!(
                    "Unable to infer schema for {}. It must be specified manually.",
                    provider.to_uppercase()
                ),
            ))
        }
    };
    let (columns, partition_by) = order_columns(columns, &create.partition_by, &create.name)?;
    let meta = TableMeta {
        name: create.name.clone(),
        provider,
        columns,
        partition_by,
        location: location.clone(),
        managed,
        options: create.options.clone(),
        comment: create.comment.clone(),
    };
    if let Some(query) = create.query {
        if non_empty_dir(loc) {
            return Err(other(
                "LOCATION_ALREADY_EXISTS",
                "42710",
                format!("CREATE TABLE AS SELECT cannot write into the non-empty location '{location}' of {}.", quoted(&create.name)),
            ));
        }
        // Partition columns last, as in the table's schema.
        let plan = reorder_for_table(query, &meta)?;
        write_rows(session, &meta, plan, CommitKind::Append)?;
    } else {
        std::fs::create_dir_all(loc).map_err(|e| {
            Error::invalid_argument(format!(
                "Cannot create the table location '{location}': {e}"
            ))
        })?;
    }
    metadata::save(&config, &meta)
}

/// A projection putting the query's columns in the table's order (by name, for CTAS).
fn reorder_for_table(query: LogicalPlan, meta: &TableMeta) -> Result<LogicalPlan> {
    let schema = query.schema().clone();
    let exprs = meta
        .columns
        .iter()
        .map(|(n, _)| {
            let i = schema
                .fields()
                .iter()
                .position(|f| f.name().eq_ignore_ascii_case(n))
                .ok_or_else(|| Error::internal(format!("CTAS column {n} missing")))?;
            Ok(Expr::Column(schema.field(i).column()))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(LogicalPlanBuilder::from(query).project(exprs)?.build())
}

fn write_rows(
    session: &Session,
    meta: &TableMeta,
    plan: LogicalPlan,
    commit: CommitKind,
) -> Result<()> {
    let request = WriteRequest {
        format: WriteFormat::from_name(&meta.provider)?,
        target: Path::new(&meta.location),
        partition_by: &meta.partition_by,
        options: &meta.options,
        commit,
    };
    run_write_job(session, plan, &request).map(|_| ())
}

/// Spark's ANSI store assignment: which value types may be written to a column type.
fn can_store_assign(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    let numeric = |t: &DataType| {
        matches!(
            t,
            Int8 | Int16 | Int32 | Int64 | Float32 | Float64 | Decimal128(_, _) | Decimal256(_, _)
        )
    };
    match (from, to) {
        _ if from == to => true,
        (Null, _) => true,
        (f, t) if numeric(f) && numeric(t) => true,
        (List(_) | Struct(_) | Map(_, _), Utf8) => false,
        (_, Utf8) => true,
        (Date32, Timestamp(_, _))
        | (Timestamp(_, _), Date32)
        | (Timestamp(_, _), Timestamp(_, _)) => true,
        (List(a), List(b)) => can_store_assign(a.data_type(), b.data_type()),
        (Struct(a), Struct(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b.iter())
                    .all(|(x, y)| can_store_assign(x.data_type(), y.data_type()))
        }
        _ => false,
    }
}

/// `INSERT INTO|OVERWRITE t [PARTITION (…)] query`.
pub fn insert(session: &Session, insert: InsertInto) -> Result<()> {
    let config = session.config();
    let Some(meta) = metadata::load(&config, &insert.table)? else {
        if session.has_temp_view(&insert.table) {
            return Err(other(
                "EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE",
                "42809",
                format!(
                    "'INSERT' expects a table. Please use ALTER VIEW instead. `{}` is a view.",
                    insert.table
                ),
            ));
        }
        return Err(crate::catalog::table_not_found(
            &insert.table,
            &session.table_names(),
        ));
    };
    let tz = session.time_zone();
    let schema = meta.schema(&tz)?;
    // Static partition values, by column.
    let mut statics: Vec<(usize, Option<String>)> = Vec::new();
    for (col, value) in &insert.partition {
        let Some(i) = meta
            .partition_by
            .iter()
            .position(|p| p.eq_ignore_ascii_case(col))
        else {
            return Err(other(
                "PARTITIONS_NOT_FOUND",
                "428FT",
                format!("The partition(s) `{col}` cannot be found in table {}. Verify the partition specification and table name.", quoted(&meta.name)),
            ));
        };
        if let PartitionValue::Static(v) = value {
            let col_index = schema.fields().len() - meta.partition_by.len() + i;
            statics.push((col_index, v.clone()));
        }
    }
    let targets: Vec<usize> = (0..schema.fields().len())
        .filter(|i| !statics.iter().any(|(s, _)| s == i))
        .collect();
    let query_schema = insert.query.schema().clone();
    if query_schema.len() != targets.len() {
        let reason = if query_schema.len() > targets.len() {
            ("TOO_MANY_DATA_COLUMNS", "too many data columns")
        } else {
            ("NOT_ENOUGH_DATA_COLUMNS", "not enough data columns")
        };
        let table_cols: Vec<String> = targets
            .iter()
            .map(|&i| format!("`{}`", schema.field(i).name()))
            .collect();
        let data_cols: Vec<String> = query_schema
            .fields()
            .iter()
            .map(|f| format!("`{}`", f.name()))
            .collect();
        return Err(other(
            &format!("INSERT_COLUMN_ARITY_MISMATCH.{}", reason.0),
            "21S01",
            format!(
                "Cannot write to {}, the reason is {}:\nTable columns: {}.\nData columns: {}.",
                quoted(&meta.name),
                reason.1,
                table_cols.join(", "),
                data_cols.join(", ")
            ),
        ));
    }
    let mut exprs: Vec<Option<Expr>> = vec![None; schema.fields().len()];
    for (q, &t) in query_schema.fields().iter().zip(&targets) {
        let target = schema.field(t);
        if !can_store_assign(q.data_type(), target.data_type()) {
            return Err(other(
                "INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_SAFELY_CAST",
                "KD000",
                format!(
                    "Cannot write incompatible data for the table {}: Cannot safely cast `{}` \"{}\" to \"{}\".",
                    quoted(&meta.name),
                    target.name(),
                    sql_type_name(q.data_type()),
                    sql_type_name(target.data_type())
                ),
            ));
        }
        let e = Expr::Column(q.column());
        let e = if q.data_type() == target.data_type() {
            e
        } else {
            e.cast_to(target.data_type().clone())
        };
        exprs[t] = Some(e.alias(target.name()));
    }
    for (i, v) in &statics {
        let f = schema.field(*i);
        exprs[*i] = Some(
            Expr::Literal(ScalarValue::Utf8(v.clone()))
                .cast_to(f.data_type().clone())
                .alias(f.name()),
        );
    }
    let exprs = exprs
        .into_iter()
        .map(|e| e.ok_or_else(|| Error::internal("unassigned insert column")))
        .collect::<Result<Vec<_>>>()?;
    let plan = LogicalPlanBuilder::from(insert.query)
        .project(exprs)?
        .build();
    let commit = if !insert.overwrite {
        CommitKind::Append
    } else if !meta.partition_by.is_empty()
        && crate::writer::dynamic_overwrite(&meta.options, &config)
    {
        CommitKind::OverwritePartitions
    } else {
        CommitKind::Overwrite(static_prefix(&meta, &insert.partition, session, &schema)?)
    };
    committer::recover(Path::new(&meta.location))?;
    write_rows(session, &meta, plan, commit)?;
    session.uncache_table_data(&meta.name);
    Ok(())
}

/// The directory INSERT OVERWRITE replaces: the leading static partition values
/// (`p1=a/`), or the whole table.
fn static_prefix(
    meta: &TableMeta,
    spec: &[(String, PartitionValue)],
    session: &Session,
    schema: &arrow::datatypes::Schema,
) -> Result<String> {
    let mut prefix = String::new();
    let mut dynamic_seen = false;
    for (i, p) in meta.partition_by.iter().enumerate() {
        let value = spec
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(p))
            .map(|(_, v)| v.clone())
            .unwrap_or(PartitionValue::Dynamic);
        match value {
            PartitionValue::Dynamic => dynamic_seen = true,
            PartitionValue::Static(_) if dynamic_seen => {
                return Err(Error::unsupported(
                    "INSERT OVERWRITE with a static partition value after a dynamic one",
                ));
            }
            PartitionValue::Static(v) => {
                let f = schema.field(schema.fields().len() - meta.partition_by.len() + i);
                let text = match v {
                    None => DEFAULT_PARTITION_NAME.to_string(),
                    Some(v) => {
                        // The directory holds the value as the column's type prints it.
                        let df = session.sql(&format!(
                            "SELECT CAST('{}' AS {})",
                            v.replace('\'', "\\'"),
                            catalog_string(f.data_type())
                        ))?;
                        let batches = df.collect()?;
                        let cell = batches.first().map(|b| {
                            crate::format::value::ValueFormatter::new(
                                crate::format::value::Style::Pretty,
                                &session.time_zone(),
                            )
                            .format(b.column(0).as_ref(), 0)
                        });
                        match cell {
                            Some(c) if !c.is_empty() && c != "NULL" => escape_path_name(&c),
                            _ => DEFAULT_PARTITION_NAME.to_string(),
                        }
                    }
                };
                prefix.push_str(&format!("{}={}/", escape_path_name(f.name()), text));
            }
        }
    }
    Ok(prefix)
}

/// `DROP TABLE`: the temporary view of that name if there is one, else the table
/// (and, for a managed table, its data).
pub fn drop_table(session: &Session, name: &str, if_exists: bool) -> Result<()> {
    if session.drop_view(name)? {
        session.uncache_table_data(name);
        return Ok(());
    }
    let config = session.config();
    match metadata::load(&config, name)? {
        Some(meta) => {
            session.uncache_table_data(&meta.name);
            metadata::remove(&config, name)?;
            if meta.managed {
                match std::fs::remove_dir_all(&meta.location) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(Error::invalid_argument(format!(
                            "Cannot delete the data of {} at '{}': {e}",
                            quoted(name),
                            meta.location
                        )))
                    }
                }
            }
            Ok(())
        }
        None if if_exists => Ok(()),
        None => Err(crate::catalog::table_not_found(
            name,
            &session.table_names(),
        )),
    }
}

fn ddl_ident(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
    {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// `SHOW CREATE TABLE`: Spark's layout (columns, USING, OPTIONS, PARTITIONED BY,
/// COMMENT, LOCATION for external tables).
pub fn show_create(meta: &TableMeta) -> String {
    let cols: Vec<String> = meta
        .columns
        .iter()
        .map(|(n, t)| format!("  {} {}", ddl_ident(n), t.to_ascii_uppercase()))
        .collect();
    let mut out = format!(
        "CREATE TABLE {} (\n{})\nUSING {}\n",
        qualified(&meta.name),
        cols.join(",\n"),
        meta.provider
    );
    if !meta.options.is_empty() {
        let opts: Vec<String> = meta
            .options
            .iter()
            .map(|(k, v)| format!("  {} = {}", sql_string(k), sql_string(v)))
            .collect();
        out.push_str(&format!("OPTIONS (\n{})\n", opts.join(",\n")));
    }
    if !meta.partition_by.is_empty() {
        out.push_str(&format!(
            "PARTITIONED BY ({})\n",
            meta.partition_by
                .iter()
                .map(|p| ddl_ident(p))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(c) = &meta.comment {
        out.push_str(&format!("COMMENT {}\n", sql_string(c)));
    }
    if !meta.managed {
        out.push_str(&format!("LOCATION {}\n", sql_string(&meta.location)));
    }
    out
}

/// Extra DESCRIBE rows of a table: partition information, and with EXTENDED the
/// detailed table information (no creation time, so output is reproducible).
pub fn describe_rows(meta: &TableMeta, extended: bool) -> Vec<(String, String, Option<String>)> {
    let mut rows = Vec::new();
    if !meta.partition_by.is_empty() {
        rows.push((
            "# Partition Information".to_string(),
            String::new(),
            Some(String::new()),
        ));
        rows.push((
            "# col_name".to_string(),
            "data_type".to_string(),
            Some("comment".to_string()),
        ));
        for p in &meta.partition_by {
            if let Some((n, t)) = meta.columns.iter().find(|(n, _)| n.eq_ignore_ascii_case(p)) {
                rows.push((n.clone(), t.clone(), None));
            }
        }
    }
    if extended {
        let mut detail = |k: &str, v: String| rows.push((k.to_string(), v, Some(String::new())));
        detail("", String::new());
        detail("# Detailed Table Information", String::new());
        detail("Catalog", "spark_catalog".into());
        detail("Database", "default".into());
        detail("Table", meta.name.clone());
        if let Some(c) = &meta.comment {
            detail("Comment", c.clone());
        }
        detail(
            "Type",
            if meta.managed { "MANAGED" } else { "EXTERNAL" }.into(),
        );
        detail("Provider", meta.provider.clone());
        detail("Location", meta.location.clone());
        if !meta.options.is_empty() {
            let opts: Vec<String> = meta
                .options
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            detail("Storage Properties", format!("[{}]", opts.join(", ")));
        }
        if !meta.partition_by.is_empty() {
            detail("Partition Provider", "Catalog".into());
        }
    }
    rows
}
