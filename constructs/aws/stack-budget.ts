import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';

/**
 * CloudFormation's resource limit per stack.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
 */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/** aws-cdk-lib's context key that lowers or raises the per-stack limit it enforces. */
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/** Warn from this share of the limit on, as aws-cdk-lib does. */
const WARNING_FRACTION = 0.8;

const guarded = new WeakMap<Stack, IConstruct[]>();

function resourceLimit(stack: Stack): number {
  const fromContext = stack.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT);
  return fromContext !== undefined ? Number.parseInt(String(fromContext), 10) : CLOUDFORMATION_RESOURCE_LIMIT;
}

function countResources(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}

/**
 * Fail early, with a fix, when a stack that holds inference constructs would exceed
 * CloudFormation's resource limit, and warn when it comes near it.
 *
 * Each endpoint or cluster brings a dozen or more resources (model, roles, key, log group,
 * metric filter, scaling target and policies, alarms, dashboard), so a fleet in one stack reaches
 * the limit at a few dozen models. The check runs once per stack, when the tree is complete.
 *
 * @param scope an inference construct; its stack gets the check
 * @param unit what the construct is, for the message ("endpoint", "cluster")
 */
export function guardStackResourceBudget(scope: Construct, unit: string): void {
  const stack = Stack.of(scope);
  const members = guarded.get(stack);
  if (members) {
    members.push(scope);
    return;
  }
  const list: IConstruct[] = [scope];
  guarded.set(stack, list);
  stack.node.addValidation({
    validate: () => {
      const limit = resourceLimit(stack);
      if (!(limit > 0)) return [];
      const count = countResources(stack);
      const perUnit = Math.max(1, Math.ceil(count / list.length));
      if (count > limit) {
        const error = new InferenceConstructsError('StackTooLarge', {
          prop: `${stack.node.path} (${list.length} ${unit}s)`,
          problem: `the stack would hold ${count} CloudFormation resources, about ${perUnit} per ${unit}`,
          received: count,
          allowed: `at most ${limit} resources per stack`,
          fix: `spread the ${unit}s over several stacks, at most ${Math.max(1, Math.floor(limit / perUnit))} per stack`,
        });
        return [error.message];
      }
      if (count >= limit * WARNING_FRACTION) {
        Annotations.of(stack).addWarningV2(
          'inference-constructs:stack-resource-budget',
          `the stack holds ${count} of at most ${limit} CloudFormation resources; plan to split it before adding more ${unit}s`,
        );
      }
      return [];
    },
  });
}
