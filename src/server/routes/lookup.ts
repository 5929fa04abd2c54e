import { MODEL_ID_PATTERN, type Model } from '../../domain/model-schema.js';
import { AppError } from '../../errors/catalog.js';
import { isValidPredictionId } from '../../ingest/prediction-builder.js';
import { clip } from '../../ingest/text-checks.js';
import type { Store } from '../../store/store.js';

/**
 * Lookups by ids taken from the URL. An id that could never have been stored is answered with a
 * 404 without asking the store: it may hold text a backend cannot even compare (NUL makes
 * PostgreSQL fail the query, which would surface as a 500).
 */
export async function findModel(store: Store, modelId: string): Promise<Model> {
  const model = MODEL_ID_PATTERN.test(modelId) ? await store.getModel(modelId) : null;
  if (!model) throw new AppError('model_not_found', `no model "${clip(modelId)}" is registered`, { model_id: clip(modelId) });
  return model;
}

/** Could (model_id, prediction_id) name a stored prediction or outcome? */
export const couldBePrediction = (modelId: string, predictionId: string): boolean =>
  MODEL_ID_PATTERN.test(modelId) && isValidPredictionId(predictionId);
