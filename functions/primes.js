// CPU-bound: the primes up to `n` (default 10000, at most 10 000 000) by trial division, their count and the largest.
function main({ n = 10000 }) {
  const limit = Math.min(Math.max(0, Math.floor(Number(n)) || 0), 10_000_000);
  let count = 0;
  let largest = null;
  for (let k = 2; k <= limit; k++) {
    let prime = true;
    for (let d = 2; d * d <= k; d++) {
      if (k % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) {
      count++;
      largest = k;
    }
  }
  return { n: limit, count, largest };
}
