// State conformance suite, part: partitions: layout, reads, opening, recovery of one message, logging (§8). Registered by stateSuite (state-suite.mjs),
// which builds `scenario` for the backend under test.
import {
  DEFAULT_PREFIX, defaultLogger, dumps, getLogger, OpenDeadline, setLogger, StateStoreManager, StoreLockError,
  StoreOpenAborted,
} from 'streamstate';
import { captureLogger } from '../helpers/state-logger.mjs';
import { bytes, commit, contents, rejection, text } from './support.mjs';

/** Registers this part: `test` and `assert` as in stateSuite, `scenario` built by it. */
export function statePartitions(test, assert, scenario) {
  // ---- §8 partitions --------------------------------------------------------------------------------

  scenario('§8.2 partitions live at <stateDir>/<groupId>/<store>/<stream>/<partition>', async ({ env, manager }) => {
    const m = manager({ groupId: 'group' });
    const withStream = await m.registerStore('orders', 'counts').assignPartition(3);
    const withoutStream = await m.registerStore(null, 'source-x').assignPartition(0);
    assert.is(withStream.path.replace(/\\/g, '/'), `${m.stateDir}/counts/orders/3`.replace(/\\/g, '/'));
    assert.is(withoutStream.path.replace(/\\/g, '/'), `${m.stateDir}/source-x/0`.replace(/\\/g, '/'));
    assert.ok(m.stateDir.replace(/\\/g, '/').endsWith(`${env.stateDir.replace(/\\/g, '/').replace(/^\.\//, '')}/group`), m.stateDir);
    assert.ok(withStream.describe().includes('partition 3'));
  });

  scenario('§8.1 a fresh partition has exactly the default and __metadata__ column families', async ({ partition }) => {
    const { partition: p } = await partition();
    assert.equal((await p.listColumnFamilies()).sort(), ['__metadata__', 'default']);
  });

  scenario('§8.4 iterItems honours both bounds in both directions; empty when lower >= upper', async ({ partition }) => {
    const { partition: p } = await partition();
    await commit(p, (tx) => {
      for (const key of ['a', 'b', 'c', 'd']) tx.setBytes(bytes(key), bytes(key), DEFAULT_PREFIX);
    });
    const keys = async (lower, upper, backwards) => {
      const out = [];
      for await (const [key] of p.iterItems(lower && bytes(lower), upper && bytes(upper), { backwards })) out.push(text(key));
      return out.join('');
    };
    assert.is(await keys('b', 'd', false), 'bc');
    assert.is(await keys('b', 'd', true), 'cb');
    assert.is(await keys(undefined, 'c', true), 'ba');
    assert.is(await keys('c', undefined, false), 'cd');
    assert.is(await keys('c', 'c', false), '');
    assert.is(await keys('d', 'a', true), '');
  });

  scenario('§8.4 iterItems returns every entry of a range larger than any page (3,000 entries of 1.1 KB), before and after reassignment', async ({ partition }) => {
    const { store, partition: p } = await partition();
    const N = 3000;
    const key = (i) => `k${String(i).padStart(5, '0')}`;
    const value = (i) => `${i}:`.padEnd(1100, 'v');
    for (let i = 0; i < N; i += 1000) {
      await commit(p, (tx) => {
        for (let j = i; j < i + 1000; j++) tx.setBytes(bytes(key(j)), bytes(value(j)), DEFAULT_PREFIX);
      });
    }
    const readAll = async (opened, when) => {
      for (const backwards of [false, true]) {
        const keys = [];
        for await (const [k, v] of opened.iterItems(undefined, undefined, { backwards })) {
          const want = backwards ? N - 1 - keys.length : keys.length;
          if (text(k) !== key(want)) assert.ok(false, `${when}, backwards=${backwards}: entry ${keys.length} is ${text(k)}, expected ${key(want)}`);
          if (keys.length % 997 === 0) assert.is(text(v), value(want));
          keys.push(k);
        }
        assert.is(keys.length, N, `${when}, backwards=${backwards}: every entry`);
      }
      const tx = opened.begin();
      const values = await Promise.all([0, 1277, 2999].map((i) => tx.getBytes(bytes(key(i)), DEFAULT_PREFIX)));
      assert.equal(values.map((v) => text(v)), [value(0), value(1277), value(2999)]);
    };
    await readAll(p, 'after the writes');
    await store.revokePartition(0);
    await readAll(await store.assignPartition(0), 'after reassignment');
  });

  scenario('§8.2 data survives revoke and reassignment, and a new manager on the same directory', async ({ manager }) => {
    const first = manager({ groupId: 'g' });
    const store = first.registerStore('topic');
    await commit(await store.assignPartition(0), (tx) => tx.asState('k').set('v', 1), 12);
    await first.onPartitionRevoke('topic', 0);
    assert.is(store.partitions.size, 0);
    const again = await store.assignPartition(0);
    assert.is(await again.begin().asState('k').get('v'), 1);
    await first.close();
    const second = manager({ groupId: 'g' });
    second.registerStore('topic');
    const { default: reopened } = await second.onPartitionAssign('topic', 0);
    assert.is(await reopened.begin().asState('k').get('v'), 1);
    assert.is(await reopened.getChangelogOffset(), 12);
  });

  scenario('§8.2 a second opener retries with backoff, then fails with the backend\'s lock error; the holder\'s data is untouched', async ({ env, manager }) => {
    const holder = manager();
    await commit(await holder.registerStore('topic').assignPartition(0), (tx) => tx.asState().set('k', 'kept'));
    const log = captureLogger();
    const contender = manager({ logger: log.logger, ...{ [`${env.backend}Options`]: { openMaxRetries: 3, openRetryBackoffMs: 10 } } });
    const error = await rejection(assert, () => contender.registerStore('topic').assignPartition(0));
    assert.ok(error instanceof StoreLockError, String(error));
    assert.is(error.code, { rocksdb: 'ROCKSDB_LOCKED', memory: 'MEMORY_LOCKED', slatedb: 'SLATEDB_LOCKED' }[env.backend]);
    assert.ok(/gave up after 3 attempt/.test(error.message), error.message);
    const retries = log.matching('warn', /cannot acquire a lock \(attempt \d\/3\)\. Retrying in [\d.]+sec\./);
    assert.equal(
      retries.map((line) => line.match(/\(attempt (\d)\/3\)\. Retrying in ([\d.]+)sec\./).slice(1)),
      [['1', '0.01'], ['2', '0.01']],
      `two waits, each of the 10 ms backoff:\n${log.lines.map((line) => line.message).join('\n')}`,
    );
    assert.ok(retries[0].includes('store="default" stream="topic" partition=0 path='), retries[0]);
    assert.is(await holder.getStore('topic').partitions.get(0).begin().asState().get('k'), 'kept');
  });

  scenario('§8.2 openMaxRetries 0 means a single attempt', async ({ env, manager }) => {
    await manager().registerStore('topic').assignPartition(0);
    const log = captureLogger();
    const contender = manager({ logger: log.logger, [`${env.backend}Options`]: { openMaxRetries: 0, openRetryBackoffMs: 10_000 } });
    const started = performance.now();
    assert.ok((await rejection(assert, () => contender.registerStore('topic').assignPartition(0))) instanceof StoreLockError);
    assert.ok(performance.now() - started < 5000);
    assert.is(log.matching('warn', /cannot acquire a lock/).length, 0);
  });

  scenario('§8.2 an abort signal stops the wait between attempts: StoreOpenAborted', async ({ env, manager }) => {
    await manager().registerStore('topic').assignPartition(0);
    const controller = new AbortController();
    const contender = manager({ signal: controller.signal, [`${env.backend}Options`]: { openMaxRetries: 100, openRetryBackoffMs: 60_000 } });
    const opening = contender.registerStore('topic').assignPartition(0);
    setTimeout(() => controller.abort(), 20);
    const error = await rejection(assert, () => opening);
    assert.ok(error instanceof StoreOpenAborted, String(error));
    assert.ok(/^(STORE|ROCKSDB|SLATEDB)_OPEN_ABORTED$/.test(error.code), error.code);
    assert.ok(/the application is stopping/.test(error.message));
    const already = await rejection(assert, () => manager({ signal: controller.signal }).registerStore('topic').assignPartition(0));
    assert.ok(already instanceof StoreOpenAborted, 'an aborted signal refuses at once');
  });

  scenario('§8.2 an open deadline stops retrying once the next wait would cross it', async ({ env, manager }) => {
    await manager().registerStore('topic').assignPartition(0);
    const deadline = new OpenDeadline();
    deadline.arm(50);
    const contender = manager({ openDeadline: deadline, [`${env.backend}Options`]: { openMaxRetries: 100, openRetryBackoffMs: 20 } });
    const started = performance.now();
    const error = await rejection(assert, () => contender.registerStore('topic').assignPartition(0));
    assert.ok(error instanceof StoreLockError);
    assert.ok(/deadline/.test(error.message), error.message);
    assert.ok(performance.now() - started < 1000);
    deadline.disarm();
    assert.is(deadline.remainingMs(), undefined);
    assert.is(deadline.expired(), false);
  });

  scenario('§8.8 options are validated with clear errors', async ({ env, manager }) => {
    const field = `${env.backend}Options`;
    for (const options of [{ openMaxRetries: -1 }, { openRetryBackoffMs: 'soon' }, { onCorruptedRecreate: 1 }, { dumps: 'json' }, { typo: 1 }]) {
      const error = await rejection(assert, () => manager({ [field]: options }).registerStore('topic'), JSON.stringify(options));
      assert.is(error.code, 'INVALID_OPTIONS', JSON.stringify(options));
      assert.ok(error.message.includes(Object.keys(options)[0]), error.message);
    }
    assert.is((await rejection(assert, () => new StateStoreManager({ stateDir: env.stateDir, bakend: 'memory' }))).code, 'INVALID_OPTIONS');
    assert.is((await rejection(assert, () => new StateStoreManager({ stateDir: env.stateDir, backend: 'leveldb' }))).code, 'INVALID_OPTIONS');
  });

  scenario('§8.6 recovery applies upserts and deletes idempotently and advances the offset', async ({ partition }) => {
    const { partition: p } = await partition();
    const headers = { __column_family__: bytes('default') };
    const messages = [
      { key: bytes('a'), value: bytes('1'), headers, offset: 0 },
      { key: bytes('b'), value: bytes('2'), headers, offset: 1 },
      { key: bytes('a'), value: null, headers, offset: 2 },
      { key: bytes('v'), value: bytes('x'), headers: { __column_family__: bytes('__values__') }, offset: 3 },
    ];
    for (const round of [1, 2]) {
      for (const message of messages) assert.is(await p.recoverFromChangelogMessage(message, {}), 'applied');
      assert.equal(await contents(p), [['b', '2']], `round ${round}`);
      assert.equal(await contents(p, '__values__'), [['v', 'x']]);
      assert.is(await p.getChangelogOffset(), 3);
    }
  });

  scenario('logging prints warnings by default; setLogger installs a logger every component uses', async ({ manager }) => {
    const installed = getLogger();
    const log = captureLogger();
    try {
      setLogger(log.logger);
      await manager({ groupId: 'logged' }).registerStore('topic', 'counts').assignPartition(5);
      const opened = log.matching('info', /^Opened \w+ partition\. store="counts" stream="topic" partition=5 path=".*logged.counts.topic.5"$/);
      assert.is(opened.length, 1, log.lines.map((line) => line.message).join('\n'));
    } finally {
      setLogger(installed);
    }
    setLogger(undefined);
    assert.is(getLogger(), defaultLogger, 'undefined restores the default logger');
    setLogger(installed);
  });
}
