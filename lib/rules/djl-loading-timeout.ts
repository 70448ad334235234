/**
 * IC-AWS-002: a DJL/LMI model's loading timeout agrees with SageMaker's container startup
 * health-check timeout.
 *
 * djl-serving `engines/python/src/main/java/ai/djl/python/engine/PyEnv.java`
 * (`getModelLoadingTimeout()`) reads `MODEL_LOADING_TIMEOUT`, overridden by
 * `option.model_loading_timeout` (`PyModel.java`), which the container takes from the environment
 * variable `OPTION_MODEL_LOADING_TIMEOUT` ("The configuration `option.<property>` is translated to
 * environment variable `OPTION_<PROPERTY>`", LMI `deployment_guide/configurations.md`); the LMI images set `ENV MODEL_LOADING_TIMEOUT=1200`
 * (`serving/docker/pytorch-inf2.Dockerfile` 0.30.0-dlc, `lmi.Dockerfile` 0.33.0-dlc). The LMI
 * configuration guide: "On SageMaker, if you set this value, you should also set
 * container_startup_health_check_timeout=<at least model loading timeout>". A loading timeout
 * shorter than the health-check budget kills the worker while SageMaker would still wait (the
 * endpoint never becomes healthy); a longer one lets SageMaker fail the endpoint first.
 */
import { RuleScope, RuleSeverity, type RuleViolation } from './engine.js';
import { asArray, get, isObject, type Json } from './k8s-objects.js';
import { referencedIds, renderValue } from './cfn.js';
import type { TemplateRule, TemplateRuleInput } from './rule.js';

/** Environment variable behind `option.model_loading_timeout`. */
export const DJL_OPTION_LOADING_TIMEOUT_ENV = 'OPTION_MODEL_LOADING_TIMEOUT';
/** Environment variable the LMI image sets. */
export const DJL_LOADING_TIMEOUT_ENV = 'MODEL_LOADING_TIMEOUT';
/**
 * `MODEL_LOADING_TIMEOUT` baked into the LMI images (seconds; Dockerfiles above). The
 * configurations guide lists 1800 as the option's default; the images' environment wins.
 */
export const DJL_IMAGE_LOADING_TIMEOUT_SECONDS = 1200;
/**
 * How far below the health-check timeout the loading timeout may sit, seconds: the time the
 * JVM front end takes to start the Python worker (the library's allowance, not an upstream figure).
 */
export const DJL_LOADING_TIMEOUT_ALLOWANCE_SECONDS = 60;

function containersOfModel(model: Json): { container: Json; path: string }[] {
  const out: { container: Json; path: string }[] = [];
  const primary = get(model, 'Properties', 'PrimaryContainer');
  if (isObject(primary)) out.push({ container: primary, path: 'Properties.PrimaryContainer' });
  asArray(get(model, 'Properties', 'Containers')).forEach((c, i) => {
    if (isObject(c)) out.push({ container: c, path: `Properties.Containers[${i}]` });
  });
  return out;
}

export const djlLoadingTimeout: TemplateRule = {
  description: {
    id: 'IC-AWS-002',
    title: `DJL/LMI ${DJL_OPTION_LOADING_TIMEOUT_ENV} agrees with ContainerStartupHealthCheckTimeoutInSeconds`,
    severity: RuleSeverity.ERROR,
    scope: RuleScope.CLOUDFORMATION,
    source: 'https://github.com/deepjavalibrary/djl-serving/blob/master/serving/docs/lmi/deployment_guide/configurations.md',
  },
  check(input: TemplateRuleInput): RuleViolation[] {
    const out: RuleViolation[] = [];
    // Health-check timeouts by the model they start.
    const budgets: { model: string; seconds: number; where: string }[] = [];
    for (const [id, r] of Object.entries(input.resources)) {
      if (r.Type === 'AWS::SageMaker::EndpointConfig') {
        asArray(get(r, 'Properties', 'ProductionVariants')).forEach((v, i) => {
          const t = get(v, 'ContainerStartupHealthCheckTimeoutInSeconds');
          if (typeof t !== 'number') return;
          for (const m of referencedIds(get(v, 'ModelName'))) budgets.push({ model: m, seconds: t, where: `${id} ProductionVariants[${i}]` });
        });
      }
      if (r.Type === 'AWS::SageMaker::InferenceComponent') {
        const t = get(r, 'Properties', 'Specification', 'StartupParameters', 'ContainerStartupHealthCheckTimeoutInSeconds');
        if (typeof t !== 'number') continue;
        for (const m of referencedIds(get(r, 'Properties', 'Specification', 'ModelName'))) budgets.push({ model: m, seconds: t, where: id });
      }
    }
    for (const [id, model] of Object.entries(input.resources)) {
      if (model.Type !== 'AWS::SageMaker::Model') continue;
      for (const { container, path } of containersOfModel(model)) {
        if (!/djl-inference|djl-serving/.test(renderValue(container.Image))) continue;
        const env = isObject(container.Environment) ? container.Environment : {};
        const option = env[DJL_OPTION_LOADING_TIMEOUT_ENV];
        const base = env[DJL_LOADING_TIMEOUT_ENV];
        const raw = option ?? base;
        const loading = raw === undefined ? DJL_IMAGE_LOADING_TIMEOUT_SECONDS : Number(renderValue(raw));
        if (!Number.isFinite(loading)) continue;
        const source = option !== undefined ? DJL_OPTION_LOADING_TIMEOUT_ENV : base !== undefined ? DJL_LOADING_TIMEOUT_ENV : `the image default ${DJL_LOADING_TIMEOUT_ENV}`;
        for (const b of budgets.filter((x) => x.model === id)) {
          const fieldPath = `${path}.Environment.${DJL_OPTION_LOADING_TIMEOUT_ENV}`;
          if (loading > b.seconds) {
            out.push({
              message: `model loading timeout ${loading}s (${source}) is longer than the ${b.seconds}s ContainerStartupHealthCheckTimeoutInSeconds of ${b.where}, so SageMaker fails the endpoint while the model is still allowed to load`,
              location: { ...(input.stack !== undefined ? { stack: input.stack } : {}), logicalId: id, path: fieldPath },
              fix: `set ${DJL_OPTION_LOADING_TIMEOUT_ENV} to ${b.seconds} or raise the health-check timeout to at least ${loading}`,
            });
          } else if (loading < b.seconds - DJL_LOADING_TIMEOUT_ALLOWANCE_SECONDS) {
            out.push({
              message: `model loading timeout ${loading}s (${source}) is shorter than the ${b.seconds}s startup budget of ${b.where}, so DJL stops a load SageMaker would still wait for and the endpoint never becomes healthy`,
              location: { ...(input.stack !== undefined ? { stack: input.stack } : {}), logicalId: id, path: fieldPath },
              fix: `set ${DJL_OPTION_LOADING_TIMEOUT_ENV}=${b.seconds} in the model environment`,
            });
          }
        }
      }
    }
    return out;
  },
};
