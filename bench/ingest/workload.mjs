/**
 * The bench model and its traffic: 12 features (8 numeric, 4 categorical, one of them the
 * protected attribute), 3 classes with probabilities, explanations for every feature, and
 * metadata with user and session ids and latency. Deterministic (seeded), UUIDv4-like ids.
 */

export const MODEL_ID = 'bench-credit';

const NUMERIC = ['age', 'income', 'credit_score', 'debt_ratio', 'tenure_months', 'num_accounts', 'utilization', 'inquiries'];
const CATEGORICAL = {
  region: ['north', 'south', 'east', 'west', 'central'],
  employment: ['salaried', 'self_employed', 'contract', 'unemployed', 'retired'],
  channel: ['web', 'mobile', 'branch', 'partner'],
  gender: ['female', 'male', 'nonbinary'],
};
export const LABELS = ['approve', 'review', 'deny'];
export const FEATURES = [...NUMERIC, ...Object.keys(CATEGORICAL)];

/** The body of POST /api/v1/models for the bench model. */
export const MODEL = {
  model_id: MODEL_ID,
  name: 'Credit decision (bench)',
  task: 'multiclass_classification',
  labels: LABELS,
  features: [
    ...NUMERIC.map((name) => ({ name, type: 'numeric' })),
    ...Object.keys(CATEGORICAL).map((name) => ({ name, type: 'categorical', ...(name === 'gender' ? { protected: true, privileged_group: 'male' } : {}) })),
  ],
  explanation_features: FEATURES,
};

/** xorshift128+ style generator: fast, seeded, good enough for traffic. */
export function rng(seed) {
  let a = seed >>> 0 || 1;
  let b = (seed * 2654435761) >>> 0 || 2;
  return () => {
    let t = a ^ (a << 11);
    a = b;
    b = b ^ (b >>> 19) ^ (t ^ (t >>> 8));
    return (b >>> 0) / 4294967296;
  };
}

const HEX = '0123456789abcdef';
function uuid4(r) {
  let s = '';
  for (let i = 0; i < 32; i++) {
    if (i === 8 || i === 12 || i === 16 || i === 20) s += '-';
    s += i === 12 ? '4' : i === 16 ? HEX[8 + Math.floor(r() * 4)] : HEX[Math.floor(r() * 16)];
  }
  return s;
}

const round = (v, d) => Math.round(v * 10 ** d) / 10 ** d;

/** One prediction as a client logs it. */
export function prediction(r, ts) {
  const features = {
    age: Math.floor(18 + r() * 60),
    income: round(20000 + r() * 180000, 2),
    credit_score: Math.floor(300 + r() * 550),
    debt_ratio: round(r(), 4),
    tenure_months: Math.floor(r() * 240),
    num_accounts: Math.floor(r() * 12),
    utilization: round(r(), 4),
    inquiries: Math.floor(r() * 8),
  };
  for (const [name, values] of Object.entries(CATEGORICAL)) features[name] = values[Math.floor(r() * values.length)];
  const w = [r() + 0.2, r(), r() * 0.6];
  const sum = w[0] + w[1] + w[2];
  const p0 = round(w[0] / sum, 4);
  const p1 = round(w[1] / sum, 4);
  const probabilities = { approve: p0, review: p1, deny: Math.max(0, round(1 - p0 - p1, 4)) };
  const explanation = {};
  for (const f of FEATURES) explanation[f] = round((r() - 0.5) * 0.4, 5);
  const label = LABELS[p0 >= p1 && p0 >= probabilities.deny ? 0 : p1 >= probabilities.deny ? 1 : 2];
  return {
    prediction_id: uuid4(r),
    model_id: MODEL_ID,
    model_version: 'v3',
    timestamp: new Date(ts).toISOString(),
    features,
    prediction: { label, probabilities },
    explanation,
    metadata: { user_id: `u${Math.floor(r() * 1e6)}`, session_id: uuid4(r).slice(0, 18), latency_ms: round(2 + r() * 40, 2) },
  };
}

/**
 * `bodies` NDJSON request bodies of `rows` predictions each, timestamps spread evenly over the
 * 24 hours before `end`.
 */
export function ndjsonBodies(bodies, rows, end, seed = 42) {
  const r = rng(seed);
  const total = bodies * rows;
  const step = 86_400_000 / total;
  const start = end - 86_400_000;
  const out = [];
  for (let b = 0; b < bodies; b++) {
    const lines = new Array(rows);
    for (let i = 0; i < rows; i++) lines[i] = JSON.stringify(prediction(r, Math.floor(start + (b * rows + i) * step)));
    out.push(Buffer.from(`${lines.join('\n')}\n`));
  }
  return out;
}
