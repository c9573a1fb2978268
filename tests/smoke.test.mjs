import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ObjectStoreError, StreamstateError } from 'streamstate';

test('the package imports by its name and exposes the error base', () => {
  const err = new ObjectStoreError('NotFound', 'a/b', 'missing');
  assert.is(err.code, 'NotFound');
  assert.ok(new StreamstateError('X', 'y') instanceof Error);
});

test.run();
