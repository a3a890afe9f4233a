import { formatFixed } from '../support/number-format.js';

/** What went wrong in a forwarding-table operation (the original's exception classes). */
export type ForwardingTableErrorKind =
  'NoDestinations' | 'InvalidDestination' | 'InvalidWeight' | 'InvalidWeightFactor';

/** C++ `std::to_string(float)`: `%f` of the value, e.g. `0.000000`. */
function toStdString(value: number): string {
  return formatFixed(Math.fround(value), 6);
}

/**
 * An error of a forwarding-table operation; `kind` tells which one and the message is the original text
 * (the router returns it verbatim, e.g. `No destinations found for the entry`).
 */
export class ForwardingTableError extends Error {
  /** Which error this is. */
  readonly kind: ForwardingTableErrorKind;

  private constructor(kind: ForwardingTableErrorKind, message: string) {
    super(message);
    this.name = 'ForwardingTableError';
    this.kind = kind;
  }

  /** No destination to select or update: `No destinations found for the entry[: <destination>]`. */
  static noDestinations(destination?: string): ForwardingTableError {
    const suffix = destination === undefined ? '' : `: ${destination}`;
    return new ForwardingTableError('NoDestinations', `No destinations found for the entry${suffix}`);
  }

  /** An empty destination or a weight that is not positive: `Invalid destination towards '<d>' with weight <w>`. */
  static invalidDestination(destination: string, weight: number): ForwardingTableError {
    return new ForwardingTableError(
      'InvalidDestination',
      `Invalid destination towards '${destination}' with weight ${toStdString(weight)}`,
    );
  }

  /** A negative weight: `Invalid weight '<w>', must be > 0`. */
  static invalidWeight(weight: number): ForwardingTableError {
    return new ForwardingTableError('InvalidWeight', `Invalid weight '${toStdString(weight)}', must be > 0`);
  }

  /** A multiplication factor that is not positive: `Invalid weight factor '<f>', must be > 0`. */
  static invalidWeightFactor(factor: number): ForwardingTableError {
    return new ForwardingTableError(
      'InvalidWeightFactor',
      `Invalid weight factor '${toStdString(factor)}', must be > 0`,
    );
  }
}
