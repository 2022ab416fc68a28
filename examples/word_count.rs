//! Word count, the classic: `split` + `explode` + `group_by` + `count`, once in SQL and
//! once with the DataFrame API, over `data/lines.csv`. Both print the same table.
//!
//! Run from the repository root: `cargo run -p ember --example word_count`

use ember::functions::{col, count, explode, lit, split};
use ember::{Result, Session};

fn main() -> Result<()> {
    let session = Session::builder().build()?;
    let lines = session.read().option("header", "true").csv("data/lines.csv")?;
    lines.create_or_replace_temp_view("lines")?;

    println!("Word count in SQL:");
    session
        .sql(
            "SELECT word, count(*) AS n
             FROM (SELECT explode(split(line, ' ')) AS word FROM lines)
             GROUP BY word
             ORDER BY n DESC, word
             LIMIT 5",
        )?
        .show()?;

    println!("Word count with DataFrames:");
    lines
        .select([explode(split(col("line"), " ")).alias("word")])?
        .group_by([col("word")])
        .agg([count(lit(1)).alias("n")])?
        .order_by([col("n").desc(), col("word").asc()])?
        .limit(5)?
        .show()?;
    Ok(())
}
