//! SlateDB `Settings` from the JSON the TypeScript layer passes. Keys may be SlateDB's snake_case
//! names or camelCase; durations may be SlateDB's strings ("100ms", "5s") or numbers of
//! milliseconds. Unknown keys are rejected with the list of valid ones, so a typo never silently
//! falls back to a default.

use serde_json::Value;
use slatedb::config::SstBlockSize;
use slatedb::Settings;

/// Default retry bound of an object-store call: SlateDB waits 100 ms, doubling up to 1 s, between
/// attempts, so 20 retries give up after about 17 s. (SlateDB's own default is unbounded: a store
/// that keeps failing would make every call, open included, wait forever.)
pub const DEFAULT_OBJECT_STORE_MAX_RETRIES: u32 = 20;

/// The most retries allowed (about 17 minutes of a failing store).
const MAX_OBJECT_STORE_MAX_RETRIES: u64 = 1000;

/// Defaults for wasm: memory is a single linear space (4 GiB at most, far less on edge runtimes)
/// and SSTs are buffered whole before upload, so sizes are smaller than SlateDB's native defaults.
/// Object-store retries are bounded.
fn wasm_defaults() -> Value {
    serde_json::json!({
        "l0_sst_size_bytes": 4 * 1024 * 1024,
        "max_unflushed_bytes": 64 * 1024 * 1024,
        "compactor_options": { "worker": { "max_sst_size": 16 * 1024 * 1024 } },
        "object_store_max_retries": DEFAULT_OBJECT_STORE_MAX_RETRIES,
        "garbage_collector_options": {
            "manifest_options": gc_directory(),
            "wal_options": gc_directory(),
            "compacted_options": gc_directory(),
            "compactions_options": gc_directory(),
        },
    })
}

/// How often the garbage collector looks at each directory, and the least age of an object it
/// deletes. SlateDB's defaults (every 60 s, 5 minutes) let a partition that rewrites its keys
/// often hold many times its live data: WAL and compacted SSTs, and the old manifests that keep
/// compacted SSTs referenced, pile up for the whole minimum age. With these, an unreferenced object
/// is deleted 30 to 45 s after it was written. The age still covers what it is there for: an SST
/// written but not yet in the manifest (the compactor's and flusher's own guards cover it too) and
/// a stalled, fenced writer (the lease and fencing cover it too). The WAL fence objects stay as
/// SlateDB leaves them (never deleted).
fn gc_directory() -> Value {
    serde_json::json!({ "interval": "15s", "min_age": "30s" })
}

/// Checks what the engine requires beyond SlateDB's own validation: a bounded retry count.
fn check_bounds(value: &Value) -> Result<(), String> {
    match value.get("object_store_max_retries") {
        Some(Value::Number(n)) if n.as_u64().is_some_and(|n| n <= MAX_OBJECT_STORE_MAX_RETRIES) => Ok(()),
        other => Err(format!(
            "setting \"object_store_max_retries\" (objectStoreMaxRetries) must be a whole number of retries from 0 to \
             {MAX_OBJECT_STORE_MAX_RETRIES} (default {DEFAULT_OBJECT_STORE_MAX_RETRIES}), got {}: unbounded retries would let \
             a failing object store make calls wait forever",
            other.map_or("nothing".to_string(), |v| v.to_string())
        )),
    }
}

fn snake_case(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Merges `overrides` into `base` in place; `path` names the level for error messages.
fn merge(base: &mut Value, overrides: &Value, path: &str) -> Result<(), String> {
    let (Value::Object(base_map), Value::Object(over_map)) = (&mut *base, overrides) else {
        *base = overrides.clone();
        return Ok(());
    };
    for (raw_key, value) in over_map {
        let key = snake_case(raw_key);
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some(current) = base_map.get_mut(&key) else {
            let mut known: Vec<&String> = base_map.keys().collect();
            known.sort();
            let known: Vec<&str> = known.iter().map(|k| k.as_str()).collect();
            return Err(format!(
                "unknown SlateDB setting \"{here}\"; valid settings here are: {}",
                known.join(", ")
            ));
        };
        // SlateDB names codecs as enum variants ("Lz4"); accept the lowercase spelling too.
        let value = &match (key.as_str(), value) {
            ("compression_codec", Value::String(codec)) => Value::String(codec_variant(codec)),
            _ => value.clone(),
        };
        match (&*current, value) {
            // A duration given as a number of milliseconds.
            (Value::String(_), Value::Number(n)) => {
                let ms = n.as_f64().filter(|v| *v >= 0.0).ok_or_else(|| {
                    format!("setting \"{here}\" must be a non-negative number of milliseconds")
                })?;
                *current = Value::String(format!("{}ms", ms.round() as u64));
            }
            (Value::Object(_), Value::Object(_)) => merge(current, value, &here)?,
            _ => *current = value.clone(),
        }
    }
    Ok(())
}

fn codec_variant(codec: &str) -> String {
    match codec.to_ascii_lowercase().as_str() {
        "snappy" => "Snappy".into(),
        "lz4" => "Lz4".into(),
        "zlib" => "Zlib".into(),
        "zstd" => "Zstd".into(),
        _ => codec.to_string(),
    }
}

fn merge_into(base: &mut Value, overrides: &Value) -> Result<(), String> {
    if !overrides.is_object() {
        return Err("settings must be a JSON object".into());
    }
    merge(base, overrides, "")
}

/// Settings of the engine itself (not SlateDB's), given in the same JSON object.
pub struct EngineSettings {
    /// `objectStoreTimeout`: a call to the JS object store not answered within this many ms fails
    /// as transient (and SlateDB retries it, bounded), so a store that stalls cannot hang a call.
    pub object_store_timeout_ms: u32,
    /// `closeTimeout`: `close()` gives up waiting for SlateDB's background tasks after this many ms
    /// (a task stuck after it met damaged data would make it wait forever), cuts them off from the
    /// store and fails with `INTERNAL`.
    pub close_timeout_ms: u32,
    /// `sstBlockSize`: the size of the data blocks of the SSTs this database writes (L0 flushes and
    /// compactions), passed to `DbBuilder::with_sst_block_size`. A block is the unit of every
    /// object-store read of SST data and of the block cache. Reading does not depend on it: SSTs
    /// written with any block size read back whatever this is set to.
    pub sst_block_size: SstBlockSize,
}

impl Default for EngineSettings {
    fn default() -> Self {
        EngineSettings {
            object_store_timeout_ms: DEFAULT_OBJECT_STORE_TIMEOUT_MS,
            close_timeout_ms: DEFAULT_CLOSE_TIMEOUT_MS,
            sst_block_size: DEFAULT_SST_BLOCK_SIZE,
        }
    }
}

/// Default of `sstBlockSize`: 16 KiB, not SlateDB's 4 KiB. Measured (docs/benchmarks.md, "The SST
/// block size"): a cold point read that misses the cache costs one object-store GET per block, and
/// on S3 (30 ms per request) 16 KiB blocks made 3.7x fewer GETs and 3.8x the cold-read rate of
/// 4 KiB, while on local files and in memory no row moved beyond noise. 64 KiB cut GETs further
/// but reads 16x the bytes of 4 KiB per sparse miss and fills the block cache with a quarter of the
/// distinct blocks of 16 KiB; users with large, densely read partitions on S3 can set it.
pub const DEFAULT_SST_BLOCK_SIZE: SstBlockSize = SstBlockSize::Block16Kib;

/// The block sizes SlateDB supports, in bytes.
const SST_BLOCK_SIZES: [(u64, SstBlockSize); 7] = [
    (1024, SstBlockSize::Block1Kib),
    (2048, SstBlockSize::Block2Kib),
    (4096, SstBlockSize::Block4Kib),
    (8192, SstBlockSize::Block8Kib),
    (16384, SstBlockSize::Block16Kib),
    (32768, SstBlockSize::Block32Kib),
    (65536, SstBlockSize::Block64Kib),
];

fn sst_block_size(value: &Value) -> Result<SstBlockSize, String> {
    let found = value
        .as_u64()
        .and_then(|bytes| SST_BLOCK_SIZES.iter().find(|(b, _)| *b == bytes));
    match found {
        Some((_, size)) => Ok(*size),
        None => {
            let valid: Vec<String> = SST_BLOCK_SIZES.iter().map(|(b, _)| b.to_string()).collect();
            Err(format!(
                "setting \"sstBlockSize\" must be one of {} (bytes; default {}), got {value}",
                valid.join(", "),
                DEFAULT_SST_BLOCK_SIZE.as_bytes()
            ))
        }
    }
}

/// Default of `closeTimeout`.
pub const DEFAULT_CLOSE_TIMEOUT_MS: u32 = 60_000;

/// Default of `objectStoreTimeout`: long enough for a 64 MiB upload over a slow link.
pub const DEFAULT_OBJECT_STORE_TIMEOUT_MS: u32 = 60_000;
const OBJECT_STORE_TIMEOUT_RANGE_MS: (u64, u64) = (100, 3_600_000);

/// Takes the engine's own keys out of the caller's settings.
fn take_engine_settings(overrides: &mut Value) -> Result<EngineSettings, String> {
    let mut engine = EngineSettings::default();
    let Value::Object(map) = overrides else {
        return Ok(engine);
    };
    for key in ["objectStoreTimeout", "object_store_timeout"] {
        let Some(value) = map.remove(key) else {
            continue;
        };
        let (least, most) = OBJECT_STORE_TIMEOUT_RANGE_MS;
        let ms = value.as_u64().filter(|ms| (least..=most).contains(ms)).ok_or_else(|| {
            format!(
                "setting \"objectStoreTimeout\" must be a whole number of milliseconds from {least} to {most} \
                 (default {DEFAULT_OBJECT_STORE_TIMEOUT_MS}), got {value}"
            )
        })?;
        engine.object_store_timeout_ms = ms as u32;
    }
    for key in ["closeTimeout", "close_timeout"] {
        let Some(value) = map.remove(key) else {
            continue;
        };
        let (least, most) = OBJECT_STORE_TIMEOUT_RANGE_MS;
        let ms = value.as_u64().filter(|ms| (least..=most).contains(ms)).ok_or_else(|| {
            format!(
                "setting \"closeTimeout\" must be a whole number of milliseconds from {least} to {most} \
                 (default {DEFAULT_CLOSE_TIMEOUT_MS}), got {value}"
            )
        })?;
        engine.close_timeout_ms = ms as u32;
    }
    for key in ["sstBlockSize", "sst_block_size"] {
        if let Some(value) = map.remove(key) {
            engine.sst_block_size = sst_block_size(&value)?;
        }
    }
    Ok(engine)
}

/// Builds `Settings` from SlateDB's defaults, then wasm defaults, then the caller's JSON; and the
/// engine's own settings from the same JSON.
pub fn settings_from_json(json: Option<&str>) -> Result<(Settings, EngineSettings), String> {
    let mut value = serde_json::to_value(Settings::default()).map_err(|e| e.to_string())?;
    merge_into(&mut value, &wasm_defaults())?;
    let mut engine = EngineSettings::default();
    if let Some(json) = json.filter(|j| !j.trim().is_empty()) {
        let mut overrides: Value =
            serde_json::from_str(json).map_err(|e| format!("settings are not valid JSON: {e}"))?;
        engine = take_engine_settings(&mut overrides)?;
        merge_into(&mut value, &overrides)?;
    }
    check_bounds(&value)?;
    let settings =
        serde_json::from_value(value).map_err(|e| format!("invalid SlateDB settings: {e}"))?;
    Ok((settings, engine))
}
