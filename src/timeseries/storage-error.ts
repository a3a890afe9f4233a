import { TimeseriesError } from './errors.js';

/**
 * The API error of a change that could not be written to the disk (nothing of it was applied): 507
 * Insufficient Storage when the disk or the quota is full (ENOSPC, EDQUOT), 500 otherwise (EIO...), with
 * Gnocchi's `{cause, reason, detail}` description naming the system error.
 */
export function storageError(err: unknown): TimeseriesError {
  const e = err as NodeJS.ErrnoException;
  const full = e.code === 'ENOSPC' || e.code === 'EDQUOT';
  return new TimeseriesError(full ? 507 : 500, {
    cause: full ? 'Insufficient storage' : 'Storage error',
    reason: `The change could not be written to the journal, nothing of it was applied: ${e.message}`,
    detail: e.code ?? null,
  });
}
