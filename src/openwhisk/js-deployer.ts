import { HttpClient } from '../platform/http/http-client.js';
import type { JsComputerSource } from './js-computer-source.js';
import type { WskActionEntity } from './wsk-action.js';
import { WskHttpError } from './wsk-errors.js';

/** The annotation naming the js computers (management end-points) an action goes to; default: all. */
export const COMPUTERS_ANNOTATION = 'soe-computers';

/** Where an action goes: its js computers, and whether its annotation chose them (else: all of them). */
export interface ActionTargets {
  targets: string[];
  pinned: boolean;
}

/**
 * Deploys Node.js actions to js computers through their management APIs (`PUT`/`DELETE
 * http://<end-point>/functions/<name>`, soe computer --management-endpoint). Only the end-points its
 * source gives are ever called.
 */
export class JsDeployer {
  private readonly rest = new HttpClient(8, { timeoutMs: 30_000, maxResponseBytes: 1024 * 1024 });

  constructor(readonly source: JsComputerSource) {}

  /**
   * The end-points an action goes to: those of its {@link COMPUTERS_ANNOTATION} (an array or a
   * comma-separated string, each one the source knows), else all the source knows; a 400 names an
   * unknown one, a 502 says why the source could not be read.
   */
  async targets(action: WskActionEntity): Promise<ActionTargets> {
    let known: string[];
    try {
      known = await this.source.endpoints();
    } catch (err) {
      throw new WskHttpError(502, (err as Error).message);
    }
    const a = action.annotations.find((x) => x.key === COMPUTERS_ANNOTATION);
    if (a === undefined) return { targets: known, pinned: false };
    const list = Array.isArray(a.value)
      ? a.value
      : typeof a.value === 'string'
        ? a.value.split(',')
        : undefined;
    if (list === undefined || list.some((e) => typeof e !== 'string'))
      throw new WskHttpError(400, `annotation ${COMPUTERS_ANNOTATION}: expected management end-points`);
    const wanted = [...new Set((list as string[]).map((e) => e.trim()).filter((e) => e !== ''))];
    for (const e of wanted)
      if (!known.includes(e))
        throw new WskHttpError(400, `annotation ${COMPUTERS_ANNOTATION}: unknown js computer ${e}`);
    return { targets: wanted, pinned: true };
  }

  /** Deploys (or replaces) `fn` with the action's code, limits and parameters on every target. */
  async deploy(fn: string, action: WskActionEntity, targets: readonly string[]): Promise<void> {
    if ('components' in action.exec) return;
    const { timeout, memory } = action.limits;
    const body = JSON.stringify({
      exec: action.exec,
      limits: { timeout, memory },
      parameters: action.parameters,
    });
    await Promise.all(
      targets.map(async (ep) => {
        const answer = await this.call(ep, fn, 'PUT', body);
        if (answer.status !== 200) {
          const why = errorText(answer.body);
          throw new WskHttpError(answer.status === 400 ? 400 : 502, `deployment to ${ep} failed: ${why}`);
        }
      }),
    );
  }

  /** Removes `fn` from every target (absent ones are fine). */
  async remove(fn: string, targets: readonly string[]): Promise<void> {
    await Promise.all(
      targets.map(async (ep) => {
        const answer = await this.call(ep, fn, 'DELETE');
        if (answer.status !== 200 && answer.status !== 404)
          throw new WskHttpError(502, `removal from ${ep} failed: ${errorText(answer.body)}`);
      }),
    );
  }

  close(): void {
    this.rest.close();
    this.source.close();
  }

  private async call(ep: string, fn: string, method: 'PUT' | 'DELETE', body?: string) {
    const url = new URL(`http://${ep}/functions/${encodeURIComponent(fn)}`);
    try {
      return await this.rest.request(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body,
      });
    } catch (err) {
      throw new WskHttpError(502, `js computer ${ep}: ${(err as Error).message}`);
    }
  }
}

function errorText(body: string): string {
  try {
    const e = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof e === 'string') return e;
  } catch {
    // not JSON: the body itself
  }
  return body.slice(0, 200);
}
