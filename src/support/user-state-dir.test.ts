import assert from 'node:assert/strict';
import { test } from 'node:test';
import { userStateDir } from './user-state-dir.js';

test('the state folder is $XDG_STATE_HOME/soe when that is an absolute path', () => {
  assert.equal(
    userStateDir({ XDG_STATE_HOME: '/var/lib/alice/state' }, '/home/alice'),
    '/var/lib/alice/state/soe',
  );
});

test('without XDG_STATE_HOME, or with an empty or relative one, it is ~/.local/state/soe', () => {
  for (const env of [{}, { XDG_STATE_HOME: '' }, { XDG_STATE_HOME: 'state' }])
    assert.equal(userStateDir(env, '/home/alice'), '/home/alice/.local/state/soe');
});
