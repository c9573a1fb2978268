//! Compact binary encodings for data crossing the wasm boundary in bulk: one copy per batch of
//! writes or page of scan results instead of one JS object per entry. Integers are u32
//! little-endian.
//!
//! - write batch: repeated `op:u8 (1 put, 0 delete) | klen:u32 | key | [vlen:u32 | value]`
//! - entry page:  repeated `klen:u32 | key | vlen:u32 | value`

/// One operation of a decoded write batch.
pub enum BatchOp<'a> {
    Put(&'a [u8], &'a [u8]),
    Delete(&'a [u8]),
}

/// Decodes a write batch; `Err` says what is malformed.
pub fn decode_batch(buf: &[u8]) -> Result<Vec<BatchOp<'_>>, String> {
    let mut ops = Vec::new();
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = at.checked_add(n).filter(|&e| e <= buf.len());
        let end = end.ok_or_else(|| format!("write batch truncated at byte {at}"))?;
        let slice = &buf[*at..end];
        *at = end;
        Ok(slice)
    };
    let read_u32 = |at: &mut usize| -> Result<usize, String> {
        let b = take(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    while at < buf.len() {
        let op = take(&mut at, 1)?[0];
        let klen = read_u32(&mut at)?;
        let key = take(&mut at, klen)?;
        match op {
            1 => {
                let vlen = read_u32(&mut at)?;
                ops.push(BatchOp::Put(key, take(&mut at, vlen)?));
            }
            0 => ops.push(BatchOp::Delete(key)),
            other => return Err(format!("unknown write batch operation {other}")),
        }
    }
    Ok(ops)
}

/// Appends one entry to a page.
pub fn push_entry(page: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    page.extend_from_slice(&(key.len() as u32).to_le_bytes());
    page.extend_from_slice(key);
    page.extend_from_slice(&(value.len() as u32).to_le_bytes());
    page.extend_from_slice(value);
}
