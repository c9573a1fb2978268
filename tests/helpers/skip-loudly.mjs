// What a suite does when the real server it needs (MinIO, Kafka, Toxiproxy) cannot be installed on
// this machine: a banner on stderr and a skipped suite, so a developer without Go or Java still runs
// the rest. Under CI (CI set), where .ci/run installs every server first, a missing server is a
// failure, never a skip: nothing a server-backed suite proves is silently dropped there.

/**
 * @param suiteFactory - uvu's `suite`
 * @param name - the suite's name
 * @param what - what is missing, e.g. 'no server'
 * @param why - why, for the banner
 */
export function skipLoudly(suiteFactory, name, what, why) {
  const reason = `${name} ${process.env.CI ? 'FAILED' : 'SKIPPED'}: ${why}`;
  console.error(`\n${'!'.repeat(reason.length)}\n${reason}\n${'!'.repeat(reason.length)}\n`);
  const suite = suiteFactory(`${name} (${what})`);
  if (process.env.CI) {
    suite(`${what}: under CI every server must be available`, () => {
      throw new Error(`${reason}; CI installs every server before the tests (.ci/run)`);
    });
  } else {
    suite.skip(reason, () => {});
  }
  suite.run();
}
