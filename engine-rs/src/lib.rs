//! streamstate's engine: SlateDB compiled to WebAssembly. SlateDB stores its data through a
//! JavaScript object (memory, local files, S3, or the caller's own) bridged to Rust's
//! `object_store::ObjectStore` in [`js_object_store`]; [`database`] exports the database handle,
//! [`iterator`] the paged scan iterator. The TypeScript face of all this is `ts/engine/`.

mod block_cache;
mod codec;
mod database;
mod error;
mod iterator;
mod js_object_store;
mod settings;

pub use database::Database;
pub use iterator::ScanIterator;
