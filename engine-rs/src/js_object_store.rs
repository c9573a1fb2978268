//! `object_store::ObjectStore` over a JavaScript object with the methods of the TypeScript
//! `ObjectStore` interface (`put`, `get`, `head`, `list`, `delete`, `copy`; see
//! `ts/object-stores/object-store.ts`).
//!
//! SlateDB requires `Send` futures, and JS values are not `Send`. The module is single-threaded
//! (built without atomics), so each call's JS work is wrapped in a `SendWrapper`: it would panic
//! only if touched from another thread, and there is none. Dropping a call's future does not
//! cancel the JS promise; SlateDB copes with ambiguous puts through its put-id metadata, which is
//! why stores must round-trip user metadata.

use std::fmt;
use std::ops::Range;
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

/// The JS store, shareable across SlateDB's components.
#[derive(Clone)]
pub struct JsObjectStore {
    store: Arc<SendWrapper<JsValue>>,
}

impl JsObjectStore {
    /// Wraps a JS object; the caller (TypeScript) has checked it has every method.
    pub fn new(store: JsValue) -> Self {
        Self {
            store: Arc::new(SendWrapper::new(store)),
        }
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

/// Maps a thrown JS value to object_store's error kinds by its `code` property.
fn map_error(path: &str, err: JsValue) -> object_store::Error {
    let code = Reflect::get(&err, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    let message = Reflect::get(&err, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| err.as_string())
        .unwrap_or_else(|| format!("{err:?}"));
    let source = Box::new(JsFailure(message));
    let path = path.to_string();
    match code.as_str() {
        "NotFound" => object_store::Error::NotFound { path, source },
        "AlreadyExists" => object_store::Error::AlreadyExists { path, source },
        "Precondition" => object_store::Error::Precondition { path, source },
        // Permanent failures: SlateDB retries every other error (with backoff, forever by
        // default), which would turn a bad call into a hang.
        "InvalidArgument" | "InvalidRange" => object_store::Error::NotSupported { source },
        _ => object_store::Error::Generic {
            store: STORE_NAME,
            source,
        },
    }
}

/// Calls `store[method](...args)` and awaits the returned promise (or value).
async fn call(store: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let func: Function = Reflect::get(store, &method.into())?.dyn_into()?;
    let args: Array = args.iter().collect();
    // A method that throws before returning a promise is broken, not unavailable: don't retry.
    let returned = func.apply(store, &args).map_err(|thrown| {
        let message = Reflect::get(&thrown, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| format!("{thrown:?}"));
        crate::error::js_error(
            "InvalidArgument",
            &format!("object store method {method}() threw: {message}"),
        )
    })?;
    JsFuture::from(Promise::resolve(&returned)).await
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
    async fn list_all(&self, prefix: String, offset: Option<String>) -> Result<Vec<ObjectMeta>> {
        let store = self.store.clone();
        SendWrapper::new(async move {
            let options = Object::new();
            if let Some(offset) = &offset {
                let _ = Reflect::set(&options, &"offset".into(), &offset.into());
            }
            let listed = call(&store, "list", &[prefix.clone().into(), options.into()])
                .await
                .map_err(|e| map_error(&prefix, e))?;
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
        let store = self.store.clone();
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
                &store,
                "put",
                &[key.clone().into(), bytes.into(), options.into()],
            )
            .await
            .map_err(|e| map_error(&key, e))?;
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
        let store = self.store.clone();
        let key = location.as_ref().to_string();
        SendWrapper::new(async move {
            if options.head {
                let head = call(&store, "head", &[key.clone().into()])
                    .await
                    .map_err(|e| map_error(&key, e))?;
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
            let got = call(&store, "get", &[key.clone().into(), js_options.into()])
                .await
                .map_err(|e| map_error(&key, e))?;
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
                let store = this.store.clone();
                async move {
                    let location = location?;
                    let key = location.as_ref().to_string();
                    SendWrapper::new(async move {
                        call(&store, "delete", &[key.clone().into()])
                            .await
                            .map_err(|e| map_error(&key, e))
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
        let store = self.store.clone();
        let from = from.as_ref().to_string();
        let to = to.as_ref().to_string();
        let if_not_exists = matches!(options.mode, CopyMode::Create);
        SendWrapper::new(async move {
            let js_options = Object::new();
            let _ = Reflect::set(&js_options, &"ifNotExists".into(), &if_not_exists.into());
            call(
                &store,
                "copy",
                &[from.clone().into(), to.clone().into(), js_options.into()],
            )
            .await
            .map_err(|e| map_error(&to, e))?;
            Ok(())
        })
        .await
    }
}
