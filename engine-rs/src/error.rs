//! Errors crossing into JavaScript: a JS `Error` with a stable `code` property, which the
//! TypeScript layer turns into its own error classes. Codes, by SlateDB error kind:
//! `CLOSED`, `FENCED`, `PANICKED`, `UNAVAILABLE`, `INVALID_ARGUMENT`, `DATA_CORRUPTION`,
//! `TRANSACTION_CONFLICT`, `INTERNAL`.

use slatedb::{CloseReason, ErrorKind};

use crate::js_object_store::REFUSED_CODE;
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

/// The code a permanent object-store failure carries in its message (`[DataCorruption] ...`, see
/// `js_object_store`), when it decides the error's code: an object whose bytes are damaged, or a
/// read past the end of an object (SlateDB reads only what its manifest and indexes say exists,
/// so a short object is a truncated one) is corrupted data; a store that refused the call's
/// argument is an invalid argument; a store that failed with a programming error is a bug.
fn store_failure(detail: &str) -> Option<ErrorKind> {
    if detail.contains("[DataCorruption]") || detail.contains("[InvalidRange]") {
        Some(ErrorKind::Data)
    } else if detail.contains("[InvalidArgument]") {
        Some(ErrorKind::Invalid)
    } else if detail.contains("[StoreBug]") {
        Some(ErrorKind::Internal)
    } else {
        None
    }
}

/// A failure the object store said is not worth repeating (`[Refused] CODE: message`, see
/// `js_object_store`): its own code and message, for a JS error the caller can act on.
fn refused(detail: &str) -> Option<(&str, &str)> {
    let tag = format!("[{REFUSED_CODE}] ");
    let rest = &detail[detail.find(&tag)? + tag.len()..];
    let (code, message) = rest.split_once(": ")?;
    let valid = !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some((code, message))
}

/// The JS error of a refused call: the store's code, its message, `refusedByStore: true`.
fn refused_error(code: &str, message: &str) -> JsValue {
    let err = js_error(
        code,
        &format!(
            "{message} (the object store refused the call and said retrying cannot help, so it \
             was not retried; fix what the message says, then try again)"
        ),
    );
    let _ = js_sys::Reflect::set(&err, &"refusedByStore".into(), &JsValue::TRUE);
    err
}

/// Maps an object-store error met outside SlateDB (the engine's own listings) like SlateDB's.
pub fn from_object_store(err: &object_store::Error) -> JsValue {
    let detail = format!("object store error: {err}");
    if let Some((code, message)) = refused(&detail) {
        return refused_error(code, message);
    }
    match store_failure(&detail) {
        Some(ErrorKind::Data) => js_error("DATA_CORRUPTION", &format!("{detail} ({DATA_ADVICE})")),
        Some(ErrorKind::Invalid) => js_error(
            "INVALID_ARGUMENT",
            &format!("{detail} (correct the argument or setting)"),
        ),
        Some(_) => js_error("INTERNAL", &format!("{detail} ({STORE_BUG_ADVICE})")),
        None => js_error(
            "UNAVAILABLE",
            &format!("{detail} (the object store did not answer; retry the operation)"),
        ),
    }
}

const DATA_ADVICE: &str =
    "stored data is corrupted or unreadable; restore it from a backup or recreate the database";

const STORE_BUG_ADVICE: &str =
    "the object store failed with a programming error, which retrying cannot fix; check the \
     object store (its code, its SDK bundle for this runtime), then open the database again";

/// `error: cause: cause's cause ...`, each message once.
fn with_sources(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

/// Maps a SlateDB error to a JS error with a code and a message that says what to do.
pub fn from_slatedb(err: slatedb::Error) -> JsValue {
    // The whole chain of causes: SlateDB 0.18 wraps a store failure met in the WAL as "wal
    // unavailable", with the store's own message (and its code) only in a source.
    let detail = with_sources(&err);
    if let (ErrorKind::Unavailable | ErrorKind::Internal, Some((code, message))) =
        (err.kind(), refused(&detail))
    {
        return refused_error(code, message);
    }
    let store_bug = detail.contains("[StoreBug]");
    let kind = match (err.kind(), store_failure(&detail)) {
        (ErrorKind::Internal, _) if is_undecodable(&detail) => ErrorKind::Data,
        // A permanent store failure reaches SlateDB's callers as an unavailable store (or, through
        // the manifest's transactional-object layer, an internal error).
        (ErrorKind::Unavailable | ErrorKind::Internal, Some(kind)) => kind,
        (kind, _) => kind,
    };
    if store_bug && kind == ErrorKind::Internal {
        return js_error("INTERNAL", &format!("{detail} ({STORE_BUG_ADVICE})"));
    }
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
        ErrorKind::Data => ("DATA_CORRUPTION", DATA_ADVICE),
        ErrorKind::Transaction => ("TRANSACTION_CONFLICT", "retry the transaction"),
        _ => (
            "INTERNAL",
            "this is a bug in SlateDB or streamstate; please report it",
        ),
    };
    js_error(code, &format!("{detail} ({advice})"))
}
