export { SlateDbBackend, slateDbBackend, LEASE_OBJECT, type SlateDbBackendOptions } from './slatedb-backend.js';
export { SlateDbDatabase } from './slatedb-database.js';
export { DEFAULT_LOCK_TTL_MS, type SlateDbBackendSettings } from './slatedb-settings.js';
export { SlateDBFencedError, SlateDBLeaseLostError, SlateDBLeaseUnreadableError } from './errors.js';
