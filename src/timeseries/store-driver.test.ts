import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimeseriesStore } from './store.js';
import { openStore, storeDrivers, storeScheme } from './store-driver.js';

/** A driver that records the locations it was asked to open and returns a marker object. */
function fakeDriver(opened: string[], marker: string): (location: string) => Promise<TimeseriesStore> {
  return async (location) => {
    opened.push(location);
    return { marker } as unknown as TimeseriesStore;
  };
}

test('the scheme of a location picks its driver; a plain directory is the file driver', async () => {
  const opened: string[] = [];
  storeDrivers.register('file', fakeDriver(opened, 'file'));
  storeDrivers.register('mem', fakeDriver(opened, 'mem'));
  assert.equal(storeScheme('/var/lib/soe'), 'file');
  assert.equal(storeScheme('MEM://x'), 'mem');
  assert.equal(storeScheme('C:\\data'), 'file');
  assert.deepEqual(await openStore('/var/lib/soe'), { marker: 'file' });
  assert.deepEqual(await openStore('file:///srv/ts'), { marker: 'file' });
  assert.deepEqual(await openStore('MEM://x'), { marker: 'mem' });
  assert.deepEqual(opened, ['/var/lib/soe', 'file:///srv/ts', 'MEM://x']);
});

test("unknown schemes, Object.prototype's keys included, fail naming the location and the drivers", async () => {
  storeDrivers.register('file', fakeDriver([], 'file'));
  storeDrivers.register('mem', fakeDriver([], 'mem'));
  for (const location of ['mysql://db', 'toString://x', 'constructor://x', 'hasOwnProperty://x']) {
    await assert.rejects(openStore(location), {
      message: `Unknown storage '${location}': use a directory or file://, mem://`,
    });
  }
  for (const scheme of ['toString', 'constructor', '__proto__']) {
    assert.throws(() => storeDrivers.get(scheme), {
      message: `Unknown storage '${scheme}://': use a directory or file://, mem://`,
    });
  }
});
