import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HTTP_CONF, parseHttpConf } from './http-conf.js';

test('the original default: OpenFaaS 0.8 at localhost:8080 with 5 clients, and the brokers’ bounds', () => {
  assert.deepEqual(parseHttpConf(DEFAULT_HTTP_CONF), {
    type: 'OpenFaaS(0.8)',
    gatewayUrl: 'http://localhost:8080/',
    urlTemplate: '',
    functionsFile: '',
    numClients: 5,
    timeoutMs: 30000,
    maxResponseBytes: 4 * 1024 * 1024,
    maxQueued: 1000,
  });
  assert.deepEqual(parseHttpConf(''), parseHttpConf(DEFAULT_HTTP_CONF));
});

test('the gateway URL always ends with one slash; the bounds are keys', () => {
  const conf = parseHttpConf(
    'gateway-url=http://gw:31112/faas,num-clients=2,timeout=0.5,max-response-size=100,max-queued=7',
  );
  assert.equal(conf.gatewayUrl, 'http://gw:31112/faas/');
  assert.deepEqual(
    [conf.numClients, conf.timeoutMs, conf.maxResponseBytes, conf.maxQueued],
    [2, 500, 100, 7],
  );
  assert.equal(parseHttpConf('gateway-url=https://gw/').gatewayUrl, 'https://gw/');
});

test('generic needs a URL template with {name} or a functions file', () => {
  const conf = parseHttpConf('type=generic,url-template=http://fn.example/{name}');
  assert.deepEqual(
    [conf.type, conf.urlTemplate, conf.gatewayUrl],
    ['generic', 'http://fn.example/{name}', ''],
  );
  assert.equal(parseHttpConf('type=generic,functions=f.json').functionsFile, 'f.json');
});

test('bad confs fail with the original errors or one naming the key', () => {
  const cases: [string, string][] = [
    ['type=OpenFaaS(0.9)', 'unknown EdgeComputerHttp type: OpenFaaS(0.9)'],
    ['num-clients=0', 'invalid vanishing number of HTTP clients'],
    ['num-clients=-1', "Invalid value '-1' for key 'num-clients': cannot be < 0"],
    ['gateway', 'Invalid configuration: gateway'],
    ['gateway-url=localhost:8080', "Invalid gateway-url 'localhost:8080': only http and https are supported"],
    ['gateway-url=/function', "Invalid gateway-url '/function': not an absolute URL"],
    ['gateway-url=ftp://x/', "Invalid gateway-url 'ftp://x/': only http and https are supported"],
    [
      'gateway-url=http://x/,clients=3',
      "Invalid key 'clients' in --http-conf; known keys: type, gateway-url, url-template, functions, " +
        'num-clients, timeout, max-response-size, max-queued',
    ],
    ['timeout=0', 'Invalid timeout in --http-conf: 0 (must be > 0)'],
    ['timeout=x', 'Invalid type when converting x as double'],
    ['max-response-size=0', 'Invalid max-response-size in --http-conf: 0 (must be > 0)'],
    ['max-queued=0', 'Invalid max-queued in --http-conf: 0 (must be > 0)'],
    ['url-template=http://x/{name}', "Key 'url-template' of --http-conf is for type=generic only"],
    ['type=generic,gateway-url=http://x/', "Key 'gateway-url' of --http-conf is for type=OpenFaaS(0.8) only"],
    [
      'type=generic',
      'type=generic needs url-template=<URL with {name}> or functions=<file.json> in --http-conf',
    ],
    ['type=generic,url-template=http://x/f', "Invalid url-template 'http://x/f': it must contain {name}"],
    ['type=generic,url-template={name}', "Invalid url-template '{name}': not an absolute URL"],
  ];
  for (const [text, message] of cases) assert.throws(() => parseHttpConf(text), { message }, text);
});
