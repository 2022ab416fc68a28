//! Running the table statements: CREATE TABLE [AS SELECT], INSERT INTO/OVERWRITE
//! (static and dynamic partitions, Spark's ANSI store assignment), DROP TABLE,
//! SHOW CREATE TABLE and the rows of DESCRIBE [EXTENDED] for tables and views.

use std::path::Path;

use arrow::datatypes::DataType;
use ember_common::types::{catalog_string, field_catalog_string, sql_type_name};
use ember_common::{Error, ErrorKind, Result};
use ember_plan::{CreateTable, Expr, InsertInto, LogicalPlan, LogicalPlanBuilder, PartitionValue, QualifiedName, ScalarValue, TableName};

use super::metadata::{self, ColumnMeta, TableMeta};
use crate::catalog::names::Relation;
use crate::session::Session;
use crate::writer::committer::{self, CommitKind};
use crate::writer::file_sinks::WriteFormat;
use crate::writer::partition_dirs::escape_path_name;
use crate::writer::write_job::{run_write_job, WriteRequest};

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

/// Partition columns moved last, names matched case-insensitively.
fn order_columns(columns: Vec<ColumnMeta>, partition_by: &[String], table: &QualifiedName) -> Result<(Vec<ColumnMeta>, Vec<String>)> {
    let mut parts: Vec<ColumnMeta> = Vec::new();
    for p in partition_by {
        let Some(c) = columns.iter().find(|c| c.name.eq_ignore_ascii_case(p)) else {
            let cols: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
            return Err(Error::spark(
                "COLUMN_NOT_DEFINED_IN_TABLE",
                &[("colType", "partition"), ("colName", &format!("`{p}`")), ("tableName", &table.quoted()), ("tableCols", &format!("`{}`", cols.join("`, `")))],
            ));
        };
        if parts.iter().any(|x| x.name.eq_ignore_ascii_case(p)) {
            return Err(Error::spark("COLUMN_ALREADY_EXISTS", &[("columnName", &format!("`{p}`"))]));
        }
        parts.push(c.clone());
    }
    if !parts.is_empty() && parts.len() == columns.len() {
        return Err(Error::spark("ALL_PARTITION_COLUMNS_NOT_ALLOWED", &[]));
    }
    let names: Vec<String> = parts.iter().map(|c| c.name.clone()).collect();
    let mut out: Vec<ColumnMeta> = columns.into_iter().filter(|c| !names.iter().any(|p| p.eq_ignore_ascii_case(&c.name))).collect();
    out.extend(parts);
    Ok((out, names))
}

/// The columns of `schema` (comments from field metadata); duplicate names and the
/// VOID type are errors.
fn columns_of(schema: &arrow::datatypes::Schema) -> Result<Vec<ColumnMeta>> {
    let mut out: Vec<ColumnMeta> = Vec::new();
    for f in schema.fields() {
        if out.iter().any(|c| c.name.eq_ignore_ascii_case(f.name())) {
            return Err(Error::spark("COLUMN_ALREADY_EXISTS", &[("columnName", &format!("`{}`", f.name().to_ascii_lowercase()))]));
        }
        if f.data_type() == &DataType::Null {
            return Err(Error::spark("UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE", &[("columnName", &format!("`{}`", f.name())), ("columnType", "\"VOID\""), ("format", "Parquet")]));
        }
        // interval columns keep their fields (`interval hour`)
        out.push(ColumnMeta { name: f.name().clone(), data_type: field_catalog_string(f), comment: f.metadata().get(ember_sql::COMMENT_KEY).cloned() });
    }
    Ok(out)
}

/// `CREATE [OR REPLACE] TABLE`: validates, writes the data of `AS query`, then saves the
/// metadata.
pub fn create_table(session: &Session, create: CreateTable) -> Result<()> {
    let q = session.qualify(&create.name)?;
    let db = session.require_database(&q.database)?;
    let config = session.config();
    if let Some(existing) = metadata::load(&config, &q)? {
        if create.if_not_exists {
            return Ok(());
        }
        if !create.replace || existing.is_view() {
            return Err(Error::new(ErrorKind::TableOrViewAlreadyExists { name: q.quoted() }));
        }
        drop_table(session, &TableName::new(vec![q.database.clone(), q.table.clone()]), false)?;
    }
    let provider = create.provider.clone().unwrap_or_else(|| "parquet".to_string());
    let managed = create.location.is_none();
    let location = match &create.location {
        Some(l) => metadata::table_location(&config, &db, l),
        None => metadata::managed_location(&config, &db, &q.table),
    };
    let loc = Path::new(&location);
    if managed && non_empty_dir(loc) {
        return Err(Error::spark("LOCATION_ALREADY_EXISTS", &[("identifier", &q.quoted()), ("location", &format!("'{location}'"))]));
    }
    let tz = session.time_zone();
    let columns = match (&create.schema_ddl, &create.query) {
        (Some(ddl), _) => columns_of(&ember_sql::parse_ddl_schema_with_tz(ddl, &tz)?)?,
        (None, Some(q)) => columns_of(q.schema().arrow_schema())?,
        (None, None) if non_empty_dir(loc) => {
            let plan = crate::reader::read_plan(&q.table, &provider, &location, &create.options, None, None)?;
            columns_of(plan.schema().arrow_schema())?
        }
        (None, None) => return Err(Error::spark("UNABLE_TO_INFER_SCHEMA", &[("format", &provider.to_uppercase())])),
    };
    let (columns, partition_by) = order_columns(columns, &create.partition_by, &q)?;
    let meta = TableMeta {
        database: q.database.clone(),
        name: q.table.clone(),
        provider,
        columns,
        partition_by,
        location: location.clone(),
        managed,
        options: create.options.clone(),
        properties: create.properties.clone(),
        comment: create.comment.clone(),
        view: None,
    };
    if let Some(query) = create.query {
        if non_empty_dir(loc) {
            return Err(Error::spark(
                "_LEGACY_ERROR_TEMP_1241",
                &[("tablePath", &location.clone()), ("config", "spark.sql.legacy.allowNonEmptyLocationInCTAS")],
            ));
        }
        // Partition columns last, as in the table's schema.
        let plan = reorder_for_table(query, &meta)?;
        write_rows(session, &meta, plan, CommitKind::Append)?;
    } else {
        std::fs::create_dir_all(loc).map_err(|e| Error::invalid_argument(format!("Cannot create the table location '{location}': {e}")))?;
    }
    metadata::save(&config, &meta)
}

/// A projection putting the query's columns in the table's order (by name, for CTAS).
fn reorder_for_table(query: LogicalPlan, meta: &TableMeta) -> Result<LogicalPlan> {
    let schema = query.schema().clone();
    let exprs = meta
        .columns
        .iter()
        .map(|c| {
            let n = &c.name;
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
        options: &ember_sql::lowercase_keys(meta.options.clone()),
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
    let meta = match session.relation(&insert.table)? {
        Relation::Catalog(meta) if !meta.is_view() => meta,
        Relation::Catalog(meta) => return Err(expects_table("INSERT", &meta.qualified().quoted())),
        Relation::TempView { name, .. } | Relation::GlobalTempView { name, .. } => return Err(expects_table("INSERT", &format!("`{name}`"))),
    };
    if insert.overwrite && reads_table(&insert.query, &meta) {
        return Err(Error::spark("UNSUPPORTED_OVERWRITE.TABLE", &[("table", &meta.qualified().quoted())]));
    }
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
            return Err(Error::spark("PARTITIONS_NOT_FOUND", &[("partitionList", &format!("`{col}`")), ("tableName", &meta.qualified().quoted())]));
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
        if !statics.is_empty() {
            // Spark names the condition after the static partition values.
            let all: Vec<String> = schema.fields().iter().map(|f| format!("`{}`", f.name())).collect();
            let static_cols: Vec<String> = statics.iter().map(|(i, _)| format!("`{}`", schema.field(*i).name())).collect();
            return Err(Error::spark(
                "INSERT_PARTITION_COLUMN_ARITY_MISMATCH",
                &[
                    ("tableName", &meta.qualified().quoted()),
                    ("reason", reason.1),
                    ("tableColumns", &all.join(", ")),
                    ("staticPartCols", &static_cols.join(", ")),
                    ("dataColumns", &data_cols.join(", ")),
                ],
            ));
        }
        return Err(other(
            &format!("INSERT_COLUMN_ARITY_MISMATCH.{}", reason.0),
            "21S01",
            format!(
                "Cannot write to {}, the reason is {}:\nTable columns: {}.\nData columns: {}.",
                meta.qualified().quoted(),
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
                    meta.qualified().quoted(),
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
        && crate::writer::dynamic_overwrite(&ember_sql::lowercase_keys(meta.options.clone()), &config)
    {
        CommitKind::OverwritePartitions
    } else {
        CommitKind::Overwrite(static_prefix(&meta, &insert.partition, session, &schema)?)
    };
    committer::recover(Path::new(&meta.location))?;
    write_rows(session, &meta, plan, commit)?;
    session.uncache_relation_key(&meta.qualified().to_string());
    Ok(())
}

fn expects_table(operation: &str, name: &str) -> Error {
    Error::spark("EXPECT_TABLE_NOT_VIEW.NO_ALTERNATIVE", &[("operation", operation), ("viewName", name)])
}

/// True if `plan` scans the data of table `meta` (INSERT OVERWRITE may not).
fn reads_table(plan: &LogicalPlan, meta: &TableMeta) -> bool {
    use ember_common::{TreeNode, TreeNodeRecursion};
    let location = std::fs::canonicalize(&meta.location).ok();
    let mut found = false;
    let _ = plan.apply(|p| {
        if let LogicalPlan::TableScan(t) = p {
            let reads = t.source.paths().iter().any(|s| {
                let c = std::fs::canonicalize(s).ok();
                c.is_some() && location.as_ref().is_some_and(|l| c.as_ref().is_some_and(|c| c.starts_with(l)))
            });
            if reads {
                found = true;
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    });
    found
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
                // The directory holds the value as the column's type prints it.
                let text = super::partitions::partition_value_text(session, v.as_deref(), &catalog_string(f.data_type()))?;
                prefix.push_str(&format!("{}={}/", escape_path_name(f.name()), text));
            }
        }
    }
    Ok(prefix)
}

/// `DROP TABLE`: the temporary view of that name if there is one, else the table or
/// view (and, for a managed table, its data).
pub fn drop_table(session: &Session, name: &TableName, if_exists: bool) -> Result<()> {
    let relation = match session.lookup_relation(name)? {
        Some(r) => r,
        None if if_exists => return Ok(()),
        None => {
            let q = session.qualify(name)?;
            return Err(Error::new(ErrorKind::TableOrViewNotFound { name: q.quoted(), suggestions: vec![] }));
        }
    };
    session.uncache_relation_key(&Session::relation_key(&relation));
    match relation {
        Relation::TempView { name, .. } => {
            session.drop_view(&name)?;
        }
        Relation::GlobalTempView { name, .. } => {
            crate::catalog::names::drop_global_temp(&name)?;
        }
        Relation::Catalog(meta) => {
            metadata::remove(&session.config(), &meta.qualified())?;
            if meta.managed && !meta.is_view() {
                match std::fs::remove_dir_all(&meta.location) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::invalid_argument(format!("Cannot delete the data of {} at '{}': {e}", meta.qualified().quoted(), meta.location))),
                }
            }
        }
    }
    Ok(())
}

fn ddl_ident(name: &str) -> String {
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !name.starts_with(|c: char| c.is_ascii_digit()) {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

fn sql_string(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A column type as SHOW CREATE TABLE prints it (strings with their collation).
fn ddl_type(t: &str) -> String {
    let upper = t.to_ascii_uppercase();
    if upper == "STRING" {
        "STRING COLLATE UTF8_BINARY".to_string()
    } else {
        upper
    }
}

fn properties_clause(props: &std::collections::BTreeMap<String, String>) -> String {
    let list: Vec<String> = props.iter().map(|(k, v)| format!("  {} = {}", sql_string(k), sql_string(v))).collect();
    format!("TBLPROPERTIES (\n{})\n", list.join(",\n"))
}

/// `SHOW CREATE TABLE`: Spark's layout (columns, USING, OPTIONS, PARTITIONED BY,
/// COMMENT, LOCATION for external tables, TBLPROPERTIES); for a view its columns,
/// comment and text.
pub fn show_create(meta: &TableMeta) -> String {
    if let Some(view) = &meta.view {
        let cols: Vec<String> = meta
            .columns
            .iter()
            .map(|c| match &c.comment {
                Some(comment) => format!("  {} COMMENT {}", ddl_ident(&c.name), sql_string(comment)),
                None => format!("  {}", ddl_ident(&c.name)),
            })
            .collect();
        let mut out = format!("CREATE VIEW {}.{} (\n{})\n", meta.database, meta.name, cols.join(",\n"));
        if let Some(c) = &meta.comment {
            out.push_str(&format!("COMMENT {}\n", sql_string(c)));
        }
        if !meta.properties.is_empty() {
            out.push_str(&properties_clause(&meta.properties));
        }
        out.push_str(&format!("WITH SCHEMA COMPENSATION\nAS {}\n", view.sql));
        return out;
    }
    let cols: Vec<String> = meta
        .columns
        .iter()
        .map(|c| {
            let comment = c.comment.as_ref().map(|x| format!(" COMMENT {}", sql_string(x))).unwrap_or_default();
            format!("  {} {}{comment}", ddl_ident(&c.name), ddl_type(&c.data_type))
        })
        .collect();
    let mut out = format!("CREATE TABLE {} (\n{})\nUSING {}\n", meta.qualified(), cols.join(",\n"), meta.provider);
    if !meta.options.is_empty() {
        let opts: Vec<String> = meta.options.iter().map(|(k, v)| format!("  {} = {}", sql_string(k), sql_string(v))).collect();
        out.push_str(&format!("OPTIONS (\n{})\n", opts.join(",\n")));
    }
    if !meta.partition_by.is_empty() {
        out.push_str(&format!("PARTITIONED BY ({})\n", meta.partition_by.iter().map(|p| ddl_ident(p)).collect::<Vec<_>>().join(", ")));
    }
    if let Some(c) = &meta.comment {
        out.push_str(&format!("COMMENT {}\n", sql_string(c)));
    }
    if !meta.managed {
        out.push_str(&format!("LOCATION {}\n", sql_string(&meta.location.clone())));
    }
    if !meta.properties.is_empty() {
        out.push_str(&properties_clause(&meta.properties));
    }
    out
}

/// DESCRIBE rows of a table or view after its columns: partition information, and
/// with EXTENDED the detailed table information.
pub fn describe_rows(meta: &TableMeta, extended: bool) -> Vec<(String, String, Option<String>)> {
    let mut rows = Vec::new();
    if !meta.partition_by.is_empty() {
        rows.push(("# Partition Information".to_string(), String::new(), Some(String::new())));
        rows.push(("# col_name".to_string(), "data_type".to_string(), Some("comment".to_string())));
        for p in &meta.partition_by {
            if let Some(c) = meta.column(p) {
                rows.push((c.name.clone(), c.data_type.clone(), c.comment.clone()));
            }
        }
    }
    if extended {
        let mut detail = |k: &str, v: String| rows.push((k.to_string(), v, Some(String::new())));
        detail("", String::new());
        detail(if meta.is_view() { "# Detailed View Information" } else { "# Detailed Table Information" }, String::new());
        detail("Catalog", ember_plan::table_name::SESSION_CATALOG.into());
        detail("Database", meta.database.clone());
        detail(if meta.is_view() { "View" } else { "Table" }, meta.name.clone());
        if let Some(c) = &meta.comment {
            detail("Comment", c.clone());
        }
        detail("Type", meta.kind().into());
        if let Some(view) = &meta.view {
            detail("View Text", view.sql.clone());
            detail("View Current Catalog", ember_plan::table_name::SESSION_CATALOG.into());
            detail("View Current Namespace", view.current_database.clone());
        } else {
            detail("Provider", meta.provider.clone());
            detail("Location", meta.location.clone());
        }
        if !meta.options.is_empty() {
            let opts: Vec<String> = meta.options.iter().map(|(k, v)| format!("{k}={v}")).collect();
            detail("Storage Properties", format!("[{}]", opts.join(", ")));
        }
        if !meta.properties.is_empty() {
            let props: Vec<String> = meta.properties.iter().map(|(k, v)| format!("{k}={v}")).collect();
            detail("Table Properties", format!("[{}]", props.join(", ")));
        }
        if !meta.partition_by.is_empty() {
            detail("Partition Provider", "Catalog".into());
        }
    }
    rows
}
