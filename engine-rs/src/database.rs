//! The exported database handle. Every method clones the (cheap, `Arc`-backed) `slatedb::Db` out
//! of the handle and returns a promise over a `'static` future, so nothing is borrowed across an
//! await: concurrent calls from JavaScript are safe, and so is `close()` while calls are pending.
//! Inputs SlateDB would panic on (an empty key, an empty range) are rejected or answered here,
//! because a panic traps the whole wasm instance.

use std::cell::RefCell;
use std::ops::Bound;
use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Array, Function, Promise, Uint8Array};
use serde_json::json;
use slatedb::config::{
    FlushOptions, FlushType, PutOptions, ReadOptions, ScanOptions, WriteOptions,
};
use slatedb::{Db, IterationOrder, WriteBatch, WriteHandle};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::block_cache::BlockCache;
use crate::codec::{decode_batch, BatchOp};
use crate::error::{closed, from_object_store, from_slatedb, invalid, js_error};
use crate::iterator::ScanIterator;
use crate::js_object_store::{JsObjectStore, Timer};
use crate::settings::settings_from_json;

/// Default size of the block cache (SST blocks, indexes, filters).
const DEFAULT_CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// SlateDB's limit on key length.
const MAX_KEY_LEN: usize = u16::MAX as usize;

fn check_key(key: &[u8]) -> Result<(), JsValue> {
    if key.is_empty() {
        return Err(invalid("keys must not be empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(invalid(&format!(
            "a key is {} bytes; keys may be at most {MAX_KEY_LEN} bytes",
            key.len()
        )));
    }
    Ok(())
}

/// A SlateDB database open in this wasm instance.
#[wasm_bindgen]
pub struct Database {
    db: Rc<RefCell<Option<Db>>>,
    /// The store SlateDB's tasks use, shut off once the database is closed.
    store: JsObjectStore,
    /// How long `close()` waits for SlateDB (`closeTimeout`).
    close_timeout_ms: u32,
}

impl Database {
    fn handle(&self) -> Result<Db, JsValue> {
        self.db.borrow().clone().ok_or_else(closed)
    }

    /// Runs `f` with a clone of the db as a promise; rejects with `CLOSED` after close().
    fn run<F, Fut>(&self, f: F) -> Promise
    where
        F: FnOnce(Db) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<JsValue, JsValue>> + 'static,
    {
        match self.handle() {
            Ok(db) => future_to_promise(f(db)),
            Err(e) => Promise::reject(&e),
        }
    }
}

/// Waits until the write behind `handle` is durable when `await_durable` is set (SlateDB returns
/// the handle as soon as the write is applied in memory).
async fn settle(handle: WriteHandle, await_durable: bool) -> Result<(), slatedb::Error> {
    if await_durable {
        handle.await_durable().await?;
    }
    Ok(())
}

fn bound(key: Option<Vec<u8>>, inclusive: bool) -> Bound<Vec<u8>> {
    match key {
        None => Bound::Unbounded,
        Some(k) if inclusive => Bound::Included(k),
        Some(k) => Bound::Excluded(k),
    }
}

/// Whether a range can hold a key; the same rule as SlateDB's (which asserts on it).
fn range_non_empty(lower: &Bound<Vec<u8>>, upper: &Bound<Vec<u8>>) -> bool {
    match (lower, upper) {
        (Bound::Included(a), Bound::Included(b)) => a <= b,
        (Bound::Included(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Excluded(b))
        | (Bound::Excluded(a), Bound::Included(b)) => a < b,
        _ => true,
    }
}

/// Refuses a database that has WAL or SST objects but no manifest (every manifest deleted):
/// SlateDB would create a new, empty database over them (or fail with `FENCED` on the old WAL).
/// Costs one listing per open, two more only when there is no manifest (a new database).
async fn refuse_without_manifest(store: &JsObjectStore, path: &str) -> Result<(), JsValue> {
    let list = |dir: &str| store.list_all(format!("{path}/{dir}/"), None);
    if !list("manifest")
        .await
        .map_err(|e| from_object_store(&e))?
        .is_empty()
    {
        return Ok(());
    }
    for dir in ["wal", "compacted"] {
        let found = list(dir).await.map_err(|e| from_object_store(&e))?;
        if let Some(first) = found.first() {
            return Err(js_error(
                "DATA_CORRUPTION",
                &format!(
                    "the database at \"{path}\" has {} {dir} object(s) (e.g. \"{}\") but no manifest: its manifests \
                     were deleted, so what it holds cannot be read (restore its manifest/ objects from a backup, or \
                     recreate the database: delete every object under \"{path}/\")",
                    found.len(),
                    first.location,
                ),
            ));
        }
    }
    Ok(())
}

#[wasm_bindgen]
impl Database {
    /// Opens (creating if absent) the database at `path` in `store`, replaying its WAL.
    /// `settings` is a JSON object of SlateDB settings (see `settings.rs`); `warn(message)`, when
    /// given, receives one line per transient object-store failure (each one SlateDB retries).
    ///
    /// A failed open releases what it started: SlateDB starts its background tasks (compactor,
    /// garbage collector, flushers) before it replays the WAL and does not stop them when the
    /// replay fails, so the store they hold is shut off (see `JsObjectStore::shut_off`): they fail
    /// their next call and stop, and no object changes after the open has failed.
    pub async fn open(
        path: String,
        store: JsValue,
        settings: Option<String>,
        cache_bytes: Option<f64>,
        warn: Option<Function>,
    ) -> Result<Database, JsValue> {
        console_error_panic_hook::set_once();
        if path.trim_matches('/').is_empty() {
            return Err(invalid(
                "the database path must not be empty (e.g. \"orders/0\")",
            ));
        }
        let (settings, engine) =
            settings_from_json(settings.as_deref()).map_err(|e| invalid(&e))?;
        let max_retries = settings.object_store_max_retries.unwrap_or(u32::MAX);
        let js_store = JsObjectStore::new(
            store,
            warn,
            max_retries,
            Some(engine.object_store_timeout_ms),
        );
        refuse_without_manifest(&js_store, path.trim_matches('/')).await?;
        let object_store = Arc::new(js_store.clone());
        let cache_bytes = cache_bytes.unwrap_or(DEFAULT_CACHE_BYTES as f64);
        if !(cache_bytes >= 0.0 && cache_bytes.is_finite()) {
            return Err(invalid("cacheBytes must be a non-negative number of bytes"));
        }
        let mut builder = Db::builder(path, object_store)
            .with_settings(settings)
            .with_sst_block_size(engine.sst_block_size);
        builder = if cache_bytes == 0.0 {
            builder.with_db_cache_disabled()
        } else {
            // One cache per database, so the cache id (which isolates sharers) is always 0.
            builder.with_db_cache(Arc::new(BlockCache::new(cache_bytes as u64)), 0)
        };
        let db = match builder.build().await {
            Ok(db) => db,
            Err(err) => {
                js_store.shut_off().await;
                return Err(from_slatedb(err));
            }
        };
        Ok(Database {
            db: Rc::new(RefCell::new(Some(db))),
            store: js_store,
            close_timeout_ms: engine.close_timeout_ms,
        })
    }

    /// The value of `key`, or `undefined`.
    pub fn get(&self, key: Vec<u8>) -> Promise {
        if let Err(e) = check_key(&key) {
            return Promise::reject(&e);
        }
        self.run(move |db| async move {
            let value = db
                .get_with_options(&key, &ReadOptions::default())
                .await
                .map_err(from_slatedb)?;
            Ok(value.map_or(JsValue::UNDEFINED, |v| Uint8Array::from(v.as_ref()).into()))
        })
    }

    /// The values of many keys at once, aligned with `keys` (`undefined` where absent).
    #[wasm_bindgen(js_name = getMany)]
    pub fn get_many(&self, keys: Array) -> Promise {
        let keys: Vec<Vec<u8>> = keys.iter().map(|k| Uint8Array::new(&k).to_vec()).collect();
        if let Some(e) = keys.iter().find_map(|k| check_key(k).err()) {
            return Promise::reject(&e);
        }
        self.run(move |db| async move {
            let options = ReadOptions::default();
            let reads = keys.iter().map(|k| db.get_with_options(k, &options));
            let values = futures::future::try_join_all(reads)
                .await
                .map_err(from_slatedb)?;
            let out = Array::new_with_length(values.len() as u32);
            for (i, v) in values.into_iter().enumerate() {
                if let Some(v) = v {
                    out.set(i as u32, Uint8Array::from(v.as_ref()).into());
                }
            }
            Ok(out.into())
        })
    }

    /// Stores `value` under `key`.
    pub fn put(&self, key: Vec<u8>, value: Vec<u8>, await_durable: bool) -> Promise {
        if let Err(e) = check_key(&key) {
            return Promise::reject(&e);
        }
        self.run(move |db| async move {
            let handle = db
                .put_with_options(
                    &key,
                    &value,
                    &PutOptions::default(),
                    &WriteOptions::default(),
                )
                .await
                .map_err(from_slatedb)?;
            settle(handle, await_durable).await.map_err(from_slatedb)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Deletes `key`.
    pub fn delete(&self, key: Vec<u8>, await_durable: bool) -> Promise {
        if let Err(e) = check_key(&key) {
            return Promise::reject(&e);
        }
        self.run(move |db| async move {
            let handle = db
                .delete_with_options(&key, &WriteOptions::default())
                .await
                .map_err(from_slatedb)?;
            settle(handle, await_durable).await.map_err(from_slatedb)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Applies an encoded batch of puts and deletes atomically (see `codec`).
    pub fn write(&self, batch: Vec<u8>, await_durable: bool) -> Promise {
        let mut write_batch = WriteBatch::new();
        let ops = match decode_batch(&batch) {
            Ok(ops) => ops,
            Err(e) => return Promise::reject(&invalid(&e)),
        };
        for op in &ops {
            let key = match op {
                BatchOp::Put(k, _) | BatchOp::Delete(k) => k,
            };
            if let Err(e) = check_key(key) {
                return Promise::reject(&e);
            }
        }
        if ops.is_empty() {
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        for op in ops {
            match op {
                BatchOp::Put(k, v) => write_batch.put(k, v),
                BatchOp::Delete(k) => write_batch.delete(k),
            }
        }
        self.run(move |db| async move {
            let handle = db
                .write_with_options(write_batch, &WriteOptions::default())
                .await
                .map_err(from_slatedb)?;
            settle(handle, await_durable).await.map_err(from_slatedb)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Opens a scan over `[lower, upper]` with each bound inclusive or exclusive as given.
    /// `cache_blocks`: keep the blocks read in the block cache (state stores scan the same small
    /// ranges again and again); `read_ahead_bytes`: fetch this much ahead per object-store read
    /// (larger for long sequential scans over a remote store); `fetch_tasks`: how many of those
    /// reads may be in flight at once (SlateDB's `max_fetch_tasks`, default 1).
    #[allow(clippy::too_many_arguments)]
    pub fn scan(
        &self,
        lower: Option<Vec<u8>>,
        lower_inclusive: bool,
        upper: Option<Vec<u8>>,
        upper_inclusive: bool,
        reverse: bool,
        cache_blocks: bool,
        read_ahead_bytes: Option<u32>,
        fetch_tasks: Option<u32>,
    ) -> Promise {
        let lower = bound(lower, lower_inclusive);
        let upper = bound(upper, upper_inclusive);
        if !range_non_empty(&lower, &upper) {
            return match self.handle() {
                Ok(_) => {
                    let empty: JsValue = ScanIterator::new(None).into();
                    Promise::resolve(&empty)
                }
                Err(e) => Promise::reject(&e),
            };
        }
        self.run(move |db| async move {
            let options = ScanOptions {
                order: if reverse {
                    IterationOrder::Descending
                } else {
                    IterationOrder::Ascending
                },
                cache_blocks,
                read_ahead_bytes: read_ahead_bytes.map_or(1, |n| n.max(1) as usize),
                max_fetch_tasks: fetch_tasks.map_or(1, |n| n.max(1) as usize),
                ..ScanOptions::default()
            };
            let iter = db
                .scan_with_options((lower, upper), &options)
                .await
                .map_err(from_slatedb)?;
            Ok(ScanIterator::new(Some(iter)).into())
        })
    }

    /// Flushes the WAL (`"wal"`, the default) or the memtable (`"memtable"`) to object storage.
    pub fn flush(&self, kind: Option<String>) -> Promise {
        let flush_type = match kind.as_deref() {
            None | Some("wal") => FlushType::Wal,
            Some("memtable") => FlushType::MemTable,
            Some(other) => {
                return Promise::reject(&invalid(&format!(
                    "unknown flush kind \"{other}\"; use \"wal\" or \"memtable\""
                )))
            }
        };
        self.run(move |db| async move {
            db.flush_with_options(FlushOptions { flush_type })
                .await
                .map_err(from_slatedb)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// A JSON summary of the current manifest: its id, epochs, L0 SSTs and sorted runs.
    pub fn manifest(&self) -> Result<String, JsValue> {
        let db = self.handle()?;
        let m = db.manifest();
        let runs: Vec<_> = m
            .compacted()
            .iter()
            .map(|sr| json!({ "id": sr.id, "ssts": sr.sst_views().len(), "bytes": sr.estimate_size() }))
            .collect();
        Ok(json!({
            "id": m.id(),
            "writerEpoch": m.writer_epoch(),
            "compactorEpoch": m.compactor_epoch(),
            "l0": m.l0().len(),
            "sortedRuns": runs,
        })
        .to_string())
    }

    /// Closes the database: flushes, stops background tasks, releases the handle. Idempotent.
    /// Bounded by `closeTimeout`: SlateDB's close can wait forever on a background task that got
    /// stuck after it met damaged data; then the tasks are cut off from the store (as after a
    /// failed open) and the close fails with `INTERNAL`. Either way, once it settles, nothing of
    /// this database touches the store any more.
    pub fn close(&self) -> Promise {
        let db = self.db.borrow_mut().take();
        let store = self.store.clone();
        let timeout_ms = self.close_timeout_ms;
        future_to_promise(async move {
            let Some(db) = db else {
                return Ok(JsValue::UNDEFINED);
            };
            let closing = Box::pin(db.close());
            let mut timer = Timer::start(timeout_ms);
            let outcome = futures::future::select(closing, &mut timer.fired).await;
            store.shut_off().await;
            match outcome {
                futures::future::Either::Left((closed, _)) => closed.map_err(from_slatedb)?,
                futures::future::Either::Right(_) => {
                    return Err(js_error(
                        "INTERNAL",
                        &format!(
                            "closing the database did not finish within {timeout_ms} ms (setting closeTimeout): a \
                             background task of SlateDB is stuck, most likely after it met damaged data (see the error \
                             that came before); its work was cut off from the object store. What was acknowledged as \
                             durable is in the store; check the database (reopen it) before using it again"
                        ),
                    ))
                }
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}
