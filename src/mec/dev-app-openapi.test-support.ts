import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { parse } from 'yaml';

/** The ETSI OpenAPI document of GS MEC 016 v2.2.1 (BSD-3, with its licence), vendored under test/fixtures. */
export const DEV_APP_OPENAPI = fileURLToPath(
  new URL('../../../test/fixtures/etsi-mec-016/UEAppInterfaceApi.yaml', import.meta.url),
);

type Doc = {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, Response> }>>;
  components: { responses: Record<string, Response> };
};
type Response = { $ref?: string; content?: Record<string, unknown> };

/**
 * The document for openapi-backend, which reads only `application/json` schemas: every response declared
 * as `application/problem+json` gets the very same schema under `application/json` too (the media type
 * itself is checked against the original document by {@link DevAppValidator.response}).
 */
function forValidator(doc: Doc): Doc {
  const copy = structuredClone(doc);
  for (const r of Object.values(copy.components.responses)) {
    const problem = r.content?.['application/problem+json'];
    if (problem !== undefined) r.content!['application/json'] = problem;
  }
  return copy;
}

/** What a request or response looked like on the wire. */
export interface WireRequest {
  method: string;
  /** Path relative to `<root>/dev_app/v1`, e.g. `/app_list`. */
  path: string;
  query?: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: unknown;
}

/** Validates requests and responses of `/dev_app/v1/` against the ETSI OpenAPI document (openapi-backend). */
export class DevAppValidator {
  private constructor(
    private readonly api: OpenAPIBackend,
    private readonly doc: Doc,
  ) {}

  /** Loads the document and builds the validators. */
  static async load(): Promise<DevAppValidator> {
    const doc = parse(readFileSync(DEV_APP_OPENAPI, 'utf8')) as Doc;
    const api = new OpenAPIBackend({
      definition: forValidator(doc) as never,
      quick: false,
      validate: true,
      customizeAjv: (ajv) => {
        ajv.addFormat('uri', (v: string) => URL.canParse(v));
        ajv.addFormat('uint32', {
          type: 'number',
          validate: (n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff,
        });
        ajv.addFormat('float', { type: 'number', validate: () => true });
        return ajv;
      },
    });
    await api.init();
    return new DevAppValidator(api, doc);
  }

  /** The operation of a request, or a failed assertion. */
  operation(method: string, path: string): Operation {
    const op = this.api.matchOperation({ method: method.toLowerCase(), path, headers: {} });
    assert.ok(op, `no operation of the ETSI document for ${method} ${path}`);
    return op;
  }

  /** Asserts that a request is valid for its operation. */
  request(req: WireRequest): void {
    const op = this.operation(req.method, req.path);
    const result = this.api.validateRequest(
      {
        method: req.method.toLowerCase(),
        path: req.path,
        query: req.query ?? {},
        headers: req.headers,
        body: req.body,
      },
      op,
    );
    assert.equal(result.errors, null, `request ${req.method} ${req.path}: ${JSON.stringify(result.errors)}`);
  }

  /**
   * Asserts that a response is one the document declares for the operation: a declared status, the declared
   * media type, no body for 204, and a body valid for the declared schema.
   */
  response(method: string, path: string, status: number, contentType: string | null, body: string): void {
    const op = this.operation(method, path);
    const raw = this.doc.paths[op.path]![op.method]!.responses!;
    let declared = raw[String(status)];
    assert.ok(declared, `${method} ${path}: status ${status} is not declared by the ETSI document`);
    if (declared.$ref !== undefined)
      declared = this.doc.components.responses[declared.$ref.split('/').pop()!]!;
    const media = Object.keys(declared.content ?? {});
    if (media.length === 0) {
      assert.equal(body, '', `${method} ${path} ${status}: a body where the document declares none`);
      return;
    }
    assert.ok(
      contentType !== null && media.includes(contentType.split(';')[0]!.trim()),
      `${method} ${path} ${status}: content type ${contentType}, the document declares ${media.join(', ')}`,
    );
    const result = this.api.validateResponse(JSON.parse(body) as unknown, op, status);
    assert.equal(
      result.errors,
      null,
      `response ${method} ${path} ${status}: ${JSON.stringify(result.errors)}`,
    );
  }

  /**
   * Asserts that a notification body is a valid `InlineNotification` (the callback of `POST app_contexts`).
   * Its members overlap (no `additionalProperties: false`), so `oneOf` alone can never pass: the schema is
   * the one its discriminator names, as OpenAPI defines it (`notificationType` = the member schema's name).
   */
  notification(body: unknown): void {
    const schemas = (this.doc as unknown as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    const inline = schemas.InlineNotification as {
      oneOf: { $ref: string }[];
      discriminator: { propertyName: string };
    };
    const name = (body as Record<string, unknown>)[inline.discriminator.propertyName];
    assert.ok(
      inline.oneOf.some((m) => m.$ref === `#/components/schemas/${String(name)}`),
      `notification type ${String(name)} is not one of InlineNotification`,
    );
    const ajv = this.api.validator.getAjv(0 as never);
    const validate = ajv.compile({ ...(schemas[String(name)] as object), components: { schemas } });
    assert.ok(validate(body), `notification: ${JSON.stringify(validate.errors)}`);
  }
}
