/**
 * Annotation keys the Kubernetes renderers put on every workload (Deployment / LeaderWorkerSet
 * metadata) so that rules checking the synthesized objects can compare them with the plan they
 * were built from, without access to the plan itself. Values are decimal strings.
 */
export const PLAN_ANNOTATION_PREFIX = 'inference-constructs.io/';
/** The plan's scaling target: output tokens/s per replica at the target utilisation. */
export const TARGET_TOKENS_PER_SECOND_ANNOTATION = 'inference-constructs.io/target-tokens-per-second';
/**
 * Planned seconds from the server container's start to ready, what its startup probe must cover:
 * server start-up + checkpoint load (+ compile). An init container's download is not included:
 * init containers complete before the app containers start.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
 */
export const PLANNED_STARTUP_SECONDS_ANNOTATION = 'inference-constructs.io/planned-startup-seconds';
/** GiB of checkpoint the server fetches (the published weights, before any quantize-at-load). */
export const CHECKPOINT_GIB_ANNOTATION = 'inference-constructs.io/checkpoint-gib';
/** GiB of host RAM the server needs while loading, where it loads through host memory (0 otherwise). */
export const HOST_LOAD_GIB_ANNOTATION = 'inference-constructs.io/host-load-gib';

/**
 * The plan annotation keys, for every language (reviewers and policy tools grep manifests for
 * them). The same strings as the `*_ANNOTATION` constants.
 */
export class PlanAnnotations {
  /** Prefix every plan annotation key starts with. */
  public static readonly PREFIX: string = PLAN_ANNOTATION_PREFIX;
  /** The plan's scaling target: output tokens/s per replica at the target utilisation. */
  public static readonly TARGET_TOKENS_PER_SECOND: string = TARGET_TOKENS_PER_SECOND_ANNOTATION;
  /**
 * Planned seconds from the server container's start to ready, what its startup probe must cover:
 * server start-up + checkpoint load (+ compile). An init container's download is not included:
 * init containers complete before the app containers start.
 * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/
 */
  public static readonly PLANNED_STARTUP_SECONDS: string = PLANNED_STARTUP_SECONDS_ANNOTATION;
  /** GiB of checkpoint the server fetches (the published weights, before any quantize-at-load). */
  public static readonly CHECKPOINT_GIB: string = CHECKPOINT_GIB_ANNOTATION;
  /** GiB of host RAM the server needs while loading, where it loads through host memory (0 otherwise). */
  public static readonly HOST_LOAD_GIB: string = HOST_LOAD_GIB_ANNOTATION;

  /** Every plan annotation key, sorted. */
  public static keys(): string[] {
    return [CHECKPOINT_GIB_ANNOTATION, HOST_LOAD_GIB_ANNOTATION, PLANNED_STARTUP_SECONDS_ANNOTATION, TARGET_TOKENS_PER_SECOND_ANNOTATION].sort();
  }

  private constructor() {}
}
