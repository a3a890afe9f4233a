// Gnocchi's groupby over resources: sorted by the attributes (nulls last), cut where the values change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource, ResourceType } from '../model.js';
import { assertTimeseriesError } from '../timeseries-error.test-support.js';
import { groupResources } from './resource-groups.js';

const TYPE: ResourceType = {
  name: 'host',
  state: 'active',
  attributes: { rack: { type: 'string', required: false, max_length: 255, min_length: 0 } },
};

function resource(id: string, project: string | null, rack?: string): Resource {
  return {
    id,
    type: 'host',
    original_resource_id: id,
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    user_id: null,
    project_id: project,
    started_at: 0,
    ended_at: null,
    revision_start: 0,
    revision_end: null,
    metrics: {},
    attributes: rack === undefined ? {} : { rack },
  };
}

const A = resource('00000000-0000-0000-0000-00000000000a', 'p2', 'r1');
const B = resource('00000000-0000-0000-0000-00000000000b', 'p1', 'r2');
const C = resource('00000000-0000-0000-0000-00000000000c', 'p1', 'r1');
const D = resource('00000000-0000-0000-0000-00000000000d', null);

void test('groups in the order of the sorted attribute values, resources by id within a group', () => {
  const groups = groupResources([D, C, A, B], TYPE, ['project_id']);
  assert.deepEqual(
    groups.map((g) => [g.group, g.resources.map((r) => r.id.slice(-1))]),
    [
      [{ project_id: 'p1' }, ['b', 'c']],
      [{ project_id: 'p2' }, ['a']],
      [{ project_id: null }, ['d']],
    ],
  );
  const two = groupResources([D, C, A, B], TYPE, ['project_id', 'rack']);
  assert.deepEqual(
    two.map((g) => g.group),
    [
      { project_id: 'p1', rack: 'r1' },
      { project_id: 'p1', rack: 'r2' },
      { project_id: 'p2', rack: 'r1' },
      { project_id: null, rack: null },
    ],
  );
  assert.deepEqual(groupResources([], TYPE, ['rack']), []);
  assert.deepEqual(
    groupResources([B, A], TYPE, []).map((g) => [g.group, g.resources.length]),
    [[{}, 2]],
  );
});

void test('a page of the sorted resources is grouped (the deprecated route reads one page)', () => {
  const groups = groupResources([D, C, A, B], TYPE, ['project_id'], { limit: 2, marker: undefined });
  assert.deepEqual(
    groups.map((g) => g.resources.map((r) => r.id.slice(-1))),
    [['b', 'c']],
  );
  const next = groupResources([D, C, A, B], TYPE, ['project_id'], { limit: 2, marker: C.id });
  assert.deepEqual(
    next.map((g) => g.resources.map((r) => r.id.slice(-1))),
    [['a'], ['d']],
  );
});

void test("an unknown attribute is the indexer's sort-key error", () => {
  assertTimeseriesError(
    () => groupResources([A], TYPE, ['unit']),
    400,
    "Invalid pagination: `Sort key supplied is invalid: unit'",
  );
});
