import { Prng } from '../stats/prng.js';

/** The demo's loan-approval model: what it looks like when registered. */
export const LOAN_MODEL = {
  model_id: 'loan-approval',
  name: 'Loan approval',
  description: 'Demo: approves, rejects or routes loan applications to manual review.',
  task: 'multiclass_classification',
  labels: ['approve', 'reject', 'manual_review'],
  positive_label: 'approve',
  features: [
    { name: 'credit_score', type: 'numeric' },
    { name: 'income', type: 'numeric', key: true },
    { name: 'loan_amount', type: 'numeric' },
    { name: 'employment_years', type: 'numeric' },
    { name: 'debt_to_income', type: 'numeric' },
    { name: 'age', type: 'numeric' },
    { name: 'home_ownership', type: 'categorical' },
    { name: 'purpose', type: 'categorical' },
    { name: 'gender', type: 'categorical', protected: true, privileged_group: 'male' },
    { name: 'has_cosigner', type: 'boolean' },
  ],
  explanation_features: ['credit_score', 'income', 'loan_amount', 'debt_to_income'],
} as const;

export interface LoanTrafficOptions {
  seed: number;
  /** multiply incomes by this (data drift on `income`) */
  incomeShift?: number;
  /** approval probability multiplier for female applicants (fairness regression) */
  femaleApprovalFactor?: number;
  /** ids are `${idPrefix}${i}` */
  idPrefix?: string;
  /** timestamps spread evenly over [from, to) */
  from: number;
  to: number;
}

function normal(r: Prng): number {
  const u = Math.max(r.nextFloat(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextFloat());
}

const pick = <T>(r: Prng, items: readonly T[], weights: readonly number[]): T => {
  let x = r.nextFloat() * weights.reduce((s, w) => s + w, 0);
  for (let i = 0; i < items.length; i++) {
    x -= weights[i];
    if (x < 0) return items[i];
  }
  return items[items.length - 1];
};

/**
 * Seeded loan applications with the model's prediction (probabilities, label, SHAP-like
 * attributions) and the true outcome. Deterministic for a seed.
 */
export function loanTraffic(n: number, o: LoanTrafficOptions): { predictions: Record<string, unknown>[]; outcomes: Record<string, unknown>[] } {
  const r = new Prng(o.seed);
  const predictions: Record<string, unknown>[] = [];
  const outcomes: Record<string, unknown>[] = [];
  const span = o.to - o.from;
  for (let i = 0; i < n; i++) {
    const gender = pick(r, ['male', 'female', 'nonbinary'], [0.48, 0.48, 0.04]);
    const credit = Math.round(Math.min(850, Math.max(300, 680 + 70 * normal(r))));
    const income = Math.round(Math.exp(11 + 0.45 * normal(r)) * (o.incomeShift ?? 1));
    const loan = Math.round(Math.exp(11.8 + 0.6 * normal(r)));
    const years = Math.max(0, Math.round(6 + 4 * normal(r)));
    const dti = Math.min(0.9, Math.max(0.01, 0.3 + 0.1 * normal(r)));
    const age = Math.round(Math.min(80, Math.max(18, 40 + 11 * normal(r))));
    const z = 0.012 * (credit - 680) + 1.1 * Math.log(income / 60_000) - 0.5 * Math.log(loan / 130_000) - 4 * (dti - 0.3) + 0.3;
    let pApprove = 1 / (1 + Math.exp(-z));
    if (gender === 'female' && o.femaleApprovalFactor !== undefined) pApprove *= o.femaleApprovalFactor;
    const pReview = 0.12 * (1 - Math.abs(pApprove - 0.5) * 2) + 0.02;
    const pReject = Math.max(0, 1 - pApprove - pReview);
    const probs = { approve: pApprove, reject: pReject, manual_review: pReview };
    const norm = pApprove + pReject + pReview;
    for (const k of Object.keys(probs) as (keyof typeof probs)[]) probs[k] = probs[k] / norm;
    const label = (Object.entries(probs) as [string, number][]).reduce((a, b) => (b[1] > a[1] ? b : a))[0];
    const id = `${o.idPrefix ?? 'p'}${i}`;
    const ts = o.from + Math.floor((span * (i + 0.5)) / n);
    predictions.push({
      prediction_id: id,
      model_version: '2.3.0',
      timestamp: ts,
      features: {
        credit_score: credit,
        income,
        loan_amount: loan,
        employment_years: years,
        debt_to_income: Math.round(dti * 1000) / 1000,
        age,
        home_ownership: pick(r, ['rent', 'mortgage', 'own'], [0.4, 0.45, 0.15]),
        purpose: pick(r, ['home', 'car', 'education', 'business', 'other'], [0.3, 0.25, 0.15, 0.15, 0.15]),
        gender,
        has_cosigner: r.nextFloat() < 0.2,
      },
      prediction: { label, confidence: probs[label as keyof typeof probs], probabilities: probs },
      explanation: {
        credit_score: 0.012 * (credit - 680) * 0.25,
        income: 1.1 * Math.log(income / 60_000) * 0.25,
        loan_amount: -0.5 * Math.log(loan / 130_000) * 0.25,
        debt_to_income: -4 * (dti - 0.3) * 0.25,
      },
      metadata: { user_id: `user_${i % 997}`, session_id: `s${i}`, latency_ms: Math.round(20 + 30 * r.nextFloat()) },
    });
    // outcome: the true decision follows the unbiased approval probability
    const truth = r.nextFloat() < 1 / (1 + Math.exp(-z)) ? 'approve' : r.nextFloat() < 0.9 ? 'reject' : 'manual_review';
    outcomes.push({ model_id: LOAN_MODEL.model_id, prediction_id: id, actual: truth, timestamp: ts + 3_600_000 });
  }
  return { predictions, outcomes };
}
