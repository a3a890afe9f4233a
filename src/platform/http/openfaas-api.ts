import type { FunctionBody, FunctionResult, HttpFunctionApi } from './http-function-api.js';

/**
 * An OpenFaaS 0.8 gateway as the original calls it (spec §5.8): `POST <gateway-url>function/<name>` with the
 * input as a text body; 200 gives `OK` and the body as output, any other status
 * `error HTTP response received (<status>)`. The name is URL-encoded (the original pasted it as it was, so a
 * name with `/`, `?` or `..` reached other paths of the gateway); OpenFaaS names are never changed by it.
 */
export class OpenFaasApi implements HttpFunctionApi {
  /** `gatewayUrl` ends with `/`. */
  constructor(private readonly gatewayUrl: string) {}

  target(name: string): URL {
    return new URL(`${this.gatewayUrl}function/${encodeURIComponent(name)}`);
  }

  body(input: string): FunctionBody {
    return { body: input, contentType: 'text/plain; charset=utf-8' };
  }

  result(status: number, body: string): FunctionResult {
    if (status !== 200) return { retcode: `error HTTP response received (${status})`, output: '' };
    return { retcode: 'OK', output: body };
  }
}
