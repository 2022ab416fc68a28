//! Runs `examples/sql_walkthrough.sql` statement by statement through
//! `Session::sql`, printing each result as `show()` does.
//!
//! Run from the repository root: `cargo run -p ember --example sql_walkthrough`

use ember::{Result, Session};

fn main() -> Result<()> {
    let session = Session::builder().build()?;
    let script = std::fs::read_to_string("examples/sql_walkthrough.sql")?;
    for statement in ember::split_statements(&script) {
        println!("ember> {}", statement.text.trim());
        match session.sql(&statement.text) {
            Ok(df) => df.show_with(20, 0)?,
            Err(e) => eprintln!("{e}"),
        }
    }
    Ok(())
}
