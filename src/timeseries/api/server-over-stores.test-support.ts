/** TEST SUPPORT ONLY: a timeseries server's tests over each store, and calls to it as the admin. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { FileTimeseriesStore } from '../store-file.js';
import { PostgresTimeseriesStore } from '../store-postgres.js';
import { dropSchemas, PG_SKIP, TEST_PG } from '../store-postgres.test-support.js';
import type { TimeseriesStore } from '../store.js';
import type { RunningTimeseriesServer } from './serve.js';

/** A store the tests run over: its name, why it is skipped (or false), and how to open a fresh one. */
export interface StoreUnderTest {
  name: string;
  skip: string | false;
  open(): Promise<TimeseriesStore>;
}

/**
 * The embedded store (each in a fresh temporary folder `soe-<tag>-…`) and PostgreSQL (in the schema
 * `soe_<tag>_<pid>`); the folders and the schema are removed after the calling file's tests. Call it at a
 * test file's top level.
 */
export function storesUnderTest(tag: string): StoreUnderTest[] {
  const schema = `soe_${tag.replaceAll('-', '_')}_${process.pid}`;
  const folders: string[] = [];
  after(async () => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    if (PG_SKIP === false) await dropSchemas([schema]);
  });
  return [
    {
      name: 'embedded store',
      skip: false,
      async open() {
        const dataDir = mkdtempSync(join(tmpdir(), `soe-${tag}-`));
        folders.push(dataDir);
        const store = new FileTimeseriesStore({ dataDir });
        await store.open();
        return store;
      },
    },
    {
      name: 'PostgreSQL',
      skip: PG_SKIP,
      async open() {
        const store = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema, max: 4 });
        await store.open();
        return store;
      },
    },
  ];
}

/** The `Authorization` header of the admin (basic auth, no password). */
export const ADMIN = `Basic ${Buffer.from('admin:').toString('base64')}`;

/** An answer of the server: its status, its body as text and as JSON (undefined when empty). */
export interface Reply {
  status: number;
  text: string;
  json(): unknown;
}

/** Calls `server` as the admin; `body` goes as JSON (a string as it is). */
export async function call(
  server: RunningTimeseriesServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      authorization: ADMIN,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: () => (text === '' ? undefined : (JSON.parse(text) as unknown)),
  };
}
