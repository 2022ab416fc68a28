//! A tour of the DataFrame API over the sample data in `data/`: reading CSV and JSON,
//! filters, derived columns, aggregation, joins, sorting, and looking at plans.
//!
//! Run from the repository root: `cargo run -p ember --example dataframe_walkthrough`

use ember::functions::{avg, col, count, lit, max, sum, upper, when};
use ember::{Result, Session};

fn main() -> Result<()> {
    let session = Session::builder().config("spark.sql.shuffle.partitions", "4").build()?;

    // Read a CSV file with a header, inferring column types as Spark does.
    let people = session.read().option("header", "true").option("inferSchema", "true").csv("data/people.csv")?;
    people.print_schema();
    people.show()?;

    // Filter, derive columns, rename.
    let adults = people
        .filter(col("age").geq(lit(30)))?
        .with_column("name_upper", upper(col("name")))?
        .with_column("band", when(col("age").lt(lit(40)), lit("30s")).otherwise(lit("40+")))?
        .with_column_renamed("salary", "monthly_salary")?;
    adults.select(["name_upper", "age", "band", "monthly_salary"])?.show()?;

    // Aggregate per city.
    let per_city = people
        .group_by([col("city")])
        .agg([count(lit(1)).alias("people"), avg(col("age")).alias("avg_age"), max(col("salary")).alias("top_salary")])?
        .order_by([col("people").desc(), col("city").asc()])?;
    per_city.show()?;

    // Join with JSON orders (nested fields and arrays are inferred).
    let orders = session.read().json("data/orders.json")?;
    let spend = people
        .alias("p")?
        .join(&orders.alias("o")?, col("p.id").eq(col("o.person_id")), "left")?
        .group_by([col("p.name")])
        .agg([sum(col("o.amount")).alias("spent")])?
        .order_by([col("spent").desc_nulls_last()])?;
    spend.show()?;

    // The same plan machinery serves SQL: register a view and query it.
    per_city.create_or_replace_temp_view("per_city")?;
    session.sql("SELECT city FROM per_city WHERE people > 2")?.show()?;

    // Look at the plans Ember runs.
    println!("{}", spend.explain_string(true)?);
    Ok(())
}
