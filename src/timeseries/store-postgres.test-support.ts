/** TEST SUPPORT ONLY: the PostgreSQL of the test machine, and whether its tests run. */
import pg from 'pg';

/** PostgreSQL of the test machine (CI starts it); override with SOE_TEST_PG. */
export const TEST_PG = process.env.SOE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether PostgreSQL answers. */
async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_PG, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

/** The skip reason of PostgreSQL tests: outside CI they are skipped (with this message) when it does not answer. */
export const PG_SKIP: string | false =
  process.env.CI !== 'true' && !(await postgresReachable())
    ? `PostgreSQL not reachable at ${TEST_PG} (CI always runs these tests)`
    : false;

/** Drops schemas of a test (and everything in them). */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: TEST_PG });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
