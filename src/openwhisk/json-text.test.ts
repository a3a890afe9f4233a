import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonText, jsonOf } from './json-text.js';

test('a JsonText is written out as the value of its text; jsonOf gives its text as it is', () => {
  const text = '{"a": [1, {}, "x"], "error": null}';
  const record = { response: { result: new JsonText(text) } };
  assert.equal(JSON.stringify(record), '{"response":{"result":{"a":[1,{},"x"],"error":null}}}');
  assert.equal(jsonOf(record.response.result), text);
  assert.equal(jsonOf({ payload: 'p' }), '{"payload":"p"}');
});
