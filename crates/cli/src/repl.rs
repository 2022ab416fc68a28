//! The interactive shell: `ember> ` prompt, multi-line statements ending in `;`,
//! history in `~/.ember_history`, `exit`/`quit`/Ctrl-D to leave, Ctrl-C to drop the input
//! at the prompt or to cancel the running statement (see `interrupt.rs`).

use std::io;
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use crate::runner::Runner;
use crate::sql_text::{is_blank, is_complete};

pub const PROMPT: &str = "ember> ";
pub const CONTINUATION: &str = "     > ";

/// What one line of input means to the shell.
#[derive(Debug, PartialEq, Eq)]
pub enum Input {
    /// Leave the shell.
    Exit,
    /// Keep reading: the statement is not finished.
    More,
    /// Run this text (one or more complete statements).
    Run(String),
}

/// Accumulates lines until they form complete statements.
#[derive(Debug, Default)]
pub struct LineBuffer {
    text: String,
}

impl LineBuffer {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
    }

    pub fn push(&mut self, line: &str) -> Input {
        if self.text.is_empty() {
            let word = line.trim().trim_end_matches(';').trim().to_ascii_lowercase();
            if word == "exit" || word == "quit" {
                return Input::Exit;
            }
            if is_blank(line) {
                return Input::More;
            }
        }
        self.text.push_str(line);
        self.text.push('\n');
        if is_complete(&self.text) {
            Input::Run(std::mem::take(&mut self.text))
        } else {
            Input::More
        }
    }
}

fn history_path() -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".ember_history"))
}

/// Runs the shell until `exit`, `quit` or end of input.
pub fn run(runner: &mut Runner<'_>) -> io::Result<()> {
    let mut editor = DefaultEditor::new().map_err(io::Error::other)?;
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let mut buffer = LineBuffer::default();
    loop {
        let prompt = if buffer.is_empty() { PROMPT } else { CONTINUATION };
        match editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                match buffer.push(&line) {
                    Input::Exit => break,
                    Input::More => {}
                    Input::Run(script) => {
                        // A Ctrl-C pressed before this statement does not cancel it.
                        runner.clear_interrupt();
                        runner.run_script(&script, &mut io::stdout().lock(), &mut io::stderr().lock())?
                    }
                }
            }
            Err(ReadlineError::Interrupted) => buffer.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                eprintln!("{e}");
                break;
            }
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_statements() {
        let mut b = LineBuffer::default();
        assert_eq!(b.push("SELECT"), Input::More);
        assert_eq!(b.push("  1;"), Input::Run("SELECT\n  1;\n".into()));
        assert!(b.is_empty());
        assert_eq!(b.push(""), Input::More);
        assert!(b.is_empty());
        assert_eq!(b.push("SELECT 'a;"), Input::More);
        assert_eq!(b.push("b';"), Input::Run("SELECT 'a;\nb';\n".into()));
    }

    #[test]
    fn exit_words() {
        let mut b = LineBuffer::default();
        assert_eq!(b.push("exit"), Input::Exit);
        assert_eq!(b.push(" QUIT; "), Input::Exit);
        assert_eq!(b.push("SELECT"), Input::More);
        // Inside a statement `exit` is just text.
        assert_eq!(b.push("exit"), Input::More);
    }
}
