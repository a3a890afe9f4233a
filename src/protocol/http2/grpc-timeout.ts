/** The `grpc-timeout` request header (gRPC over HTTP/2: `1*8DIGIT` and a unit). */

/** Milliseconds per unit: hours, minutes, seconds, milli-, micro- and nanoseconds. */
const UNIT_MS: Readonly<Record<string, number>> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 1e-3,
  n: 1e-6,
};

const TIMEOUT = /^(\d{1,8})([HMSmun])$/;

/**
 * The timeout a `grpc-timeout` value gives, in milliseconds (`100m` → 100, `2S` → 2000, `1500u` → 1.5),
 * or undefined if the value is not 1 to 8 digits followed by one of `H M S m u n`.
 */
export function parseGrpcTimeout(value: string): number | undefined {
  const match = TIMEOUT.exec(value);
  if (match === null) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}
