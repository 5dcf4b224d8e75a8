/**
 * GET /api/expert-parameters: the service parameters this controller has that the expert gate
 * knows (src/catalog/expert-parameters.json), each with its consequence, and whether
 * EXPERT_WRITES is on — what the dashboard needs to lock them and to ask before a write.
 */
import { expertRuleOf } from "../../../catalog/expert-parameters.js";
import { type ApiContext, sendJson, type TypedApp } from "../context.js";
import { ExpertParametersBodySchema, errorResponses } from "../schemas.js";

export function registerExpertRoutes(app: TypedApp, ctx: ApiContext): void {
  const { core } = ctx;
  app.get(
    "/api/expert-parameters",
    {
      schema: {
        tags: ["parameters"],
        summary: "Service parameters (reset, flash, clock, test) and what a write to each does",
        description:
          "Gated ones are refused with 403 `expert-only` unless EXPERT_WRITES=true; the others stay writable " +
          "but deserve a confirmation. Only parameters the controller has are listed (none before discovery).",
        response: { 200: ExpertParametersBodySchema, ...errorResponses(401) },
      },
    },
    (_request, reply) => {
      const parameters = [];
      for (const entry of core.store.all()) {
        const { definition } = entry;
        if (!definition.exposed) continue;
        const rule = expertRuleOf(definition);
        if (!rule) continue;
        parameters.push({
          index: definition.index,
          name: definition.name,
          gated: rule.gated,
          kind: rule.entry.kind,
          consequence: rule.entry.consequence,
        });
      }
      return sendJson(reply, 200, { expert_writes: core.status().expertWrites, parameters });
    },
  );
}
