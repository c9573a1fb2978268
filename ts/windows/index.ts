/**
 * Window operators over windowed state: tumbling and hopping windows over event time
 * with built-in and custom aggregations, final or current emission. See docs/windows.md.
 *
 * @module
 */
export {
  countAggregation, maxAggregation, meanAggregation, minAggregation, type NumberOf, reduceAggregation,
  sumAggregation, type WindowAggregation,
} from './aggregations.js';
export { timeWindowRanges } from './window-ranges.js';
export {
  type LateMessage, TimeWindowProcessor, type TimeWindowShape, type WindowEmission, type WindowReduction,
  type WindowResult,
} from './time-window-processor.js';
export {
  hoppingWindow, type HoppingWindowOptions, TimeWindowDefinition, tumblingWindow, type TumblingWindowOptions,
} from './time-window.js';
