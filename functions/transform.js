// A JSON transform, as CommonJS: `{"items": [{"name": "a", "price": 2, "qty": 3}, ...]}` → the lines with their
// totals, sorted by total (largest first), and the grand total.
exports.main = function ({ items = [] }) {
  if (!Array.isArray(items)) return { error: 'items must be an array' };
  const lines = items
    .map((it) => ({ name: String(it.name), total: Number(it.price) * Number(it.qty) }))
    .sort((a, b) => b.total - a.total);
  return { lines, total: lines.reduce((sum, l) => sum + l.total, 0) };
};
