import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexState } from './index-state.js';
import type { Resource } from './model.js';

function resource(id: string, revisionStart = 0): Resource {
  return {
    id,
    type: 'generic',
    original_resource_id: id,
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    user_id: null,
    project_id: null,
    started_at: 0,
    ended_at: null,
    revision_start: revisionStart,
    revision_end: null,
    metrics: {},
    attributes: {},
  };
}

test('a checkpoint of an older version (no history) loads with none; numbering starts at 1', () => {
  const state = new IndexState();
  state.load({ policies: [], rules: [], metrics: [], resourceTypes: [], resources: [resource('r1')] });
  assert.deepEqual(state.listResourceHistory('generic'), []);
  const op = state.updateResource(resource('r1', 5), true);
  assert.deepEqual(op, {
    op: 'putResource',
    resource: resource('r1', 5),
    past: { ...resource('r1'), revision_end: 5, revision: 1 },
  });
});

test('revision numbers are not reused after a resource and its history are deleted, also from a checkpoint', () => {
  const state = new IndexState();
  state.apply(state.createResource(resource('r1')));
  state.apply(state.updateResource(resource('r1', 1), true));
  state.apply(state.updateResource(resource('r1', 2), true));
  for (const op of state.deleteResource('r1')) state.apply(op);
  assert.equal(state.history.size, 0);
  const copy = new IndexState();
  copy.load(state.snapshot());
  copy.apply(copy.createResource(resource('r2')));
  const op = copy.updateResource(resource('r2', 3), true);
  assert.equal(op.op === 'putResource' ? op.past?.revision : undefined, 3);
});
