//! A running word count over the socket source, printed to the console after every
//! micro-batch (complete mode). Start a line server first, e.g. `nc -lk 9999`, then:
//! `cargo run -p ember --example streaming_word_count -- 127.0.0.1 9999`
//! and type lines into `nc`. With `--demo` it serves a few lines itself and stops.

use std::io::Write;
use std::time::Duration;

use ember::functions::{explode, split};
use ember::{col, Result, Session};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let demo = args.iter().any(|a| a == "--demo");
    let (host, port) = if demo {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        std::thread::spawn(move || {
            if let Ok((mut conn, _)) = listener.accept() {
                for line in ["the quick brown fox", "jumps over the lazy dog", "the end"] {
                    let _ = writeln!(conn, "{line}");
                    std::thread::sleep(Duration::from_millis(300));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        });
        ("127.0.0.1".to_string(), port.to_string())
    } else {
        (args.first().cloned().unwrap_or_else(|| "127.0.0.1".into()), args.get(1).cloned().unwrap_or_else(|| "9999".into()))
    };
    let session = Session::builder().config("spark.sql.shuffle.partitions", "2").build()?;
    let lines = session.read_stream().format("socket").option("host", &host).option("port", &port).load("")?;
    let counts = lines.select([explode(split(col("value"), " ")).alias("word")])?.group_by([col("word")]).count()?;
    let query = counts.write_stream().format("console").output_mode("complete").start()?;
    if demo {
        std::thread::sleep(Duration::from_secs(2));
        query.process_all_available()?;
        query.stop()?;
    } else {
        query.await_termination()?;
    }
    Ok(())
}
