/**
 * Window operators over windowed state (spec §5.3): tumbling and hopping windows over event time
 * with built-in and custom aggregations, final or current emission. See docs/windows.md.
 *
 * @module
 */
export * from './aggregations.js';
export * from './window-ranges.js';
export * from './time-window-processor.js';
export * from './time-window.js';
