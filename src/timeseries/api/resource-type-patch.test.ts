import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResourceType } from '../model.js';
import { parseResourceTypePatch, patchResourceType } from './resource-type-patch.js';

const HOST: ResourceType = {
  name: 'host',
  state: 'active',
  attributes: {
    name: { type: 'string', required: true, min_length: 0, max_length: 255 },
    old: { type: 'bool', required: false },
  },
};

function rejects(body: unknown, description: unknown): void {
  assert.throws(
    () => patchResourceType(HOST, parseResourceTypePatch(body)),
    (err: { status: number; description: unknown }) => {
      assert.deepEqual([err.status, err.description], [400, description]);
      return true;
    },
  );
}

describe('resource type JSON Patch', () => {
  test('adds with fill values (converted), removes, keeps the order of kept attributes', () => {
    const change = patchResourceType(
      HOST,
      parseResourceTypePatch([
        {
          op: 'add',
          path: '/attributes/when',
          value: { type: 'datetime', options: { fill: '2017-10-10T10:10:10Z' } },
        },
        {
          op: 'add',
          path: '/attributes/id~1x',
          value: { type: 'uuid', options: { fill: '{0000000000000000000000000000000A}' } },
        },
        { op: 'add', path: '/attributes/note', value: { type: 'string', required: false, max_length: 4 } },
        { op: 'remove', path: '/attributes/old' },
      ]),
    );
    assert.deepEqual(change, {
      type: {
        ...HOST,
        attributes: {
          name: HOST.attributes.name,
          when: { type: 'datetime', required: true },
          'id/x': { type: 'uuid', required: true },
          note: { type: 'string', required: false, min_length: 0, max_length: 4 },
        },
      },
      changed: true,
      fill: { when: 1507630210, 'id/x': '00000000-0000-0000-0000-00000000000a', note: null },
    });
  });

  test('adding then removing the same attribute, or re-adding an existing one, changes nothing', () => {
    const change = patchResourceType(
      HOST,
      parseResourceTypePatch([
        { op: 'add', path: '/attributes/tmp', value: { type: 'bool', required: false } },
        { op: 'remove', path: '/attributes/tmp' },
        { op: 'add', path: '/attributes/name', value: { type: 'number', required: false } },
      ]),
    );
    assert.deepEqual(change, { type: HOST, changed: false, fill: {} });
  });

  test("Gnocchi's errors: operations, paths, jsonpatch, definitions and fill values", () => {
    rejects([{ op: 'replace', path: '/attributes/name', value: {} }], {
      cause: 'Invalid input',
      reason: "not a valid value for dictionary value @ data[0]['op']",
      detail: ['0', 'op'],
    });
    rejects([{ op: 'add', path: '/name', value: {} }], {
      cause: 'Invalid input',
      reason: "Only attributes can be modified for dictionary value @ data[0]['path']",
      detail: ['0', 'path'],
    });
    rejects({}, { cause: 'Invalid input', reason: 'expected list', detail: [] });
    rejects([{ op: 'remove', path: '/attributes/what' }], "can't remove a non-existent object 'what'");
    rejects([{ op: 'add', path: '/attributes/what' }], "The operation does not contain a 'value' member");
    rejects(
      [{ op: 'add', path: '/attributes/x', value: { type: 'notexist' } }],
      "Invalid input: not a valid value for dictionary value @ data['attributes']['x']",
    );
    rejects(
      [{ op: 'add', path: '/attributes/x', value: { type: 'number', options: { fill: 'a-string' } } }],
      "Invalid input: Option 'fill' of resource attribute x is invalid: expected Real",
    );
    rejects(
      [{ op: 'add', path: '/attributes/x', value: { type: 'number', max: 3, options: { fill: 4 } } }],
      "Invalid input: Option 'fill' of resource attribute x is invalid: value must be at most 3",
    );
    rejects(
      [{ op: 'add', path: '/attributes/x', value: { type: 'uuid', options: {} } }],
      "Invalid input: Option 'fill' of resource attribute x is invalid: must not be empty if required=True",
    );
    rejects(
      [{ op: 'add', path: '/attributes/_x', value: { type: 'bool', required: false } }],
      'Invalid input: Resource attribute name _x is invalid',
    );
  });
});
