/**
 * Logging: one small pluggable {@link Logger}; by default warnings and errors go to the console.
 *
 * The library writes one line per event (a partition opened, an open retried, a lock waited for, a
 * corrupted store recreated, recovery progress), each naming the store, stream, partition and
 * location it is about. By default only `warn` and `error` lines are printed, to `console.warn` and
 * `console.error` with a `streamstate: ` prefix; `debug` and `info` are dropped. Install another
 * logger globally with {@link setLogger} (e.g. `setLogger(console)` for every line,
 * `setLogger(silentLogger)` for none) or per component through its `logger` option.
 *
 * @module
 */

/** Where log lines go. `console` fits, as does any object with these four methods. */
export interface Logger {
  /** Detail useful when investigating (each recovered message, each close). */
  debug(message: string): void;
  /** Normal lifecycle events (a partition opened, a store recreated). */
  info(message: string): void;
  /** Something went wrong and was handled (an open retried, a lock waited for, a corrupted store found). */
  warn(message: string): void;
  /** Something went wrong and was not handled. */
  error(message: string): void;
}

const ignore = (): void => {};

/** A {@link Logger} that drops every line: `setLogger(silentLogger)` silences the library. */
export const silentLogger: Logger = Object.freeze({ debug: ignore, info: ignore, warn: ignore, error: ignore });

/**
 * The default {@link Logger}: `warn` and `error` lines go to `console.warn` and `console.error`
 * (looked up at each call), prefixed with `streamstate: `; `debug` and `info` lines are dropped.
 */
export const defaultLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: (message: string) => console.warn(`streamstate: ${message}`),
  error: (message: string) => console.error(`streamstate: ${message}`),
});

let installed: Logger = defaultLogger;

/**
 * Install the logger used by every component that was not given its own.
 * @param logger - the logger: `console` for every line, {@link silentLogger} for none; `undefined`
 *   or `null` restores {@link defaultLogger} (warnings and errors to the console)
 */
export function setLogger(logger: Logger | undefined | null): void {
  installed = logger ?? defaultLogger;
}

/**
 * @returns the logger installed with {@link setLogger} ({@link defaultLogger} until one is installed)
 */
export function getLogger(): Logger {
  return installed;
}
