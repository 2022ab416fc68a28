//! Golden SQL tests: every `sql-tests/inputs/**/*.sql` script runs in a fresh session
//! (4 shuffle partitions, 2 threads) and its golden output — each statement's text,
//! then its schema and rows (sorted unless the query orders them) or its error — is
//! compared with the insta snapshot in `sql-tests/results/`. Inputs whose file name
//! starts with `_` are skipped. Review changes with `cargo insta review`.

mod golden_support;

use std::path::Path;

use ember::golden::{golden_block, run_script};

#[test]
fn sql_golden_files() {
    let results = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sql-tests/results");
    insta::glob!("../../../sql-tests/inputs", "**/*.sql", |path| {
        if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('_')) {
            return;
        }
        let script = std::fs::read_to_string(path).expect("golden input is readable");
        let stem = golden_support::stem(path);
        let session = golden_support::session(&stem, "golden", &[("spark.sql.shuffle.partitions", "4"), ("ember.executor.threads", "2")]);
        // Relative paths in scripts (e.g. sample data) resolve from the repository root.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut out = String::new();
        let _cwd = CwdGuard::enter(&root);
        for (i, r) in run_script(&session, &script).iter().enumerate() {
            out.push_str(&format!("-- {}\n", statement_display(&r.text).replace('\n', "\n-- ")));
            out.push_str(&golden_block(i + 1, r, true));
            out.push('\n');
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&results);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(out));
    });
}

/// The statement without the comment lines that precede it in the script.
fn statement_display(text: &str) -> String {
    let lines: Vec<&str> = text.lines().skip_while(|l| l.trim_start().starts_with("--") || l.trim().is_empty()).collect();
    lines.join("\n").trim().to_string()
}

/// Runs the scripts from the repository root so `data/...` paths work; restored on drop.
struct CwdGuard(std::path::PathBuf);

impl CwdGuard {
    fn enter(dir: &Path) -> CwdGuard {
        let old = std::env::current_dir().expect("cwd");
        std::env::set_current_dir(dir).expect("enter repository root");
        CwdGuard(old)
    }
}

impl Drop for CwdGuard {
    fn drop(&mut self) {
        let _ = std::env::set_current_dir(&self.0);
    }
}
