// Answers its parameters unchanged: `{"hello": "world"}` → `{"hello": "world"}`.
function main(params) {
  return params;
}
