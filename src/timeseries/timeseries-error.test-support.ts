import assert from 'node:assert/strict';
import { TimeseriesError, type ErrorDescription } from './errors.js';

/** Asserts that `fn` throws a {@link TimeseriesError} with this HTTP status and exactly this description. */
export function assertTimeseriesError(
  fn: () => unknown,
  status: number,
  description: ErrorDescription,
): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TimeseriesError, String(e));
    assert.equal(e.status, status);
    assert.deepEqual(e.description, description);
    return true;
  });
}
