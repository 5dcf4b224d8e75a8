/**
 * The API's schemas as the server uses them: plain JSON Schema compiled from
 * `schema-definitions.ts`, typed as those TypeBox definitions so routes keep their inferred types.
 */
import type * as Definitions from "./schema-definitions.js";
import { generatedSchemas } from "./schemas.generated.js";

const schemas = generatedSchemas as unknown as typeof Definitions;

export const {
  AlarmSchema,
  AlarmsBodySchema,
  ErrorBodySchema,
  ExpertParametersBodySchema,
  HealthBodySchema,
  HistoryBodySchema,
  HistoryQuerySchema,
  InsightsBodySchema,
  NameParamsSchema,
  PairResultSchema,
  ParameterDetailSchema,
  ParameterSchema,
  ParametersBodySchema,
  ParameterValueSchema,
  RootBodySchema,
  StatusBodySchema,
  TemperatureBodySchema,
  TemperatureResultSchema,
  ThermostatStatusSchema,
  WriteBodySchema,
  WriteIdParamsSchema,
  WriteJobSchema,
  WriteJobsBodySchema,
  WriteResultSchema,
} = schemas;

/** Error responses by status, for a route's `response` schema. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBodySchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBodySchema]));
}
