//! `SET` and `RESET` as Spark runs them: `SET` lists the settings made, `SET -v` every
//! setting Ember reads with its value and meaning, `SET key` shows one (`<undefined>`
//! when unknown), `SET key=value` validates and sets; `RESET [key]` goes back to the
//! defaults (static settings stay).

use ember_common::config::{keys, ENTRIES};
use ember_common::{Error, Result};

use crate::command_output::{rows_df, Cell, Col};
use crate::dataframe::DataFrame;
use crate::session::Session;

const KEY_VALUE: [Col; 2] = [Col::Str("key", false), Col::Str("value", true)];

pub(crate) fn set(session: &Session, key: Option<String>, value: Option<String>, verbose: bool) -> Result<DataFrame> {
    match (key, value) {
        (Some(k), Some(v)) => {
            session.set_config(&k, &v)?;
            rows_df(session, &KEY_VALUE, vec![vec![Cell::from(k), Cell::from(v)]], None)
        }
        (Some(k), None) => {
            let v = session.config().get_or_default(&k).unwrap_or_else(|| "<undefined>".to_string());
            rows_df(session, &KEY_VALUE, vec![vec![Cell::from(k), Cell::from(v)]], None)
        }
        (None, _) if verbose => {
            let config = session.config();
            let rows = ENTRIES
                .iter()
                .map(|e| {
                    let value = config.get_or_default(e.key).unwrap_or_else(|| e.default.to_string());
                    vec![Cell::from(e.key), Cell::from(value), Cell::from(e.doc), Cell::from("")]
                })
                .collect();
            let cols = [Col::Str("key", false), Col::Str("value", true), Col::Str("meaning", true), Col::Str("Since version", true)];
            rows_df(session, &cols, rows, None)
        }
        (None, _) => {
            let config = session.config();
            let rows = config.entries().map(|(k, v)| vec![Cell::from(k), Cell::from(v)]).collect();
            rows_df(session, &KEY_VALUE, rows, None)
        }
    }
}

pub(crate) fn reset(session: &Session, key: Option<&str>) -> Result<()> {
    session.update_config(|c| {
        match key {
            Some(k) => c.unset(k),
            None => c.reset(),
        }
        Ok(())
    })
}

/// Spark's check of `spark.sql.session.timeZone`: a zone id it can resolve.
pub(crate) fn check_time_zone(key: &str, value: &str) -> Result<()> {
    if key == keys::SESSION_TIME_ZONE && ember_plan::datetime::Zone::parse(value).is_none() {
        return Err(Error::spark("INVALID_CONF_VALUE.TIME_ZONE", &[("confValue", value), ("confName", key)]));
    }
    Ok(())
}
