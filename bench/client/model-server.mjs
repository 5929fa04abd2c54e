/** A stand-in model server for the proxy bench: parses the JSON body, "scores" it, answers JSON. */
import http from 'node:http';

const LABELS = ['approve', 'review', 'deny'];
const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const { features } = JSON.parse(Buffer.concat(parts).toString());
    const z = (features.income * 0.001 + features.credit_score * 0.002) % 1;
    const p0 = Math.round(z * 0.8 * 1e4) / 1e4;
    const p1 = Math.round((1 - p0) * 0.5 * 1e4) / 1e4;
    const probabilities = { approve: p0, review: p1, deny: Math.round((1 - p0 - p1) * 1e4) / 1e4 };
    const label = LABELS[p0 >= p1 && p0 >= probabilities.deny ? 0 : p1 >= probabilities.deny ? 1 : 2];
    const body = JSON.stringify({ prediction: { label, probabilities }, model_version: 'v1' });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`model listening on http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
