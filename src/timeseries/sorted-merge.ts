/** The one merge of two time-sorted point sequences used by the metric series (raw buffer and aggregates). */

/** The merged points: times ascending and unique, values beside them, and which came from the new points. */
export interface SortedMerge {
  times: number[];
  values: number[];
  /** 1 where the point at that index came from the new points, 0 where it was kept from the old ones. */
  isNew: Uint8Array;
}

/**
 * Merges new points into the tail `[from..)` of old ones. Both inputs are sorted by time with unique
 * times; where both hold a time the new value replaces the old one. Returns only the merged tail: the
 * caller keeps `old[0..from)` as it is.
 */
export function mergeSorted(
  oldTimes: ArrayLike<number>,
  oldValues: ArrayLike<number>,
  from: number,
  newTimes: ArrayLike<number>,
  newValues: ArrayLike<number>,
): SortedMerge {
  const times: number[] = [];
  const values: number[] = [];
  const isNew = new Uint8Array(oldTimes.length - from + newTimes.length);
  let i = from;
  let j = 0;
  while (i < oldTimes.length || j < newTimes.length) {
    const a = i < oldTimes.length ? (oldTimes[i] as number) : Infinity;
    const b = j < newTimes.length ? (newTimes[j] as number) : Infinity;
    if (b <= a) {
      isNew[times.length] = 1;
      times.push(b);
      values.push(newValues[j] as number);
      j++;
      if (a === b) i++;
    } else {
      times.push(a);
      values.push(oldValues[i] as number);
      i++;
    }
  }
  return { times, values, isNew: isNew.subarray(0, times.length) };
}
