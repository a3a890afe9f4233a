/**
 * `/v1/archive_policy_rule`: rules mapping metric-name globs to archive policies. Listing is ordered by
 * `metric_pattern` in reverse alphabetical order, which is also the order in which a metric created
 * without a policy is matched (see archive-policy-rules.ts).
 */
import type { ArchivePolicyRule } from '../model.js';
import { TimeseriesError } from '../errors.js';
import { sortRules } from './archive-policy-rules.js';
import { requireAdmin } from './auth.js';
import { readJson, sendJson, sendNoContent, setLocation } from './http.js';
import type { ApiRouter } from './routing.js';
import { checkKeys, expectObject, stringField } from './validate.js';

function ruleJson(rule: ArchivePolicyRule): ArchivePolicyRule {
  return {
    name: rule.name,
    metric_pattern: rule.metric_pattern,
    archive_policy_name: rule.archive_policy_name,
  };
}

/** Registers the archive policy rule routes. */
export function registerArchivePolicyRuleRoutes(router: ApiRouter): void {
  const { store } = router;

  router.route('POST', '/v1/archive_policy_rule', async (request, reply) => {
    requireAdmin(request);
    const body = expectObject(readJson(request));
    checkKeys(
      body,
      ['name', 'metric_pattern', 'archive_policy_name'],
      ['name', 'metric_pattern', 'archive_policy_name'],
    );
    const rule: ArchivePolicyRule = {
      name: stringField(body, 'name') ?? '',
      metric_pattern: stringField(body, 'metric_pattern') ?? '',
      archive_policy_name: stringField(body, 'archive_policy_name') ?? '',
    };
    if ((await store.getArchivePolicy(rule.archive_policy_name)) === undefined) {
      throw new TimeseriesError(400, {
        cause: 'Archive policy does not exist',
        detail: rule.archive_policy_name,
      });
    }
    await store.createRule(rule);
    setLocation(request, reply, `/v1/archive_policy_rule/${rule.name}`);
    return sendJson(reply, ruleJson(rule), 201);
  });

  router.route('GET', '/v1/archive_policy_rule', async (_request, reply) =>
    sendJson(reply, sortRules(await store.listRules()).map(ruleJson)),
  );

  router.route('GET', '/v1/archive_policy_rule/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const rule = await store.getRule(name);
    if (rule === undefined) throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
    return sendJson(reply, ruleJson(rule));
  });

  router.route('PATCH', '/v1/archive_policy_rule/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    if ((await store.getRule(name)) === undefined) {
      throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
    }
    const body = expectObject(readJson(request));
    checkKeys(body, ['name'], ['name']);
    requireAdmin(request);
    const newName = stringField(body, 'name') ?? name;
    const renamed = await store.renameRule(name, newName).catch((e: unknown) => {
      if (!(e instanceof TimeseriesError && e.status === 409)) throw e;
      throw new TimeseriesError(
        400,
        `Archive policy rule ${name} does not support change: Archive policy rule ${newName} already exists.`,
      );
    });
    return sendJson(reply, ruleJson(renamed));
  });

  router.route(
    'DELETE',
    '/v1/archive_policy_rule/:name',
    async (request, reply) => {
      const { name } = request.params as { name: string };
      if ((await store.getRule(name)) === undefined) {
        throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
      }
      requireAdmin(request);
      await store.deleteRule(name);
      return sendNoContent(reply);
    },
    { noBody: true },
  );
}
