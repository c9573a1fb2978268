//! Errors crossing into JavaScript: a JS `Error` with a stable `code` property, which the
//! TypeScript layer turns into its own error classes. Codes, by SlateDB error kind:
//! `CLOSED`, `FENCED`, `PANICKED`, `UNAVAILABLE`, `INVALID_ARGUMENT`, `DATA_CORRUPTION`,
//! `TRANSACTION_CONFLICT`, `INTERNAL`.

use slatedb::{CloseReason, ErrorKind};
use wasm_bindgen::JsValue;

/// Builds a JS `Error` carrying `code`.
pub fn js_error(code: &str, message: &str) -> JsValue {
    let err = js_sys::Error::new(message);
    let _ = js_sys::Reflect::set(&err, &"code".into(), &code.into());
    err.into()
}

/// An invalid argument found at the boundary (before SlateDB, which would panic on some).
pub fn invalid(message: &str) -> JsValue {
    js_error("INVALID_ARGUMENT", message)
}

/// Calls on a database after `close()`.
pub fn closed() -> JsValue {
    js_error(
        "CLOSED",
        "the database is closed; open it again with SlateDb.open() to keep using it",
    )
}

/// The verifier failures of the flatbuffers crate (its `InvalidFlatbuffer` variants). SlateDB reports
/// most undecodable objects as data errors, but a manifest that fails verification inside its
/// transactional-object layer arrives as an internal error carrying one of these names.
const FLATBUFFER_FAILURES: &[&str] = &[
    "RangeOutOfBounds",
    "MissingRequiredField",
    "InconsistentUnion",
    "Utf8Error",
    "MissingNullTerminator",
    "Unaligned",
    "SignedOffsetOutOfBounds",
    "TooManyTables",
    "ApparentSizeTooLarge",
    "DepthLimitReached",
];

fn is_undecodable(detail: &str) -> bool {
    FLATBUFFER_FAILURES.iter().any(|name| detail.contains(name))
}

/// Maps a SlateDB error to a JS error with a code and a message that says what to do.
pub fn from_slatedb(err: slatedb::Error) -> JsValue {
    let detail = err.to_string();
    let kind = match err.kind() {
        ErrorKind::Internal if is_undecodable(&detail) => ErrorKind::Data,
        kind => kind,
    };
    let (code, advice) = match kind {
        ErrorKind::Closed(CloseReason::Fenced) => (
            "FENCED",
            "another writer opened this database and fenced this one; close this handle \
             (only the newest writer may write)",
        ),
        ErrorKind::Closed(CloseReason::Panic) => (
            "PANICKED",
            "a background task of the database failed; close it and open it again",
        ),
        ErrorKind::Closed(_) => (
            "CLOSED",
            "the database is closed; open it again to keep using it",
        ),
        ErrorKind::Unavailable => (
            "UNAVAILABLE",
            "the object store did not answer; retry the operation",
        ),
        ErrorKind::Invalid => ("INVALID_ARGUMENT", "correct the argument or setting"),
        ErrorKind::Data => (
            "DATA_CORRUPTION",
            "stored data is corrupted or unreadable; restore it from a backup or recreate the \
             database",
        ),
        ErrorKind::Transaction => ("TRANSACTION_CONFLICT", "retry the transaction"),
        _ => (
            "INTERNAL",
            "this is a bug in SlateDB or streamstate; please report it",
        ),
    };
    js_error(code, &format!("{detail} ({advice})"))
}
