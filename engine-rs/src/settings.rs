//! SlateDB `Settings` from the JSON the TypeScript layer passes. Keys may be SlateDB's snake_case
//! names or camelCase; durations may be SlateDB's strings ("100ms", "5s") or numbers of
//! milliseconds. Unknown keys are rejected with the list of valid ones, so a typo never silently
//! falls back to a default.

use serde_json::Value;
use slatedb::Settings;

/// Defaults for wasm: memory is a single linear space (4 GiB at most, far less on edge runtimes)
/// and SSTs are buffered whole before upload, so sizes are smaller than SlateDB's native defaults.
fn wasm_defaults() -> Value {
    serde_json::json!({
        "l0_sst_size_bytes": 4 * 1024 * 1024,
        "max_unflushed_bytes": 64 * 1024 * 1024,
        "compactor_options": { "worker": { "max_sst_size": 16 * 1024 * 1024 } },
    })
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

/// Builds `Settings` from SlateDB's defaults, then wasm defaults, then the caller's JSON.
pub fn settings_from_json(json: Option<&str>) -> Result<Settings, String> {
    let mut value = serde_json::to_value(Settings::default()).map_err(|e| e.to_string())?;
    merge_into(&mut value, &wasm_defaults())?;
    if let Some(json) = json.filter(|j| !j.trim().is_empty()) {
        let overrides: Value =
            serde_json::from_str(json).map_err(|e| format!("settings are not valid JSON: {e}"))?;
        merge_into(&mut value, &overrides)?;
    }
    serde_json::from_value(value).map_err(|e| format!("invalid SlateDB settings: {e}"))
}
