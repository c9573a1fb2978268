// docs/runtimes.md, "Node 20 and the AWS SDK's warning": creating an S3 client of the SDK version
// the package depends on warns on Node < 22 (NodeVersionSupportWarning), never on Node 22 and
// later, and the SDK's opt-out variable, set as the docs show, silences it. A fresh process each
// time (the SDK warns once per process).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const program = "import { S3Client } from '@aws-sdk/client-s3'; new S3Client({ region: 'us-east-1' }).destroy();";

function stderrOf(env) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  assert.is(result.signal, null, 'the program finished within 60 s');
  assert.is(result.status, 0, result.stderr);
  return result.stderr;
}

test(`the SDK warns on Node < 22 only (running ${process.version}); the documented variable silences it`, () => {
  const major = Number(process.versions.node.split('.')[0]);
  const plain = stderrOf({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '' });
  if (major < 22) assert.match(plain, 'NodeVersionSupportWarning');
  else assert.not.match(plain, 'NodeVersionSupportWarning');
  assert.not.match(stderrOf({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }), 'NodeVersionSupportWarning');
});

test.run();
