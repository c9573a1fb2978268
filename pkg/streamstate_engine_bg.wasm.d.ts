/* tslint:disable */
/* eslint-disable */
export const memory: WebAssembly.Memory;
export const __wbg_database_free: (a: number, b: number) => void;
export const __wbg_scaniterator_free: (a: number, b: number) => void;
export const database_close: (a: number) => any;
export const database_delete: (a: number, b: number, c: number, d: number) => any;
export const database_flush: (a: number, b: number, c: number) => any;
export const database_get: (a: number, b: number, c: number) => any;
export const database_getMany: (a: number, b: any) => any;
export const database_manifest: (a: number) => [number, number, number, number];
export const database_open: (a: number, b: number, c: any, d: number, e: number, f: number, g: number, h: number) => any;
export const database_put: (a: number, b: number, c: number, d: number, e: number, f: number) => any;
export const database_scan: (a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number, j: number, k: number) => any;
export const database_write: (a: number, b: number, c: number, d: number) => any;
export const scaniterator_close: (a: number) => any;
export const scaniterator_nextPage: (a: number, b: number, c: number) => any;
export const wasm_bindgen__convert__closures_____invoke__h2d488e317ca3186b: (a: number, b: number, c: any, d: any) => void;
export const wasm_bindgen__convert__closures_____invoke__hebf1c4e5cc18d1c5: (a: number, b: number, c: any) => [number, number];
export const wasm_bindgen__convert__closures_____invoke__ha0bb27c034b4b575: (a: number, b: number) => void;
export const __wbindgen_malloc: (a: number, b: number) => number;
export const __wbindgen_realloc: (a: number, b: number, c: number, d: number) => number;
export const __wbindgen_free: (a: number, b: number, c: number) => void;
export const __wbindgen_exn_store: (a: number) => void;
export const __externref_table_alloc: () => number;
export const __wbindgen_externrefs: WebAssembly.Table;
export const __wbindgen_destroy_closure: (a: number, b: number) => void;
export const __externref_table_dealloc: (a: number) => void;
export const __wbindgen_start: () => void;
