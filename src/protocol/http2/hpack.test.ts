import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeHeaders, HpackDecoder, HpackError, type HeaderField } from './hpack.js';
import { huffmanDecode } from './huffman.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 7541 Appendix C: each case decodes a sequence of blocks with one decoder (one dynamic table).
const C3: [string, HeaderField[]][] = [
  [
    '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ],
  ],
  [
    '8286 84be 5808 6e6f 2d63 6163 6865',
    [
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ],
  ],
  [
    '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
    [
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ],
  ],
];

const C4 = [
  '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
  '8286 84be 5886 a8eb 1064 9cbf',
  '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
];

test('RFC 7541 C.3: requests without Huffman, sharing the dynamic table', () => {
  const d = new HpackDecoder();
  for (const [block, fields] of C3) assert.deepEqual(d.decode(hex(block)), fields);
});

test('RFC 7541 C.4: the same requests Huffman-coded', () => {
  const d = new HpackDecoder();
  C4.forEach((block, i) => assert.deepEqual(d.decode(hex(block)), C3[i]![1]));
});

test('RFC 7541 C.5: responses in a 256-octet table, with evictions', () => {
  const d = new HpackDecoder(256);
  const date1 = 'Mon, 21 Oct 2013 20:13:21 GMT';
  assert.deepEqual(
    d.decode(
      hex(`4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32
      3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d`),
    ),
    [
      [':status', '302'],
      ['cache-control', 'private'],
      ['date', date1],
      ['location', 'https://www.example.com'],
    ],
  );
  assert.deepEqual(d.decode(hex('4803 3330 37c1 c0bf')), [
    [':status', '307'],
    ['cache-control', 'private'],
    ['date', date1],
    ['location', 'https://www.example.com'],
  ]);
  assert.deepEqual(
    d.decode(
      hex(`88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970
      7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61
      6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31`),
    ),
    [
      [':status', '200'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
      ['location', 'https://www.example.com'],
      ['content-encoding', 'gzip'],
      ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
    ],
  );
});

test('Huffman: every octet value decodes, and bad padding or EOS is refused', () => {
  assert.equal(huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'), 0, 12), 'www.example.com');
  assert.equal(huffmanDecode(hex('a8eb 1064 9cbf'), 0, 6), 'no-cache');
  assert.throws(() => huffmanDecode(hex('a8eb 1064 9cbf ff'), 0, 7), /invalid Huffman padding/);
  assert.throws(() => huffmanDecode(hex('a8eb 1064 9cbe'), 0, 6), /invalid Huffman padding/);
  assert.throws(() => huffmanDecode(hex('ffff fffc'), 0, 4), /EOS/);
});

test('malformed blocks throw HpackError, never something else', () => {
  const d = new HpackDecoder();
  for (const block of [
    '80',
    'be',
    '41',
    '4105616263',
    '3fe21f',
    'ff80808080808001',
    '418cf1e3c2e5f23a6ba0ab90f4fe',
  ]) {
    assert.throws(() => d.decode(hex(block)), HpackError, block);
  }
});

test('encodeHeaders: static matches indexed, others literal without indexing, and they round-trip', () => {
  const fields: HeaderField[] = [
    [':method', 'POST'],
    [':path', '/uiiit.rpc.EdgeServer/RunLambda'],
    ['content-type', 'application/grpc'],
    ['te', 'trailers'],
    ['grpc-message', 'x'.repeat(300)],
  ];
  const block = encodeHeaders(fields);
  assert.equal(block[0], 0x83);
  assert.equal(block[1], 0x04); // literal without indexing, name :path (index 4)
  const d = new HpackDecoder();
  assert.deepEqual(d.decode(block), fields);
  assert.deepEqual(d.decode(block), fields); // the table is untouched: the same block decodes again
});
