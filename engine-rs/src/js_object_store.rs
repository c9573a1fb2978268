//! `object_store::ObjectStore` over a JavaScript object with the methods of the TypeScript
//! `ObjectStore` interface (`put`, `get`, `head`, `list`, `delete`, `copy`; see
//! `ts/object-stores/object-store.ts`).
//!
//! SlateDB requires `Send` futures, and JS values are not `Send`. The module is single-threaded
//! (built without atomics), so each call's JS work is wrapped in a `SendWrapper`: it would panic
//! only if touched from another thread, and there is none. Dropping a call's future does not
//! cancel the JS promise; SlateDB copes with ambiguous puts through its put-id metadata, which is
//! why stores must round-trip user metadata.
//!
//! Failures: a JS error's `code` decides what SlateDB does with it (see [`map_error`]). Answers
//! (`NotFound`, `AlreadyExists`, `Precondition`) and permanent failures (`InvalidArgument`,
//! `InvalidRange`, `DataCorruption`, a `ReferenceError` or `SyntaxError`, and any error whose
//! `retryable` property is `false`, such as an S3StoreError for denied access) are not retried; the
//! permanent ones carry their code in brackets at the start of the message (`[DataCorruption] ...`),
//! which `error::from_slatedb` reads back. Anything else is transient: SlateDB retries it at most
//! `object_store_max_retries` times, and each failure is logged at warn through the `warn`
//! function the caller gave, with the method, the key and the error.
//!
//! [`JsObjectStore::shut_off`] ends a store's use: after a failed open, SlateDB's background tasks
//! (started before the failure and not stopped by it) may still be running; every call they make
//! from then on fails at once, without reaching the JS store, so they stop and touch nothing.

use std::fmt;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use futures::stream::{self, BoxStream, StreamExt};
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use object_store::path::Path;
use object_store::{
    Attribute, AttributeValue, Attributes, CopyMode, CopyOptions, GetOptions, GetRange, GetResult,
    GetResultPayload, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMode,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, Result,
};
use send_wrapper::SendWrapper;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const STORE_NAME: &str = "JsObjectStore";

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// What every clone of a [`JsObjectStore`] shares.
struct Shared {
    store: SendWrapper<JsValue>,
    /// `warn(message)`, where transient failures are logged; `None`: not logged.
    warn: SendWrapper<Option<Function>>,
    /// SlateDB's retry bound, for the log lines.
    max_retries: u32,
    /// A call not answered within this many ms fails as transient (so SlateDB retries it, bounded);
    /// `None`: calls may wait as long as the store takes.
    timeout_ms: Option<u32>,
    /// Set by [`JsObjectStore::shut_off`]: every call fails at once.
    shut_off: AtomicBool,
    /// JS calls started and not yet answered.
    in_flight: AtomicUsize,
}

/// The JS store, shareable across SlateDB's components.
#[derive(Clone)]
pub struct JsObjectStore {
    shared: Arc<Shared>,
}

/// How long [`JsObjectStore::shut_off`] waits for calls already made to be answered.
const SHUT_OFF_WAIT_MS: u32 = 5_000;

impl JsObjectStore {
    /// Wraps a JS object; the caller (TypeScript) has checked it has every method. `warn`, when a
    /// function, receives one line per transient failure; `max_retries` is SlateDB's bound;
    /// `timeout_ms` bounds each call.
    pub fn new(
        store: JsValue,
        warn: Option<Function>,
        max_retries: u32,
        timeout_ms: Option<u32>,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                store: SendWrapper::new(store),
                warn: SendWrapper::new(warn),
                max_retries,
                timeout_ms,
                shut_off: AtomicBool::new(false),
                in_flight: AtomicUsize::new(0),
            }),
        }
    }

    /// Ends this store's use: every later call fails at once (a permanent error), so background
    /// tasks still holding it stop without touching the objects. Then waits (at most a few
    /// seconds) for the calls already made to be answered, so none lands after this returns.
    pub async fn shut_off(&self) {
        self.shared.shut_off.store(true, Ordering::SeqCst);
        let mut waited = 0;
        while self.shared.in_flight.load(Ordering::SeqCst) > 0 && waited < SHUT_OFF_WAIT_MS {
            sleep_ms(20).await;
            waited += 20;
        }
    }
}

/// Resolves after `ms` milliseconds (a JS `setTimeout`).
async fn sleep_ms(ms: u32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let global = js_sys::global();
        if let Ok(set_timeout) = Reflect::get(&global, &"setTimeout".into()) {
            if let Ok(set_timeout) = set_timeout.dyn_into::<Function>() {
                let _ = set_timeout.call2(&global, &resolve, &JsValue::from(ms));
                return;
            }
        }
        let _ = resolve.call0(&JsValue::UNDEFINED);
    });
    let _ = JsFuture::from(promise).await;
}

/// A JS `setTimeout` resolving a promise, cleared when dropped (so an answered call leaves no
/// timer behind to keep the process alive).
pub(crate) struct Timer {
    id: JsValue,
    pub(crate) fired: JsFuture,
}

impl Timer {
    pub(crate) fn start(ms: u32) -> Self {
        let mut id = JsValue::UNDEFINED;
        let promise = Promise::new(&mut |resolve, _reject| {
            let global = js_sys::global();
            if let Ok(set_timeout) =
                Reflect::get(&global, &"setTimeout".into()).and_then(|f| f.dyn_into::<Function>())
            {
                id = set_timeout
                    .call2(&global, &resolve, &JsValue::from(ms))
                    .unwrap_or(JsValue::UNDEFINED);
            }
        });
        Self {
            id,
            fired: JsFuture::from(promise),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let global = js_sys::global();
        if let Ok(clear) =
            Reflect::get(&global, &"clearTimeout".into()).and_then(|f| f.dyn_into::<Function>())
        {
            let _ = clear.call1(&global, &self.id);
        }
    }
}

/// Counts a JS call in flight until dropped.
struct InFlight<'a>(&'a AtomicUsize);

impl<'a> InFlight<'a> {
    fn start(counter: &'a AtomicUsize) -> Self {
        counter.fetch_add(1, Ordering::SeqCst);
        Self(counter)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl fmt::Debug for JsObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{STORE_NAME}")
    }
}

impl fmt::Display for JsObjectStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{STORE_NAME}")
    }
}

/// A JS failure, kept as text so it can cross into `object_store::Error` (which needs Send).
#[derive(Debug)]
struct JsFailure(String);

impl fmt::Display for JsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsFailure {}

/// A permanent failure: SlateDB does not retry `NotSupported`. The message starts with `[code]`.
fn permanent(code: &str, message: String) -> object_store::Error {
    object_store::Error::NotSupported {
        source: Box::new(JsFailure(format!("[{code}] {message}"))),
    }
}

/// The tag of a failure the store said is not worth repeating; the message goes on with the
/// store's code (`[Refused] S3_ACCESS_DENIED: ...`).
pub(crate) const REFUSED_CODE: &str = "Refused";

fn bool_prop(value: &JsValue, name: &str) -> Option<bool> {
    Reflect::get(value, &name.into())
        .ok()
        .and_then(|v| v.as_bool())
}

fn string_prop(value: &JsValue, name: &str) -> Option<String> {
    Reflect::get(value, &name.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// Maps a thrown JS value to object_store's error kinds by its `code` property (and, without
/// one, its `name`), logging the transient ones.
fn map_error(shared: &Shared, method: &str, path: &str, err: JsValue) -> object_store::Error {
    let code = string_prop(&err, "code").unwrap_or_default();
    let name = string_prop(&err, "name").unwrap_or_default();
    let message = string_prop(&err, "message")
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"));
    let source = Box::new(JsFailure(message.clone()));
    let key = path.to_string();
    match code.as_str() {
        "NotFound" => object_store::Error::NotFound { path: key, source },
        "AlreadyExists" => object_store::Error::AlreadyExists { path: key, source },
        "Precondition" => object_store::Error::Precondition { path: key, source },
        // Permanent failures: retrying them would only turn a bad call into a wait.
        "InvalidArgument" | "InvalidRange" | "DataCorruption" => permanent(&code, message),
        // No code: a ReferenceError or SyntaxError is a bug in the store (seen: a bundled SDK
        // missing a global in workerd), never transient.
        "" if name == "ReferenceError" || name == "SyntaxError" => permanent(
            "StoreBug",
            format!("object store {method}(\"{path}\") failed with a {name}: {message}"),
        ),
        // A store failure that says repeating it cannot help (`retryable: false`, as an
        // S3StoreError for denied access, a missing bucket or an unusable client): permanent,
        // carrying the store's own code, which `error::from_slatedb` gives the caller.
        _ if !code.is_empty() && bool_prop(&err, "retryable") == Some(false) => {
            permanent(REFUSED_CODE, format!("{code}: {message}"))
        }
        _ => {
            let shown = if code.is_empty() {
                message
            } else {
                format!("{message} (code {code})")
            };
            transient(shared, method, path, shown)
        }
    }
}

/// A transient failure, which SlateDB retries (bounded): logged at warn, with the call and key.
fn transient(shared: &Shared, method: &str, path: &str, message: String) -> object_store::Error {
    if let Some(warn) = shared.warn.as_ref() {
        let line = format!(
            "Object store {method}(\"{path}\") failed: {message}. Treated as transient: SlateDB retries it with \
             backoff, at most {} times (setting objectStoreMaxRetries), then fails the call.",
            shared.max_retries,
        );
        let _ = warn.call1(&JsValue::NULL, &line.into());
    }
    object_store::Error::Generic {
        store: STORE_NAME,
        source: Box::new(JsFailure(message)),
    }
}

/// The code of a call made after [`JsObjectStore::shut_off`].
const SHUT_OFF_CODE: &str = "ShutOff";

/// Calls `store[method](...args)` and awaits the returned promise (or value); `path` names the
/// key (or prefix) for errors and log lines.
async fn call(shared: &Shared, method: &str, path: &str, args: &[JsValue]) -> Result<JsValue> {
    if shared.shut_off.load(Ordering::SeqCst) {
        return Err(permanent(
            SHUT_OFF_CODE,
            format!(
                "object store {method}(\"{path}\") refused: this database's open failed, and what it \
                 had started is being stopped"
            ),
        ));
    }
    let _in_flight = InFlight::start(&shared.in_flight);
    let store: &JsValue = &shared.store;
    let func: Function = Reflect::get(store, &method.into())
        .and_then(|f| f.dyn_into::<Function>())
        .map_err(|e| map_error(shared, method, path, e))?;
    let args: Array = args.iter().collect();
    // A method that throws before returning a promise is broken, not unavailable: don't retry.
    let returned = func.apply(store, &args).map_err(|thrown| {
        let message = string_prop(&thrown, "message").unwrap_or_else(|| format!("{thrown:?}"));
        permanent(
            "InvalidArgument",
            format!("object store method {method}() threw: {message}"),
        )
    })?;
    let answer = JsFuture::from(Promise::resolve(&returned));
    let Some(timeout_ms) = shared.timeout_ms else {
        return answer.await.map_err(|e| map_error(shared, method, path, e));
    };
    let mut timer = Timer::start(timeout_ms);
    match futures::future::select(answer, &mut timer.fired).await {
        futures::future::Either::Left((answered, _)) => {
            answered.map_err(|e| map_error(shared, method, path, e))
        }
        futures::future::Either::Right(_) => Err(transient(
            shared,
            method,
            path,
            format!("no answer within {timeout_ms} ms (setting objectStoreTimeout)"),
        )),
    }
}

fn get_prop(obj: &JsValue, name: &str) -> JsValue {
    Reflect::get(obj, &name.into()).unwrap_or(JsValue::UNDEFINED)
}

fn opt_string(obj: &JsValue, name: &str) -> Option<String> {
    get_prop(obj, name).as_string()
}

fn number(obj: &JsValue, name: &str) -> f64 {
    get_prop(obj, name).as_f64().unwrap_or(0.0)
}

fn millis_to_datetime(ms: f64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms as i64)
        .single()
        .unwrap_or_else(|| DateTime::<Utc>::from_timestamp(0, 0).expect("epoch"))
}

fn path_from_key(key: &str) -> Path {
    Path::parse(key).unwrap_or_else(|_| Path::from(key))
}

fn meta_from_js(obj: &JsValue, fallback_key: &str) -> ObjectMeta {
    let key = opt_string(obj, "key").unwrap_or_else(|| fallback_key.to_string());
    ObjectMeta {
        location: path_from_key(&key),
        last_modified: millis_to_datetime(number(obj, "lastModified")),
        size: number(obj, "size") as u64,
        e_tag: opt_string(obj, "etag"),
        version: opt_string(obj, "version"),
    }
}

fn attributes_from_js(metadata: &JsValue) -> Attributes {
    let mut attributes = Attributes::new();
    if metadata.is_object() {
        for entry in Object::entries(metadata.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                attributes.insert(Attribute::Metadata(k.into()), AttributeValue::from(v));
            }
        }
    }
    attributes
}

fn metadata_to_js(attributes: &Attributes) -> Object {
    let metadata = Object::new();
    for (attribute, value) in attributes {
        if let Attribute::Metadata(k) = attribute {
            let _ = Reflect::set(&metadata, &k.as_ref().into(), &value.as_ref().into());
        }
    }
    metadata
}

/// The JS listing prefix for an object_store prefix: whole path segments only.
fn list_prefix(prefix: Option<&Path>) -> String {
    match prefix {
        Some(p) if !p.as_ref().is_empty() => format!("{}/", p.as_ref()),
        _ => String::new(),
    }
}

impl JsObjectStore {
    /// Every object under `prefix` (a whole-segment prefix ending in `/`), after `offset`.
    pub(crate) async fn list_all(
        &self,
        prefix: String,
        offset: Option<String>,
    ) -> Result<Vec<ObjectMeta>> {
        let shared = self.shared.clone();
        SendWrapper::new(async move {
            let options = Object::new();
            if let Some(offset) = &offset {
                let _ = Reflect::set(&options, &"offset".into(), &offset.into());
            }
            let listed = call(
                &shared,
                "list",
                &prefix,
                &[prefix.clone().into(), options.into()],
            )
            .await?;
            let listed: Array = listed
                .dyn_into()
                .map_err(|_| object_store::Error::Generic {
                    store: STORE_NAME,
                    source: Box::new(JsFailure("list() must resolve to an array".into())),
                })?;
            Ok(listed.iter().map(|m| meta_from_js(&m, "")).collect())
        })
        .await
    }

    fn list_stream(
        &self,
        prefix: Option<&Path>,
        offset: Option<&Path>,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        let this = self.clone();
        let prefix = list_prefix(prefix);
        let offset = offset.map(|o| o.as_ref().to_string());
        stream::once(async move { this.list_all(prefix, offset).await })
            .flat_map(|listed| match listed {
                Ok(metas) => stream::iter(metas.into_iter().map(Ok)).boxed(),
                Err(e) => stream::iter([Err(e)]).boxed(),
            })
            .boxed()
    }
}

#[async_trait]
impl ObjectStore for JsObjectStore {
    async fn put_opts(
        &self,
        location: &Path,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        let shared = self.shared.clone();
        let key = location.as_ref().to_string();
        let mut data = Vec::with_capacity(payload.content_length());
        payload
            .iter()
            .for_each(|chunk| data.extend_from_slice(chunk));
        SendWrapper::new(async move {
            let options = Object::new();
            let mode: JsValue = match &opts.mode {
                PutMode::Overwrite => "overwrite".into(),
                PutMode::Create => "create".into(),
                PutMode::Update(version) => {
                    let v = Object::new();
                    if let Some(etag) = &version.e_tag {
                        let _ = Reflect::set(&v, &"etag".into(), &etag.into());
                    }
                    if let Some(ver) = &version.version {
                        let _ = Reflect::set(&v, &"version".into(), &ver.into());
                    }
                    v.into()
                }
            };
            let _ = Reflect::set(&options, &"mode".into(), &mode);
            let _ = Reflect::set(
                &options,
                &"metadata".into(),
                &metadata_to_js(&opts.attributes),
            );
            let bytes = Uint8Array::from(data.as_slice());
            let result = call(
                &shared,
                "put",
                &key,
                &[key.clone().into(), bytes.into(), options.into()],
            )
            .await?;
            Ok(PutResult {
                e_tag: opt_string(&result, "etag"),
                version: opt_string(&result, "version"),
                extensions: Default::default(),
            })
        })
        .await
    }

    async fn put_multipart_opts(
        &self,
        location: &Path,
        _opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        // SSTs are buffered whole on wasm (see the tablestore patch), so this is never reached.
        Err(object_store::Error::NotSupported {
            source: Box::new(JsFailure(format!(
                "multipart uploads are not supported by the JS object store bridge ({location})"
            ))),
        })
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        let shared = self.shared.clone();
        let key = location.as_ref().to_string();
        SendWrapper::new(async move {
            if options.head {
                let head = call(&shared, "head", &key, &[key.clone().into()]).await?;
                let meta = meta_from_js(&head, &key);
                options.check_preconditions(&meta)?;
                return Ok(GetResult {
                    payload: GetResultPayload::Stream(stream::empty().boxed()),
                    range: 0..meta.size,
                    meta,
                    attributes: attributes_from_js(&get_prop(&head, "metadata")),
                    extensions: Default::default(),
                });
            }
            let js_options = Object::new();
            if let Some(range) = &options.range {
                // SlateDB takes ranges from what it read (indexes, footers); one past what a JS
                // number can hold came from damaged bytes, and no store could serve it.
                let (first, last) = match range {
                    GetRange::Bounded(Range { start, end }) => (*start, *end),
                    GetRange::Offset(start) => (*start, *start),
                    GetRange::Suffix(n) => (*n, *n),
                };
                // A range that ends before it starts was computed from damaged bytes too (an SST
                // footer pointing past a truncated object): refuse it rather than slice with it.
                let backwards = matches!(range, GetRange::Bounded(Range { start, end }) if start > end);
                if first.max(last) > MAX_SAFE_INTEGER || backwards {
                    return Err(permanent(
                        "InvalidRange",
                        format!(
                            "range read of \"{key}\" at {first}..{last}, past any object's size: the range was read \
                             from damaged data"
                        ),
                    ));
                }
                let r = Object::new();
                match range {
                    GetRange::Bounded(Range { start, end }) => {
                        let _ = Reflect::set(&r, &"offset".into(), &(*start as f64).into());
                        let length = end.saturating_sub(*start) as f64;
                        let _ = Reflect::set(&r, &"length".into(), &length.into());
                    }
                    GetRange::Offset(start) => {
                        let _ = Reflect::set(&r, &"offset".into(), &(*start as f64).into());
                    }
                    GetRange::Suffix(n) => {
                        let _ = Reflect::set(&r, &"suffix".into(), &(*n as f64).into());
                    }
                }
                let _ = Reflect::set(&js_options, &"range".into(), &r);
            }
            let got = call(&shared, "get", &key, &[key.clone().into(), js_options.into()]).await?;
            let meta = meta_from_js(&get_prop(&got, "meta"), &key);
            options.check_preconditions(&meta)?;
            let data: Uint8Array =
                get_prop(&got, "data")
                    .dyn_into()
                    .map_err(|_| object_store::Error::Generic {
                        store: STORE_NAME,
                        source: Box::new(JsFailure(
                            "get() must return data as a Uint8Array".into(),
                        )),
                    })?;
            let bytes = Bytes::from(data.to_vec());
            let start = number(&got, "offset") as u64;
            let range = start..start + bytes.len() as u64;
            Ok(GetResult {
                payload: GetResultPayload::Stream(stream::once(async move { Ok(bytes) }).boxed()),
                range,
                meta,
                attributes: attributes_from_js(&get_prop(&got, "metadata")),
                extensions: Default::default(),
            })
        })
        .await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<Path>>,
    ) -> BoxStream<'static, Result<Path>> {
        let this = self.clone();
        locations
            .map(move |location| {
                let shared = this.shared.clone();
                async move {
                    let location = location?;
                    let key = location.as_ref().to_string();
                    SendWrapper::new(async move {
                        call(&shared, "delete", &key, &[key.clone().into()]).await
                    })
                    .await?;
                    Ok(location)
                }
            })
            .buffered(8)
            .boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_stream(prefix, None)
    }

    fn list_with_offset(
        &self,
        prefix: Option<&Path>,
        offset: &Path,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        self.list_stream(prefix, Some(offset))
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        let base = list_prefix(prefix);
        let metas = self.list_all(base.clone(), None).await?;
        let mut common_prefixes: Vec<Path> = Vec::new();
        let mut objects = Vec::new();
        for meta in metas {
            let rest = &meta.location.as_ref()[base.len().min(meta.location.as_ref().len())..];
            match rest.find('/') {
                Some(slash) => {
                    common_prefixes.push(path_from_key(&format!("{base}{}", &rest[..slash])))
                }
                None => objects.push(meta),
            }
        }
        // Listings come back in key order, so one directory's keys are adjacent.
        common_prefixes.dedup();
        Ok(ListResult {
            common_prefixes,
            objects,
            extensions: Default::default(),
        })
    }

    async fn copy_opts(&self, from: &Path, to: &Path, options: CopyOptions) -> Result<()> {
        let shared = self.shared.clone();
        let from = from.as_ref().to_string();
        let to = to.as_ref().to_string();
        let if_not_exists = matches!(options.mode, CopyMode::Create);
        SendWrapper::new(async move {
            let js_options = Object::new();
            let _ = Reflect::set(&js_options, &"ifNotExists".into(), &if_not_exists.into());
            let args: [JsValue; 3] = [from.clone().into(), to.clone().into(), js_options.into()];
            call(&shared, "copy", &to, &args).await?;
            Ok(())
        })
        .await
    }
}
