// The windowed-state conformance suite on every backend (tests/helpers/backend-matrix.mjs).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { windowedSuite } from './conformance/windowed-suite.mjs';
import { stateBackends } from './helpers/backend-matrix.mjs';

for (const [name, makeEnv] of stateBackends('windowed')) {
  const onBackend = suite(`windowed: ${name}`);
  windowedSuite(onBackend, assert, makeEnv);
  onBackend.run();
}
