/* tslint:disable */
/* eslint-disable */

/**
 * A SlateDB database open in this wasm instance.
 */
export class Database {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Closes the database: flushes, stops background tasks, releases the handle. Idempotent.
     * Bounded by `closeTimeout`: SlateDB's close can wait forever on a background task that got
     * stuck after it met damaged data; then the tasks are cut off from the store (as after a
     * failed open) and the close fails with `INTERNAL`. Either way, once it settles, nothing of
     * this database touches the store any more.
     */
    close(): Promise<any>;
    /**
     * Deletes `key`.
     */
    delete(key: Uint8Array | number[], await_durable: boolean): Promise<any>;
    /**
     * Flushes the WAL (`"wal"`, the default) or the memtable (`"memtable"`) to object storage.
     */
    flush(kind?: string | null): Promise<any>;
    /**
     * The values of many keys at once, aligned with `keys` (`undefined` where absent).
     */
    getMany(keys: Array<any>): Promise<any>;
    /**
     * The value of `key`, or `undefined`.
     */
    get(key: Uint8Array | number[]): Promise<any>;
    /**
     * A JSON summary of the current manifest: its id, epochs, L0 SSTs and sorted runs.
     */
    manifest(): string;
    /**
     * Opens (creating if absent) the database at `path` in `store`, replaying its WAL.
     * `settings` is a JSON object of SlateDB settings (see `settings.rs`); `warn(message)`, when
     * given, receives one line per transient object-store failure (each one SlateDB retries).
     *
     * A failed open releases what it started: SlateDB starts its background tasks (compactor,
     * garbage collector, flushers) before it replays the WAL and does not stop them when the
     * replay fails, so the store they hold is shut off (see `JsObjectStore::shut_off`): they fail
     * their next call and stop, and no object changes after the open has failed.
     */
    static open(path: string, store: any, settings?: string | null, cache_bytes?: number | null, warn?: Function | null): Promise<Database>;
    /**
     * Stores `value` under `key`.
     */
    put(key: Uint8Array | number[], value: Uint8Array | number[], await_durable: boolean): Promise<any>;
    /**
     * Opens a scan over `[lower, upper]` with each bound inclusive or exclusive as given.
     * `cache_blocks`: keep the blocks read in the block cache (state stores scan the same small
     * ranges again and again); `read_ahead_bytes`: fetch this much ahead per object-store read
     * (larger for long sequential scans over a remote store); `fetch_tasks`: how many of those
     * reads may be in flight at once (SlateDB's `max_fetch_tasks`, default 1).
     */
    scan(lower: Uint8Array | number[] | null | undefined, lower_inclusive: boolean, upper: Uint8Array | number[] | null | undefined, upper_inclusive: boolean, reverse: boolean, cache_blocks: boolean, read_ahead_bytes?: number | null, fetch_tasks?: number | null): Promise<any>;
    /**
     * Applies an encoded batch of puts and deletes atomically (see `codec`).
     */
    write(batch: Uint8Array | number[], await_durable: boolean): Promise<any>;
}

/**
 * An open scan. `nextPage` resolves to an encoded page: one flag byte, [`PAGE_MORE`] or
 * [`PAGE_END`], then the entries. The end is said explicitly, never inferred from a page that is
 * shorter than asked: a page is also cut at `maxBytes`, so a short page may well have more after it.
 */
export class ScanIterator {
    private constructor();
    free(): void;
    [Symbol.dispose](): void;
    /**
     * Releases the scan's snapshot early (otherwise released when the scan ends or is freed).
     */
    close(): Promise<any>;
    /**
     * Reads up to `maxEntries` entries or about `maxBytes` bytes, whichever comes first. The page
     * starts with [`PAGE_END`] when the scan is finished (this page holds its last entries, if
     * any), else with [`PAGE_MORE`].
     */
    nextPage(max_entries: number, max_bytes: number): Promise<any>;
}

export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

export interface InitOutput {
    readonly memory: WebAssembly.Memory;
    readonly __wbg_database_free: (a: number, b: number) => void;
    readonly __wbg_scaniterator_free: (a: number, b: number) => void;
    readonly database_close: (a: number) => any;
    readonly database_delete: (a: number, b: number, c: number, d: number) => any;
    readonly database_flush: (a: number, b: number, c: number) => any;
    readonly database_get: (a: number, b: number, c: number) => any;
    readonly database_getMany: (a: number, b: any) => any;
    readonly database_manifest: (a: number) => [number, number, number, number];
    readonly database_open: (a: number, b: number, c: any, d: number, e: number, f: number, g: number, h: number) => any;
    readonly database_put: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
    readonly database_scan: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number) => any;
    readonly database_write: (a: number, b: number, c: number, d: number) => any;
    readonly scaniterator_close: (a: number) => any;
    readonly scaniterator_nextPage: (a: number, b: number, c: number) => any;
    readonly wasm_bindgen__convert__closures_____invoke__h2d488e317ca3186b: (a: number, b: number, c: any, d: any) => void;
    readonly wasm_bindgen__convert__closures_____invoke__hebf1c4e5cc18d1c5: (a: number, b: number, c: any) => [number, number];
    readonly wasm_bindgen__convert__closures_____invoke__ha0bb27c034b4b575: (a: number, b: number) => void;
    readonly __wbindgen_malloc: (a: number, b: number) => number;
    readonly __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
    readonly __wbindgen_free: (a: number, b: number, c: number) => void;
    readonly __wbindgen_exn_store: (a: number) => void;
    readonly __externref_table_alloc: () => number;
    readonly __wbindgen_externrefs: WebAssembly.Table;
    readonly __wbindgen_destroy_closure: (a: number, b: number) => void;
    readonly __externref_table_dealloc: (a: number) => void;
    readonly __wbindgen_start: () => void;
}

export type SyncInitInput = BufferSource | WebAssembly.Module;

/**
 * Instantiates the given `module`, which can either be bytes or
 * a precompiled `WebAssembly.Module`.
 *
 * @param {{ module: SyncInitInput }} module - Passing `SyncInitInput` directly is deprecated.
 *
 * @returns {InitOutput}
 */
export function initSync(module: { module: SyncInitInput } | SyncInitInput): InitOutput;

/**
 * If `module_or_path` is {RequestInfo} or {URL}, makes a request and
 * for everything else, calls `WebAssembly.instantiate` directly.
 *
 * @param {{ module_or_path: InitInput | Promise<InitInput> }} module_or_path - Passing `InitInput` directly is deprecated.
 *
 * @returns {Promise<InitOutput>}
 */
export default function __wbg_init (module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<InitOutput>;
