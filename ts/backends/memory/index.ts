export { MemoryBackend, memoryBackend, MEMORY_LOCKED } from './memory-backend.js';
export { MemoryDatabase } from './memory-database.js';
export { compareBytes } from '../../bytes.js';
