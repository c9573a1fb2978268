// The timestamped-state conformance suite on every backend (tests/helpers/backend-matrix.mjs).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { timestampedSuite } from './conformance/timestamped-suite.mjs';
import { stateBackends } from './helpers/backend-matrix.mjs';

for (const [name, makeEnv] of stateBackends('timestamped')) {
  const onBackend = suite(`timestamped: ${name}`);
  timestampedSuite(onBackend, assert, makeEnv);
  onBackend.run();
}
