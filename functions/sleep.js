// Asynchronous, as an ES module: waits `ms` milliseconds (default 100, at most 10 s) on a timer, then answers how long it slept.
export default async function main({ ms = 100 }) {
  const wait = Math.min(Math.max(0, Number(ms) || 0), 10_000);
  const start = Date.now();
  await new Promise((resolve) => setTimeout(resolve, wait));
  return { slept: Date.now() - start, activation: process.env.__OW_ACTIVATION_ID };
}
