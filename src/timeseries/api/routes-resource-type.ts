/**
 * `/v1/resource_type`: custom resource types with typed attributes (admin only to create, change or
 * delete); `generic` always exists. `PATCH` adds and removes attributes with a JSON Patch
 * (resource-type-patch.ts); existing resources get the added attributes' `options.fill` values.
 */
import type { Mutex } from '../../support/mutex.js';
import type { AttributeSchema, ResourceType } from '../model.js';
import { TimeseriesError } from '../errors.js';
import { requireAdmin } from './auth.js';
import { readJson, sendJson, sendNoContent, setLocation } from './http.js';
import { parseResourceTypePatch, patchResourceType } from './resource-type-patch.js';
import { GENERIC_TYPE, getResourceTypeOr404, parseAttributeSchema, resourceTypeJson } from './resources.js';
import type { ApiRouter } from './routing.js';
import { checkKeys, expectObject, invalidValue, stringField } from './validate.js';

/**
 * Registers the resource type routes; `mutex` (the resource routes' one) keeps a type change from
 * interleaving with a resource's read-modify-write, which would bring back the old attributes.
 */
export function registerResourceTypeRoutes(router: ApiRouter, mutex: Mutex): void {
  const { store } = router;

  router.route('POST', '/v1/resource_type', async (request, reply) => {
    requireAdmin(request);
    const body = expectObject(readJson(request));
    checkKeys(body, ['name', 'attributes'], ['name']);
    const name = stringField(body, 'name') ?? '';
    const rawAttributes = body.attributes ?? {};
    const attributesBody = expectObject(rawAttributes, ['attributes']);
    const attributes: Record<string, AttributeSchema> = {};
    for (const [attr, definition] of Object.entries(attributesBody)) {
      attributes[attr] = parseAttributeSchema(attr, definition, ['attributes', attr]);
    }
    if (name === '' || name.includes('/')) throw invalidValue('not a valid value', ['name']);
    if (name === 'generic' || (await store.getResourceType(name)) !== undefined) {
      throw new TimeseriesError(409, `Resource type ${name} already exists`);
    }
    const type: ResourceType = { name, state: 'active', attributes };
    await store.createResourceType(type);
    setLocation(request, reply, `/v1/resource_type/${name}`);
    return sendJson(reply, resourceTypeJson(type), 201);
  });

  router.route('GET', '/v1/resource_type', async (_request, reply) => {
    const types = await store.listResourceTypes();
    const all = types.some((t) => t.name === 'generic') ? types : [GENERIC_TYPE, ...types];
    return sendJson(reply, all.map(resourceTypeJson));
  });

  router.route('GET', '/v1/resource_type/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    return sendJson(reply, resourceTypeJson(await getResourceTypeOr404(store, name)));
  });

  router.route('PATCH', '/v1/resource_type/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    await getResourceTypeOr404(store, name);
    requireAdmin(request);
    const operations = parseResourceTypePatch(readJson(request, ['application/json-patch+json']));
    const result = await mutex.run(async () => {
      const type = await getResourceTypeOr404(store, name);
      const change = patchResourceType(type, operations);
      if (!change.changed) return type;
      try {
        await store.updateResourceType(change.type, change.fill);
      } catch (err) {
        // Gnocchi answers a type that vanished meanwhile (or `generic`, which has no stored row) with 400.
        if (err instanceof TimeseriesError && err.status === 404)
          throw new TimeseriesError(400, err.description);
        throw err;
      }
      return change.type;
    });
    return sendJson(reply, resourceTypeJson(result));
  });

  router.route(
    'DELETE',
    '/v1/resource_type/:name',
    async (request, reply) => {
      const { name } = request.params as { name: string };
      await getResourceTypeOr404(store, name);
      requireAdmin(request);
      if (name === 'generic') throw new TimeseriesError(400, 'Resource type generic is still in use');
      await store.deleteResourceType(name);
      return sendNoContent(reply);
    },
    { noBody: true },
  );
}
