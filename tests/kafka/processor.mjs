// A stateful processor run as a child process by the Kafka end-to-end tests (tests/kafka/), so a
// test can SIGKILL it mid-stream, restart it, or run two of them in one consumer group.
//
// Pipeline over the input topic (values {seq, amount}, keyed by user): a keyed counter in the
// default store (each output record carries the count so far, to the counts topic), then a tumbling
// window summing `amount` per key over event time, closed windows to the windows topic.
// Configuration comes as JSON in PROCESSOR_CONFIG; it prints one line "PROCESSOR-RESULT {json}" when
// it stops by itself (idle for idleExitMs after its last record, or SIGTERM).
import { Application, setLogger, tumblingWindow } from 'streamstate';

const config = JSON.parse(process.env.PROCESSOR_CONFIG);
const prefix = `[${config.name ?? 'processor'} ${process.pid}]`;
setLogger({
  debug: () => {},
  info: (line) => console.error(`${prefix} INFO ${line}`),
  warn: (line) => console.error(`${prefix} WARN ${line}`),
  error: (line) => console.error(`${prefix} ERROR ${line}`),
});

const app = new Application({
  brokerAddress: config.brokers,
  consumerGroup: config.group,
  autoOffsetReset: 'earliest',
  stateDir: config.stateDir,
  stateBackend: config.backend,
  ...(config.slatedbOptions ? { slatedbOptions: config.slatedbOptions } : {}),
  commitEvery: config.commitEvery ?? 50,
  commitInterval: 1,
  sessionTimeoutMs: 6_000,
});
app
  .dataframe(config.input)
  .apply(
    async (value, ctx) => {
      const count = (await ctx.state.get('count', 0)) + 1;
      ctx.state.set('count', count);
      return { ...value, user: ctx.key, count };
    },
    { stateful: true },
  )
  .toTopic(config.counts)
  .window(tumblingWindow({ durationMs: config.windowMs ?? 1_000, graceMs: 0 }).sum((value) => value.amount))
  .apply((window, ctx) => ({ user: ctx.key, start: window.start, end: window.end, sum: window.value }))
  .toTopic(config.windows);

const summary = await app.run({ until: ({ idleMs }) => idleMs > (config.idleExitMs ?? 4_000) });
console.log(`PROCESSOR-RESULT ${JSON.stringify(summary)}`);
