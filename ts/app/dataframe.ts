/**
 * `StreamingDataFrame`: the pipeline an {@link Application} runs for every message of one topic,
 * a chain of steps in the style of Quix Streams: `apply` (map), `update` (side effect), `filter`,
 * `window` (a windowed aggregation, emitting window results) and `toTopic` (produce).
 *
 * A step marked `stateful` gets the message's {@link State} (`ctx.state`): the topic's `default`
 * store, scoped to the message key, inside the checkpoint's transaction. A window step keeps its
 * windows in its own windowed store, named after the window (e.g. `tumbling_window_60000_sum`).
 *
 * @module
 */
import type { State } from '../state/state.js';
import type { TimeWindowProcessor, WindowResult } from '../windows/time-window-processor.js';
import { ApplicationError } from './errors.js';

/** What a step sees besides the value. */
export interface MessageContext {
  /** The source topic. */
  readonly topic: string;
  /** The source partition. */
  readonly partition: number;
  /** The source offset. */
  readonly offset: number;
  /** The message key as bytes (empty when the message has none). */
  readonly keyBytes: Uint8Array;
  /** The message key as text (UTF-8), or `null` when the message has none. */
  readonly key: string | null;
  /** The message timestamp, ms (event time for windows). */
  readonly timestamp: number;
  /** Headers, by name. */
  readonly headers: ReadonlyMap<string, Uint8Array>;
  /**
   * The message's state (the `default` store of this topic, scoped to the message key); only in
   * steps marked `stateful`.
   * @throws ApplicationError outside a stateful step
   */
  readonly state: State;
  /**
   * Produce a record to a topic, sent at the next checkpoint (at-least-once).
   * @param topic - the topic
   * @param value - a value, serialized as JSON (bytes are sent as they are)
   * @param options - `key` (default: this message's key); `partition`
   */
  produce(topic: string, value: unknown, options?: { key?: string | Uint8Array | null; partition?: number }): void;
}

/** Options of a step. */
export interface StepOptions {
  /** The step reads and writes `ctx.state`. */
  readonly stateful?: boolean;
}

/** One step of a pipeline: values in, values out (zero, one or many). */
export type Step =
  | { readonly kind: 'map'; readonly stateful: boolean; readonly run: (value: unknown, ctx: MessageContext) => unknown }
  | { readonly kind: 'update'; readonly stateful: boolean; readonly run: (value: unknown, ctx: MessageContext) => unknown }
  | { readonly kind: 'filter'; readonly stateful: boolean; readonly run: (value: unknown, ctx: MessageContext) => unknown }
  | { readonly kind: 'window'; readonly processor: TimeWindowProcessor<unknown, unknown> }
  | {
      readonly kind: 'to-topic';
      readonly topic: string;
      readonly key: ((value: unknown, ctx: MessageContext) => string | Uint8Array | null) | undefined;
    };

/** A pipeline over one topic; see the module documentation. Made by `app.dataframe(topic)`. */
export class StreamingDataFrame<V = unknown> {
  /** The source topic. */
  readonly topic: string;
  /** The steps, in order (shared by the frames derived from one another). */
  readonly steps: Step[];

  /**
   * @param topic - the source topic
   * @param steps - the steps list (appended to by each method)
   */
  constructor(topic: string, steps: Step[]) {
    this.topic = topic;
    this.steps = steps;
  }

  /**
   * Replace each value with what `fn` returns.
   * @param fn - the mapping (may be async)
   * @param options - `stateful: true` to use `ctx.state`
   * @returns the frame of the new values
   */
  apply<R>(fn: (value: V, ctx: MessageContext) => R | Promise<R>, options: StepOptions = {}): StreamingDataFrame<Awaited<R>> {
    return this.#add({ kind: 'map', stateful: options.stateful === true, run: fn as (value: unknown, ctx: MessageContext) => unknown });
  }

  /**
   * Run `fn` for its effect; the value goes on unchanged.
   * @param fn - the effect (may be async)
   * @param options - `stateful: true` to use `ctx.state`
   * @returns this frame
   */
  update(fn: (value: V, ctx: MessageContext) => unknown, options: StepOptions = {}): StreamingDataFrame<V> {
    return this.#add({ kind: 'update', stateful: options.stateful === true, run: fn as (value: unknown, ctx: MessageContext) => unknown });
  }

  /**
   * Keep the values for which `fn` is true.
   * @param fn - the predicate (may be async)
   * @param options - `stateful: true` to use `ctx.state`
   * @returns this frame
   */
  filter(fn: (value: V, ctx: MessageContext) => boolean | Promise<boolean>, options: StepOptions = {}): StreamingDataFrame<V> {
    return this.#add({ kind: 'filter', stateful: options.stateful === true, run: fn as (value: unknown, ctx: MessageContext) => unknown });
  }

  /**
   * Aggregate values in time windows, by message key, on the message timestamp.
   * @param processor - e.g. `tumblingWindow({ durationMs: 60_000 }).sum((v) => v.amount)` (final
   *   emission: a result when a window closes) or `.current()` (a result per update)
   * @returns the frame of window results (`{ key, start, end, value }`)
   */
  window<R>(processor: TimeWindowProcessor<V, R>): StreamingDataFrame<WindowResult<R>> {
    return this.#add({ kind: 'window', processor: processor as TimeWindowProcessor<unknown, unknown> });
  }

  /**
   * Produce each value to a topic (JSON), keyed by the message key unless `key` says otherwise.
   * @param topic - the output topic
   * @param options - `key`: the output key of a value
   * @returns this frame
   */
  toTopic(topic: string, options: { key?: (value: V, ctx: MessageContext) => string | Uint8Array | null } = {}): StreamingDataFrame<V> {
    if (typeof topic !== 'string' || topic.length === 0) throw new ApplicationError('toTopic needs a topic name.');
    return this.#add({ kind: 'to-topic', topic, key: options.key as ((value: unknown, ctx: MessageContext) => string | Uint8Array | null) | undefined });
  }

  #add<R>(step: Step): StreamingDataFrame<R> {
    this.steps.push(step);
    return this as unknown as StreamingDataFrame<R>;
  }
}
