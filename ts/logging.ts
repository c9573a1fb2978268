/**
 * Logging: one small pluggable {@link Logger}, quiet by default.
 *
 * The library writes one line per event (a partition opened, an open retried, a corrupted store
 * recreated, recovery progress), each naming the store, stream, partition and path it is about.
 * Nothing is printed until a logger is installed, globally with {@link setLogger} (e.g.
 * `setLogger(console)`) or per component through its `logger` option.
 *
 * @module
 */

/** Where log lines go. `console` fits, as does any object with these four methods. */
export interface Logger {
  /** Detail useful when investigating (each recovered message, each close). */
  debug(message: string): void;
  /** Normal lifecycle events (a partition opened, a store recreated). */
  info(message: string): void;
  /** Something went wrong and was handled (an open retried, a corrupted store found). */
  warn(message: string): void;
  /** Something went wrong and was not handled. */
  error(message: string): void;
}

const ignore = (): void => {};

/** A {@link Logger} that drops every line; the default. */
export const silentLogger: Logger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });

let installed: Logger = silentLogger;

/**
 * Install the logger used by every component that was not given its own.
 * @param logger - the logger, e.g. `console`; `undefined` or `null` restores the silent default
 */
export function setLogger(logger: Logger | undefined | null): void {
  installed = logger ?? silentLogger;
}

/**
 * @returns the logger installed with {@link setLogger} (the silent one by default)
 */
export function getLogger(): Logger {
  return installed;
}
