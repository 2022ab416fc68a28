//! `+` and `-` on dates, timestamps and intervals written as Spark's analyzer
//! (`ResolveBinaryArithmetic`) writes them, so column names and errors read as Spark's:
//!
//! | SQL                               | bound as                                               |
//! |-----------------------------------|--------------------------------------------------------|
//! | `date + 1`, `1 + date`, `date - 1` | `date_add(date, 1)`, `date_sub(date, 1)`              |
//! | `date ± INTERVAL '1' DAY`          | `date_add(date, [-]extractansiintervaldays(INTERVAL '1' DAY))` |
//! | `date ± interval`, `timestamp ± interval` (either order for `+`) | `datetime + interval` / `datetime - interval`, no parentheses |
//! | `x ± day-time interval`, other `x` | the same, a type error unless `x` is a timestamp       |
//! | `n * interval`                    | `interval * n`                                          |
//!
//! Everything else (`date - date`, `timestamp - timestamp`, `interval ± interval`) stays
//! a plain `(l ± r)`.

use arrow::datatypes::DataType;
use ember_common::Result;
use ember_plan::coercion::is_string;
use ember_plan::extract_interval_days::extract_interval_days;
use ember_plan::interval::{is_day_time, is_interval, is_year_month, DAY};
use ember_plan::{Expr, Operator, PlanSchema};

use crate::binder::Binder;

impl Binder<'_> {
    /// `l op r` for `op` `+`, `-` or `*`, rewritten as Spark resolves datetime arithmetic.
    pub(crate) fn datetime_arithmetic(&self, l: Expr, op: Operator, r: Expr, schema: &PlanSchema) -> Result<Expr> {
        let (Ok(lt), Ok(rt)) = (l.data_type(schema), r.data_type(schema)) else {
            // typing reports the error where the expression is used
            return Ok(Expr::binary(l, op, r));
        };
        use DataType as D;
        let is_timestamp = |t: &DataType| matches!(t, D::Timestamp(_, _));
        let is_datetime = |t: &DataType| t == &D::Date32 || is_timestamp(t);
        let day_count = |t: &DataType| !is_string(t) && !is_interval(t) && t != &D::Null;
        // a string meeting a date is read as a date (and then is no day count)
        let as_date = |e: Expr, t: &DataType| if is_string(t) { e.cast_to(D::Date32) } else { e };
        Ok(match (op, &lt, &rt) {
            // `n * interval` is `interval * n`
            (Operator::Multiply, a, b) if is_interval(b) && !is_interval(a) => Expr::binary(r, op, l),
            (Operator::Multiply, _, _) => Expr::binary(l, op, r),
            (Operator::Plus, D::Date32, d) if d == &DAY => self.call_scalar("date_add", vec![l, extract_interval_days(r)])?,
            (Operator::Plus, d, D::Date32) if d == &DAY => self.call_scalar("date_add", vec![r, extract_interval_days(l)])?,
            (Operator::Minus, D::Date32, d) if d == &DAY => {
                self.call_scalar("date_add", vec![l, Expr::Negative(Box::new(extract_interval_days(r)))])?
            }
            // intervals with intervals of their class (or NULL) stay as they are
            (_, a, b) if is_year_month(a) && is_year_month(b) || is_day_time(a) && is_day_time(b) => Expr::binary(l, op, r),
            (_, a, D::Null) | (_, D::Null, a) if is_interval(a) => Expr::binary(l, op, r),
            // datetime ± interval; `date + NULL` and `timestamp + NULL` take NULL as an interval
            (Operator::Plus, a, b) if is_datetime(a) && (is_interval(b) || b == &D::Null) => Expr::binary(l, Operator::DatetimeAdd, r),
            (Operator::Plus, a, b) if (is_interval(a) || a == &D::Null) && is_datetime(b) => Expr::binary(r, Operator::DatetimeAdd, l),
            (Operator::Minus, a, b) if is_datetime(a) && is_interval(b) => Expr::binary(l, Operator::DatetimeSub, r),
            // anything else with a day-time interval is Spark's `TimeAdd` (and its type error)
            (Operator::Plus, a, b) if is_day_time(b) && !is_string(a) => Expr::binary(l, Operator::DatetimeAdd, r),
            (Operator::Plus, a, b) if is_day_time(a) && !is_string(b) => Expr::binary(r, Operator::DatetimeAdd, l),
            (Operator::Minus, a, b) if is_day_time(b) && !is_string(a) => Expr::binary(l, Operator::DatetimeSub, r),
            // date ± a day count
            (Operator::Plus, D::Date32, b) if day_count(b) || is_string(b) => self.call_scalar("date_add", vec![l, as_date(r, b)])?,
            (Operator::Plus, a, D::Date32) if is_string(a) => self.call_scalar("date_add", vec![as_date(l, a), r])?,
            (Operator::Plus, a, D::Date32) if day_count(a) => self.call_scalar("date_add", vec![r, l])?,
            (Operator::Minus, D::Date32, b) if day_count(b) && !is_datetime(b) => self.call_scalar("date_sub", vec![l, r])?,
            _ => Expr::binary(l, op, r),
        })
    }
}
