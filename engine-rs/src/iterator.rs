//! Paged scans: one call into wasm returns a page of entries encoded in one buffer (see
//! `codec`), so a scan costs one boundary crossing per page rather than per entry.

use std::rc::Rc;

use futures::lock::Mutex;
use js_sys::{Promise, Uint8Array};
use slatedb::DbIterator;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::codec::push_entry;
use crate::error::from_slatedb;

/// First byte of a page: more entries may follow this page.
pub const PAGE_MORE: u8 = 0;
/// First byte of a page: the scan is finished, nothing follows the entries of this page.
pub const PAGE_END: u8 = 1;

/// An open scan. `nextPage` resolves to an encoded page: one flag byte, [`PAGE_MORE`] or
/// [`PAGE_END`], then the entries. The end is said explicitly, never inferred from a page that is
/// shorter than asked: a page is also cut at `maxBytes`, so a short page may well have more after it.
#[wasm_bindgen]
pub struct ScanIterator {
    // An async mutex: concurrent nextPage calls from JS queue instead of aliasing the iterator.
    inner: Rc<Mutex<Option<DbIterator>>>,
}

impl ScanIterator {
    pub(crate) fn new(iter: Option<DbIterator>) -> Self {
        Self {
            inner: Rc::new(Mutex::new(iter)),
        }
    }
}

#[wasm_bindgen]
impl ScanIterator {
    /// Reads up to `maxEntries` entries or about `maxBytes` bytes, whichever comes first. The page
    /// starts with [`PAGE_END`] when the scan is finished (this page holds its last entries, if
    /// any), else with [`PAGE_MORE`].
    #[wasm_bindgen(js_name = nextPage)]
    pub fn next_page(&self, max_entries: u32, max_bytes: u32) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let mut guard = inner.lock().await;
            let mut page = vec![PAGE_MORE];
            let Some(iter) = guard.as_mut() else {
                return Ok(Uint8Array::from([PAGE_END].as_slice()).into());
            };
            let mut count = 0u32;
            while count < max_entries.max(1) && page.len() <= max_bytes.max(1) as usize {
                match iter.next().await.map_err(from_slatedb)? {
                    Some(kv) => {
                        push_entry(&mut page, &kv.key, &kv.value);
                        count += 1;
                    }
                    None => {
                        *guard = None;
                        page[0] = PAGE_END;
                        break;
                    }
                }
            }
            Ok(Uint8Array::from(page.as_slice()).into())
        })
    }

    /// Releases the scan's snapshot early (otherwise released when the scan ends or is freed).
    pub fn close(&self) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            inner.lock().await.take();
            Ok(JsValue::UNDEFINED)
        })
    }
}
