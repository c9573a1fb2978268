//! An in-memory LRU cache of SST blocks, indexes, filters and stats, bounded in bytes. SlateDB's
//! own caches (foyer, moka) do not build or run on wasm32, and without one every read of flushed
//! data goes to the object store for the index, the filter and the block.

use std::sync::Mutex;

use async_trait::async_trait;
use lru::LruCache;
use slatedb::db_cache::{CachedEntry, CachedKey, DbCache};

struct Lru {
    entries: LruCache<CachedKey, CachedEntry>,
    bytes: u64,
    capacity: u64,
}

/// The cache; one per database.
pub struct BlockCache {
    inner: Mutex<Lru>,
}

impl BlockCache {
    /// A cache holding at most `capacity` bytes.
    pub fn new(capacity: u64) -> Self {
        Self {
            inner: Mutex::new(Lru {
                entries: LruCache::unbounded(),
                bytes: 0,
                capacity,
            }),
        }
    }

    fn get(&self, key: &CachedKey) -> Option<CachedEntry> {
        self.inner.lock().ok()?.entries.get(key).cloned()
    }
}

#[async_trait]
impl DbCache for BlockCache {
    async fn get_block(&self, key: &CachedKey) -> Result<Option<CachedEntry>, slatedb::Error> {
        Ok(self.get(key))
    }

    async fn get_index(&self, key: &CachedKey) -> Result<Option<CachedEntry>, slatedb::Error> {
        Ok(self.get(key))
    }

    async fn get_filter(&self, key: &CachedKey) -> Result<Option<CachedEntry>, slatedb::Error> {
        Ok(self.get(key))
    }

    async fn get_stats(&self, key: &CachedKey) -> Result<Option<CachedEntry>, slatedb::Error> {
        Ok(self.get(key))
    }

    async fn insert(&self, key: CachedKey, value: CachedEntry) {
        let Ok(mut lru) = self.inner.lock() else {
            return;
        };
        let size = value.size() as u64;
        if size > lru.capacity {
            return;
        }
        if let Some(old) = lru.entries.put(key, value) {
            lru.bytes -= old.size() as u64;
        }
        lru.bytes += size;
        while lru.bytes > lru.capacity {
            match lru.entries.pop_lru() {
                Some((_, evicted)) => lru.bytes -= evicted.size() as u64,
                None => break,
            }
        }
    }

    async fn remove(&self, key: &CachedKey) {
        let Ok(mut lru) = self.inner.lock() else {
            return;
        };
        if let Some(old) = lru.entries.pop(key) {
            lru.bytes -= old.size() as u64;
        }
    }

    fn entry_count(&self) -> u64 {
        self.inner
            .lock()
            .map(|l| l.entries.len() as u64)
            .unwrap_or(0)
    }
}
