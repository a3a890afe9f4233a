import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';

/** Resources a request needs: operations to execute and bytes of memory to hold while running. */
export interface Requirements {
  ops: number;
  mem: number;
}

/** How a lambda's requirements follow from a request. */
export interface RequirementsModel {
  requirements(inputLength: number): Requirements;
}

/**
 * Requirements linear in the input length L: `ops = opOffset + opCoeff·L`, `mem = memOffset + memCoeff·L`,
 * rounded to the nearest integer and clamped at 0. As in the original, the coefficients and the product
 * `coeff·L` are float32 while the sum (with the rounding half) is done in double precision.
 */
export class ProportionalRequirements implements RequirementsModel {
  constructor(
    readonly opCoeff: number,
    readonly opOffset: number,
    readonly memCoeff: number,
    readonly memOffset: number,
  ) {}

  requirements(inputLength: number): Requirements {
    const f = Math.fround;
    const linear = (coeff: number, offset: number): number =>
      Math.max(0, Math.trunc(0.5 + f(offset) + f(f(coeff) * f(inputLength))));
    return { ops: linear(this.opCoeff, this.opOffset), mem: linear(this.memCoeff, this.memOffset) };
  }
}

/** Requirements that do not depend on the request. */
export class FixedRequirements implements RequirementsModel {
  constructor(
    readonly ops: number,
    readonly mem: number,
  ) {}

  requirements(): Requirements {
    return { ops: this.ops, mem: this.mem };
  }
}

/** A lambda's output: a copy of the input, or a fixed string. */
export type OutputModel = { type: 'copy-input' } | { type: 'fixed'; value: string };

/** Utilizations of the hosting processor in [0, 1]: last sample, mean of the last 10 and 30. */
export interface Loads {
  load1: number;
  load10: number;
  load30: number;
}

/** A simulated function: a name, a requirements model and an output model. */
export class Lambda {
  constructor(
    readonly name: string,
    readonly model: RequirementsModel,
    readonly output: OutputModel = { type: 'copy-input' },
  ) {
    if (name === '') throw new Error('Invalid empty lambda name');
  }

  /** The resources a request needs (from the length of its `input`; `datain` is ignored). */
  requirements(request: Pick<LambdaRequest, 'input'>): Requirements {
    return this.model.requirements(Buffer.byteLength(request.input));
  }

  /** The response to a request, with the given loads (scaled to 0–100) and the request's states. */
  execute(request: Pick<LambdaRequest, 'input' | 'states'>, loads: Loads): LambdaResponse {
    return {
      retcode: 'OK',
      output: this.output.type === 'copy-input' ? request.input : this.output.value,
      responder: '',
      ptime: 0,
      dataout: Buffer.alloc(0),
      load1: Math.round(loads.load1 * 100),
      load10: Math.round(loads.load10 * 100),
      load30: Math.round(loads.load30 * 100),
      hops: 0,
      states: request.states,
      asynchronous: false,
    };
  }
}
