export { SlateDbBackend, slateDbBackend, LEASE_OBJECT, type SlateDbBackendOptions } from './slatedb-backend.js';
export { SlateDbDatabase } from './slatedb-database.js';
export { DEFAULT_LOCK_TTL_MS, LOCK_TTL_RANGE_MS, MIN_LOCK_RENEW_INTERVAL_MS, type SlateDbBackendSettings } from './slatedb-settings.js';
export { SlateDBFencedError, SlateDBLeaseLostError, SlateDBLeaseUnconfirmedError, SlateDBLeaseUnreadableError } from './errors.js';
export { describeDatabaseLocation } from './database-location.js';
