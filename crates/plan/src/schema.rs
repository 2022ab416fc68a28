//! Plan schemas: Arrow fields with an optional qualifier (the table or alias they come
//! from), and name resolution with Spark's rules (case-insensitive, qualified or not).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use ember_common::{suggest, Error, ErrorKind, Result};

use crate::expr::Column;

/// One output column of a plan node.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanField {
    pub qualifier: Option<Arc<str>>,
    pub field: FieldRef,
}

impl PlanField {
    pub fn new(qualifier: Option<Arc<str>>, field: impl Into<FieldRef>) -> Self {
        PlanField { qualifier, field: field.into() }
    }
    pub fn name(&self) -> &str {
        self.field.name()
    }
    pub fn data_type(&self) -> &DataType {
        self.field.data_type()
    }
    pub fn is_nullable(&self) -> bool {
        self.field.is_nullable()
    }
    /// The column that refers to this field.
    pub fn column(&self) -> Column {
        Column { relation: self.qualifier.clone(), name: self.name().to_string() }
    }
    /// `qualifier.name` or `name`.
    pub fn qualified_name(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{q}.{}", self.name()),
            None => self.name().to_string(),
        }
    }
}

/// The output schema of a plan node: ordered fields, possibly with duplicate names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSchema {
    fields: Vec<PlanField>,
    arrow: SchemaRef,
}

impl Default for PlanSchema {
    fn default() -> Self {
        PlanSchema::empty()
    }
}

impl PlanSchema {
    pub fn new(fields: Vec<PlanField>) -> Self {
        let arrow = Arc::new(Schema::new(fields.iter().map(|f| f.field.clone()).collect::<Vec<_>>()));
        PlanSchema { fields, arrow }
    }

    pub fn empty() -> Self {
        PlanSchema::new(vec![])
    }

    /// All fields of an Arrow schema under one qualifier.
    pub fn from_arrow(qualifier: Option<&str>, schema: &Schema) -> Self {
        let q: Option<Arc<str>> = qualifier.map(Arc::from);
        PlanSchema::new(schema.fields().iter().map(|f| PlanField::new(q.clone(), f.clone())).collect())
    }

    pub fn fields(&self) -> &[PlanField] {
        &self.fields
    }
    pub fn field(&self, i: usize) -> &PlanField {
        &self.fields[i]
    }
    pub fn len(&self) -> usize {
        self.fields.len()
    }
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
    pub fn arrow_schema(&self) -> &SchemaRef {
        &self.arrow
    }
    /// Columns referring to every field, in order.
    pub fn columns(&self) -> Vec<Column> {
        self.fields.iter().map(|f| f.column()).collect()
    }

    /// Same fields, all re-qualified with `alias` (what `AS alias` does).
    pub fn with_qualifier(&self, alias: &str) -> PlanSchema {
        let q: Arc<str> = Arc::from(alias);
        PlanSchema::new(self.fields.iter().map(|f| PlanField::new(Some(q.clone()), f.field.clone())).collect())
    }

    /// This schema's fields followed by `other`'s.
    pub fn join(&self, other: &PlanSchema) -> PlanSchema {
        let mut fields = self.fields.clone();
        fields.extend(other.fields.iter().cloned());
        PlanSchema::new(fields)
    }

    /// Same fields with nullability forced on (the outer side of an outer join).
    pub fn as_nullable(&self) -> PlanSchema {
        PlanSchema::new(
            self.fields
                .iter()
                .map(|f| PlanField::new(f.qualifier.clone(), f.field.as_ref().clone().with_nullable(true)))
                .collect(),
        )
    }

    /// Indices of the fields matching `qualifier.name` (case-insensitive).
    pub fn matches(&self, qualifier: Option<&str>, name: &str) -> Vec<usize> {
        self.fields
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.name().eq_ignore_ascii_case(name)
                    && match qualifier {
                        None => true,
                        Some(q) => f.qualifier.as_deref().is_some_and(|fq| qualifier_matches(fq, q)),
                    }
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Finds the one field `col` refers to; errors name the column and suggest others.
    pub fn index_of(&self, col: &Column) -> Result<usize> {
        let found = self.matches(col.relation.as_deref(), &col.name);
        match found.len() {
            1 => Ok(found[0]),
            0 => Err(self.unresolved(col)),
            _ => {
                // Identical qualified references (e.g. `a` twice from the same table) are
                // ambiguous in Spark too, except when they are the very same field.
                let first = &self.fields[found[0]];
                if found.iter().all(|&i| self.fields[i] == *first) {
                    return Ok(found[0]);
                }
                Err(Error::new(ErrorKind::AmbiguousReference {
                    name: col.flat_name(),
                    candidates: found.iter().map(|&i| self.fields[i].qualified_name()).collect(),
                }))
            }
        }
    }

    /// The field `col` refers to.
    pub fn field_of(&self, col: &Column) -> Result<&PlanField> {
        self.index_of(col).map(|i| &self.fields[i])
    }

    /// True if the column resolves uniquely here.
    pub fn has_column(&self, col: &Column) -> bool {
        self.find(col).is_some()
    }

    /// [`PlanSchema::index_of`] without building an error (no name suggestions), for
    /// rules that probe many columns.
    pub fn find(&self, col: &Column) -> Option<usize> {
        let found = self.matches(col.relation.as_deref(), &col.name);
        let first = *found.first()?;
        found.iter().all(|&i| self.fields[i] == self.fields[first]).then_some(first)
    }

    /// The UNRESOLVED_COLUMN error for `col`, with the closest names as suggestions.
    pub fn unresolved(&self, col: &Column) -> Error {
        let names: Vec<String> = self.fields.iter().map(|f| f.qualified_name()).collect();
        let suggestions = suggest::closest(&col.flat_name(), names.iter().map(|s| s.as_str()), 5);
        Error::new(ErrorKind::UnresolvedColumn { name: col.flat_name(), suggestions })
    }

    /// The Arrow schema with the given field names (used for the final output).
    pub fn to_arrow_with_names(&self) -> Schema {
        Schema::new(self.fields.iter().map(|f| f.field.clone()).collect::<Vec<_>>())
    }

    /// Fields as `(name, type)` pairs for messages.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.qualified_name(), ember_common::types::catalog_string(f.data_type())))
            .collect();
        format!("[{}]", parts.join(", "))
    }
}

/// True if a field qualifier matches what the user wrote: equal ignoring case, or the
/// last part of a dotted name (`db.t` matches `t`).
fn qualifier_matches(field_qualifier: &str, written: &str) -> bool {
    field_qualifier.eq_ignore_ascii_case(written)
        || field_qualifier.rsplit('.').next().is_some_and(|last| last.eq_ignore_ascii_case(written))
}

/// Builds an Arrow field.
pub fn field(name: &str, dt: DataType, nullable: bool) -> Field {
    Field::new(name, dt, nullable)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> PlanSchema {
        let t1: Arc<str> = Arc::from("t1");
        let t2: Arc<str> = Arc::from("t2");
        PlanSchema::new(vec![
            PlanField::new(Some(t1.clone()), field("id", DataType::Int32, false)),
            PlanField::new(Some(t1), field("name", DataType::Utf8, true)),
            PlanField::new(Some(t2), field("id", DataType::Int32, false)),
        ])
    }

    #[test]
    fn resolves_qualified_and_case_insensitive() {
        let s = schema();
        assert_eq!(s.index_of(&Column::new(Some("T2"), "ID")).unwrap(), 2);
        assert_eq!(s.index_of(&Column::from_name("NAME")).unwrap(), 1);
    }

    #[test]
    fn ambiguous_and_unresolved() {
        let s = schema();
        let e = s.index_of(&Column::from_name("id")).unwrap_err();
        assert_eq!(e.class(), "AMBIGUOUS_REFERENCE");
        let e = s.index_of(&Column::from_name("nmae")).unwrap_err();
        assert_eq!(e.class(), "UNRESOLVED_COLUMN.WITH_SUGGESTION");
        assert!(e.to_string().contains("`t1`.`name`"), "{e}");
    }
}
