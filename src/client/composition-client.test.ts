import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientCommand } from '../cli/command-client.js';
import { runCommand } from '../cli/command.js';
import { startCompositionTestbed } from '../platform/composition/composition-testbed.test-support.js';
import { Chain } from '../protocol/chain.js';
import { Dag } from '../protocol/dag.js';
import { setLogSink } from '../support/logger.js';
import {
  DAG_FUNCTION_ERROR,
  embeddedStates,
  runChainClientDriven,
  runDagClientDriven,
} from './composition-client.js';
import { CHAIN_TEMPLATE, DAG_TEMPLATE } from './composition-conf.js';
import { GrpcLambdaClient } from './lambda-client-grpc.js';

const INPUT = '{"input":"AAAA"}';

test('client-driven chain and DAG through a router: hops and ptime summed, states replaced, errors', async () => {
  const bed = await startCompositionTestbed('js', [['f0'], ['f1']]);
  const client = new GrpcLambdaClient(bed.router.endpoint);
  try {
    const states = embeddedStates(
      new Map([
        ['s0', 3],
        ['s1', 2],
        ['s3', 1],
      ]),
    );
    const chain = new Chain(['f0', 'f1', 'f0'], { s0: ['f0'], s1: ['f1'], s3: [] });
    const res = await runChainClientDriven(client, chain, INPUT, states);
    assert.equal(res.retcode, 'OK');
    assert.equal(res.hops, 6);
    assert.equal(res.responder, '');
    assert.equal((JSON.parse(res.output) as { input: string }).input, 'AAAA');
    assert.deepEqual(Object.keys(res.states).sort(), ['s0', 's1', 's3']);

    const single = await runChainClientDriven(client, new Chain(['f1'], {}), INPUT, new Map());
    assert.deepEqual([single.hops, single.responder], [2, bed.computers[1]!.endpoint]);

    const stopped = await runChainClientDriven(client, new Chain(['f0', 'fX', 'f1'], {}), INPUT, new Map());
    assert.equal(stopped.retcode, 'No destinations found for the entry');
    assert.equal(stopped.hops, 2);

    const dag = new Dag([[1, 2], [3], [3]], ['f0', 'f1', 'f0', 'f1'], {});
    const d = await runDagClientDriven(client, dag, INPUT, new Map());
    assert.deepEqual([d.retcode, d.hops, d.output], ['OK', 8, INPUT]);
    await assert.rejects(
      runDagClientDriven(client, new Dag([[1]], ['f0', 'fX'], {}), INPUT, new Map()),
      new Error(DAG_FUNCTION_ERROR),
    );
  } finally {
    client.close();
    await bed.stop();
  }
});

test('edgeclient --chain-conf/--dag-conf, client-driven and hop by hop: one line each, named after the application', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-composition-client-'));
  const bed = await startCompositionTestbed('sim', [
    ['f0', 'f1', 'f2'],
    ['f0', 'f1', 'f2'],
  ]);
  const restore = setLogSink(() => undefined);
  try {
    writeFileSync(join(dir, 'chain.json'), CHAIN_TEMPLATE);
    writeFileSync(join(dir, 'dag.json'), DAG_TEMPLATE);
    // Remote states along a DAG: the join node depends on no state that one branch moves and the other
    // carries (docs/composition.md, "States in a DAG").
    const template = JSON.parse(DAG_TEMPLATE) as { dependencies: Record<string, unknown> };
    delete template.dependencies['s2'];
    writeFileSync(join(dir, 'dag-remote.json'), JSON.stringify(template));
    const run = async (args: string[]): Promise<string> => {
      const out = join(dir, 'out.txt');
      const code = await runCommand(
        clientCommand,
        ['--server-endpoints', bed.router.endpoint, '--max-requests', '1', '--output-file', out, ...args],
        'edgeclient',
      );
      assert.equal(code, 0);
      return readFileSync(out, 'utf8');
    };
    const computers = bed.computers.map((c) => c.endpoint.replace(/\./g, '\\.')).join('|');
    const num = '\\d+(\\.\\d+)?(e-\\d+)?';
    assert.match(
      await run(['--chain-conf', `type=file,filename=${join(dir, 'chain.json')}`]),
      new RegExp(`^${num} ${num} 0  f1-f2-f1 6\n$`),
    );
    assert.match(
      await run(['--dag-conf', `type=file,filename=${join(dir, 'dag.json')}`]),
      new RegExp(`^${num} ${num} 0  f0-f1-f2-f2 8\n$`),
    );
    const hop = ['--callback-endpoint', '127.0.0.1:0', '--callback-timeout', '60'];
    assert.match(
      await run(['--chain-conf', `type=file,filename=${join(dir, 'chain.json')}`, ...hop]),
      new RegExp(`^${num} ${num} 0 (${computers}) f1-f2-f1 6\n$`),
    );
    assert.match(
      await run([
        '--dag-conf',
        `type=file,filename=${join(dir, 'dag-remote.json')}`,
        ...hop,
        '--state-endpoint',
        '127.0.0.1:0',
      ]),
      new RegExp(`^${num} ${num} 0 (${computers}) f0-f1-f2-f2 6\n$`),
    );
  } finally {
    restore();
    await bed.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
