import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { State } from '../../protocol/messages.js';
import { localStates, type StateAccess } from '../../protocol/state/state-client.js';
import { StateStore } from '../../protocol/state/state-store.js';
import { joinViewName, mergeJoinViews, putJoinView, remoteLocations } from './join-views.js';

const remote = (name: string, location: string): State => ({ name, location, content: Buffer.alloc(0) });

/** In-process state servers by end-point, counting the Gets each receives. */
function servers(...endpoints: string[]) {
  const stores = new Map(endpoints.map((e) => [e, new StateStore()]));
  const gets = new Map<string, number>();
  const at = (endpoint: string): StateAccess => {
    const store = stores.get(endpoint);
    if (store === undefined)
      return { get: () => Promise.reject(new Error(`unreachable ${endpoint}`)) } as never;
    const local = localStates(store);
    return {
      ...local,
      get: (name) => {
        gets.set(endpoint, (gets.get(endpoint) ?? 0) + 1);
        return local.get(name);
      },
    };
  };
  return { stores, gets, at };
}

test('views that agree change nothing, with no Get at the states’ servers; views are deleted once read', async () => {
  const { stores, gets, at } = servers('j:1', 'a:1');
  const join = localStates(stores.get('j:1')!);
  const states = { s: remote('s', 'a:1'), e: { name: 'e', location: '', content: Buffer.from('x') } };
  assert.deepEqual([...remoteLocations(states)], [['s', 'a:1']]);
  await putJoinView(join, 'u', 3, 1, remoteLocations(states));
  await putJoinView(join, 'u', 3, 2, remoteLocations(states));
  assert.equal(
    stores
      .get('j:1')!
      .content(joinViewName('u', 3, 1))
      ?.toString(),
    '{"s":"a:1"}',
  );
  const merged = await mergeJoinViews({ join, at }, 'u', 3, [1, 2], states);
  assert.deepEqual(merged.states, states);
  await merged.deleted;
  assert.equal(gets.get('a:1'), undefined);
  assert.equal(stores.get('j:1')!.size, 0);
});

test('views that differ: the location whose server holds the state wins, fewer views probed first', async () => {
  const { stores, gets, at } = servers('j:1', 'home:1', 'b:1', 'c:1');
  const join = localStates(stores.get('j:1')!);
  stores.get('b:1')!.put('s', Buffer.from('moved'));
  stores.get('home:1')!.put('t', Buffer.from('stays'));
  // Predecessor 1 moved s to b:1; 2 and 4 did not; 4 is the last to arrive. t was moved by nobody.
  await putJoinView(
    join,
    'u',
    5,
    1,
    new Map([
      ['s', 'b:1'],
      ['t', 'home:1'],
    ]),
  );
  await putJoinView(
    join,
    'u',
    5,
    2,
    new Map([
      ['s', 'home:1'],
      ['t', 'home:1'],
    ]),
  );
  await putJoinView(
    join,
    'u',
    5,
    4,
    new Map([
      ['s', 'home:1'],
      ['t', 'home:1'],
    ]),
  );
  const own = { s: remote('s', 'home:1'), t: remote('t', 'home:1') };
  const merged = await mergeJoinViews({ join, at }, 'u', 5, [1, 2, 4], own);
  assert.deepEqual(merged.states, { s: remote('s', 'b:1'), t: remote('t', 'home:1') });
  await merged.deleted;
  assert.deepEqual([...gets], [['b:1', 1]]);
  // Nobody holds u (two branches moved it in parallel, or it was lost): the last predecessor's stays;
  // an unreachable candidate counts as not holding it; a malformed or missing view is skipped.
  await putJoinView(join, 'v', 3, 1, new Map([['u', 'c:1']]));
  await putJoinView(join, 'v', 3, 2, new Map([['u', 'gone:1']]));
  stores.get('j:1')!.put(joinViewName('v', 3, 4), Buffer.from('["not", "a", "view"]'));
  stores.get('j:1')!.put(joinViewName('v', 3, 5), Buffer.from('{"u": 7, "w": "x:1"'));
  const lost = { u: remote('u', 'home:1') };
  const kept = await mergeJoinViews({ join, at }, 'v', 3, [1, 2, 4, 5, 6], lost); // 6 left no view
  assert.deepEqual(kept.states, lost);
  await kept.deleted;
  assert.deepEqual([gets.get('c:1'), gets.get('home:1')], [1, 1]);
  assert.equal(stores.get('j:1')!.size, 0);
});

test('a request without remote states reads no view', async () => {
  const { stores, at } = servers('j:1');
  const join = localStates(stores.get('j:1')!);
  await putJoinView(join, 'u', 3, 1, new Map([['s', 'b:1']]));
  const states = { e: { name: 'e', location: '', content: Buffer.from('x') } };
  assert.equal((await mergeJoinViews({ join, at }, 'u', 3, [1, 2], states)).states, states);
  assert.equal(stores.get('j:1')!.size, 1);
});

test('a view that cannot be left fails with why: refused by the server, or out of reach', async () => {
  const full = localStates(new StateStore({ maxStates: 0 }));
  await assert.rejects(
    putJoinView(full, 'u', 3, 1, new Map([['s', 'b:1']])),
    new Error(
      'cannot leave the state locations of node 1 for join 3: state server full: cannot store soe.join/u/3/view/1 (0 states, 0 bytes held)',
    ),
  );
  const gone = { put: () => Promise.reject(new Error('14 UNAVAILABLE: No connection established')) } as never;
  await assert.rejects(
    putJoinView(gone, 'u', 3, 2, new Map([['s', 'b:1']])),
    new Error(
      'cannot leave the state locations of node 2 for join 3: 14 UNAVAILABLE: No connection established',
    ),
  );
});

test('views that cannot be deleted are left to expire: the merge still answers', async () => {
  const store = new StateStore();
  const local = localStates(store);
  const join: StateAccess = { ...local, del: () => Promise.reject(new Error('14 UNAVAILABLE')) };
  await putJoinView(join, 'u', 3, 1, new Map([['s', 'a:1']]));
  const merged = await mergeJoinViews({ join, at: () => local }, 'u', 3, [1, 2], { s: remote('s', 'a:1') });
  assert.deepEqual(merged.states, { s: remote('s', 'a:1') });
  assert.equal(await merged.deleted, undefined);
  assert.equal(store.size, 1);
});
