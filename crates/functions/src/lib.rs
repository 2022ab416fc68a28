//! Ember's scalar and aggregate functions with Spark's names and semantics.
//!
//! # Brief overview
//! - [`BuiltinRegistry`] implements [`ember_plan::FunctionRegistry`]: case-insensitive
//!   lookup of every built-in function, aliases included (`substr`, `ucase`, `ifnull`,
//!   `every`, `stddev`, …). An alias keeps its own name, as Spark shows it in column names.
//! - [`scalar`] holds the row-wise functions (`upper`, `substring`, `coalesce`, `split`, …).
//! - [`aggregate`] holds the aggregates (`count`, `sum`, `avg`, `min`, `max`, …) with
//!   vectorized group accumulators.
//!
//! ```
//! use ember_functions::BuiltinRegistry;
//! use ember_plan::{ColumnarValue, FunctionContext, FunctionRegistry, ScalarValue};
//!
//! let registry = BuiltinRegistry::new();
//! let upper = registry.scalar("UCASE").unwrap();
//! assert_eq!(upper.name(), "ucase");
//! let out = upper
//!     .invoke(&[ColumnarValue::Scalar(ScalarValue::from("spark"))], 1, &FunctionContext::default())
//!     .unwrap();
//! assert!(matches!(out, ColumnarValue::Scalar(ScalarValue::Utf8(Some(s))) if s == "SPARK"));
//! assert!(registry.aggregate("sum").is_some());
//! ```

pub mod aggregate;
pub mod scalar;

use std::sync::Arc;

use ember_plan::{AggregateFunctionImpl, FunctionRegistry, ScalarFunctionImpl};
use hashbrown::HashMap;

use scalar::alias::{AliasedAggregate, AliasedScalar};

/// The built-in functions, looked up by lower-cased name.
#[derive(Debug, Clone)]
pub struct BuiltinRegistry {
    scalars: HashMap<String, Arc<dyn ScalarFunctionImpl>>,
    aggregates: HashMap<String, Arc<dyn AggregateFunctionImpl>>,
}

impl BuiltinRegistry {
    /// A registry holding every built-in function and alias.
    pub fn new() -> Self {
        let mut r = BuiltinRegistry { scalars: HashMap::new(), aggregates: HashMap::new() };
        for f in scalar::all() {
            r.register_scalar(f);
        }
        for f in aggregate::all() {
            r.register_aggregate(f);
        }
        for (alias, target) in scalar::ALIASES {
            if let Some(inner) = r.scalars.get(*target).cloned() {
                r.register_scalar(Arc::new(AliasedScalar { alias: alias.to_string(), inner }));
            }
        }
        for (synonym, target) in scalar::SYNONYMS {
            if let Some(f) = r.scalars.get(*target).cloned() {
                r.scalars.insert(synonym.to_string(), f);
            }
        }
        for (synonym, target) in aggregate::SYNONYMS {
            if let Some(inner) = r.aggregates.get(*target).cloned() {
                r.aggregates.insert(synonym.to_string(), inner);
            }
        }
        for (alias, target) in aggregate::ALIASES {
            if let Some(inner) = r.aggregates.get(*target).cloned() {
                r.register_aggregate(Arc::new(AliasedAggregate { alias: alias.to_string(), inner }));
            }
        }
        r
    }

    /// Adds (or replaces) a scalar function under its lower-cased name.
    pub fn register_scalar(&mut self, f: Arc<dyn ScalarFunctionImpl>) {
        self.scalars.insert(f.name().to_lowercase(), f);
    }

    /// Adds (or replaces) an aggregate function under its lower-cased name.
    pub fn register_aggregate(&mut self, f: Arc<dyn AggregateFunctionImpl>) {
        self.aggregates.insert(f.name().to_lowercase(), f);
    }
}

impl Default for BuiltinRegistry {
    fn default() -> Self {
        Self::new()
    }
}

impl FunctionRegistry for BuiltinRegistry {
    fn scalar(&self, name: &str) -> Option<Arc<dyn ScalarFunctionImpl>> {
        self.scalars.get(name.to_lowercase().as_str()).cloned()
    }

    fn aggregate(&self, name: &str) -> Option<Arc<dyn AggregateFunctionImpl>> {
        self.aggregates.get(name.to_lowercase().as_str()).cloned()
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.scalars.keys().chain(self.aggregates.keys()).cloned().collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::DataType;

    #[test]
    fn lookup_is_case_insensitive_and_aliases_keep_their_name() {
        let r = BuiltinRegistry::new();
        assert_eq!(r.scalar("Upper").unwrap().name(), "upper");
        assert_eq!(r.scalar("SUBSTR").unwrap().name(), "substr");
        assert_eq!(r.scalar("ifnull").unwrap().name(), "ifnull");
        assert_eq!(r.aggregate("every").unwrap().name(), "every");
        assert_eq!(r.aggregate("Count").unwrap().name(), "count");
        assert!(r.scalar("sum").is_none());
        assert!(r.aggregate("upper").is_none());
        assert!(r.scalar("no_such_function").is_none());
    }

    #[test]
    fn alias_errors_use_the_alias() {
        let r = BuiltinRegistry::new();
        let e = r.scalar("ifnull").unwrap().coerce_types(&[DataType::Int32]).unwrap_err();
        assert!(e.message().contains("`ifnull`"), "{e}");
        assert_eq!(r.scalar("char_length").unwrap().return_type(&[DataType::Utf8]).unwrap(), DataType::Int32);
    }

    #[test]
    fn names_are_sorted_and_complete() {
        let names = BuiltinRegistry::new().names();
        for n in ["abs", "array_contains", "avg", "coalesce", "count", "max", "nvl", "split", "substr", "trim"] {
            assert!(names.iter().any(|x| x == n), "missing {n}");
        }
        assert!(names.windows(2).all(|w| w[0] < w[1]));
    }

    /// Every scalar function accepts a zero-row batch for each signature it takes.
    #[test]
    fn empty_batches() {
        use arrow::array::new_empty_array;
        use ember_plan::{ColumnarValue, FunctionContext};
        let list = DataType::new_list(DataType::Int32, true);
        let signatures: Vec<Vec<DataType>> = vec![
            vec![DataType::Utf8],
            vec![DataType::Int32],
            vec![DataType::Utf8, DataType::Int32],
            vec![DataType::Utf8, DataType::Utf8],
            vec![DataType::Utf8, DataType::Int32, DataType::Utf8],
            vec![DataType::Utf8, DataType::Utf8, DataType::Utf8],
            vec![DataType::Boolean, DataType::Int32, DataType::Int32],
            vec![list.clone()],
            vec![list, DataType::Int32],
        ];
        let r = BuiltinRegistry::new();
        let mut calls = 0;
        for name in r.names() {
            let Some(f) = r.scalar(&name) else { continue };
            for sig in &signatures {
                let Ok(coerced) = f.coerce_types(sig) else { continue };
                let args: Vec<ColumnarValue> = coerced.iter().map(|t| ColumnarValue::Array(new_empty_array(t))).collect();
                let out = f.invoke(&args, 0, &FunctionContext::default()).unwrap().into_array(0).unwrap();
                assert_eq!(out.len(), 0, "{name}");
                assert_eq!(out.data_type(), &f.return_type(&coerced).unwrap(), "{name}");
                calls += 1;
            }
        }
        assert!(calls > 40, "{calls}");
    }

    /// Every aggregate copes with empty batches and reports states matching its fields.
    #[test]
    fn aggregates_on_empty_input() {
        use arrow::array::{new_empty_array, Array};
        use ember_plan::FunctionContext;
        let r = BuiltinRegistry::new();
        for name in r.names() {
            let Some(f) = r.aggregate(&name) else { continue };
            // grouping() / grouping_id() are planned away, never accumulated.
            if matches!(f.name(), "grouping" | "grouping_id") {
                continue;
            }
            for t in [DataType::Int32, DataType::Utf8, DataType::Boolean, DataType::Decimal128(10, 2), DataType::Float64] {
                let Ok(coerced) = f.coerce_types(&[t]) else { continue };
                let args: Vec<_> = coerced.iter().map(new_empty_array).collect();
                let ctx = FunctionContext::default();
                let mut acc = f.create_accumulator(&coerced, &ctx).unwrap();
                acc.update_batch(&args, &[], None, 2).unwrap();
                let state = acc.state().unwrap();
                let fields = f.state_fields(&coerced).unwrap();
                assert_eq!(state.len(), fields.len(), "{name}");
                for (s, field) in state.iter().zip(&fields) {
                    assert_eq!(s.len(), 2, "{name}");
                    assert_eq!(s.data_type(), field.data_type(), "{name}");
                }
                let mut fin = f.create_accumulator(&coerced, &ctx).unwrap();
                fin.merge_batch(&state, &[1, 0], 2).unwrap();
                let out = fin.evaluate().unwrap();
                assert_eq!(out.len(), 2, "{name}");
                assert_eq!(out.data_type(), &f.return_type(&coerced).unwrap(), "{name}");
                assert_eq!(out.null_count() == 0, !f.nullable(), "{name}");
            }
        }
    }

    #[test]
    fn user_functions_can_be_registered() {
        let mut r = BuiltinRegistry::default();
        r.register_scalar(Arc::new(scalar::case::upper()));
        assert!(r.scalar("UPPER").is_some());
    }
}
