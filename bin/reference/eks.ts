/**
 * Reference EKS stack: an Auto Mode cluster with an Inferentia2 pool and NVIDIA L40S / H200 pools,
 * KEDA, the Amazon Managed Service for Prometheus metrics path, and the Hugging Face token synced
 * from Secrets Manager (secret `inference-constructs/hugging-face-token`) into Kubernetes Secret
 * `hf-token`, deploying the given cdk8s charts in one `cdk deploy`.
 *
 * The pools match the reference model plans (Llama 3.1 8B on inf2.8xlarge, Llama 3.1 70B on
 * g6e.12xlarge, gpt-oss-120b on p5en.48xlarge, Qwen3-30B-A3B on g6e.xlarge); their names are the ones the reference charts use, so charts rendered without
 * their own node pools can check placement against `EksReferenceStack.cluster`'s pools:
 *
 * ```ts
 * addEksReference(app, (cluster) =>
 *   addKubernetesReference(k8sApp, {
 *     eksNodePools: false,
 *     eksExternalPools: cluster.acceleratorPools.map((p) => p.capacity()),
 *     ampWorkspaceId: cluster.metrics.workspace!.attrWorkspaceId,
 *     awsRegion: cluster.metrics.awsRegion,
 *   }).eks,
 * );
 * ```
 */
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { EksInferenceCluster } from '../../constructs/aws/eks-inference-cluster.js';
import { HUGGING_FACE_TOKEN_SECRET_NAME } from './sagemaker.js';
import { AcceleratorClass } from '../../lib/accelerators.js';
import { SynthPass } from '../../constructs/k8s/synth-pass.js';

/** Inferentia2 chips of the reference pool: up to 8 single-chip nodes. */
export const REFERENCE_INFERENTIA2_DEVICES = 8;
/**
 * L40S GPUs of the reference pool: up to 5 g6e.12xlarge nodes (4 GPUs each), the Llama 3.1 70B
 * deployment's 4 replicas at maxReplicas plus the one surge replica of a rollout (the
 * Deployment's maxSurge 1), which Karpenter does not launch past the pool's limits.
 */
export const REFERENCE_L40S_DEVICES = 20;
/** H200 GPUs of the reference pool: one p5en.48xlarge (8 GPUs) holds the four gpt-oss-120b replicas. */
export const REFERENCE_H200_DEVICES = 8;
/** L40S GPUs of the single-GPU pool: up to 4 g6e.xlarge nodes (Qwen3-30B-A3B, one replica each). */
export const REFERENCE_L40S_SINGLE_DEVICES = 4;

/** The reference stack, with its cluster for charts that need its endpoints. */
export class EksReferenceStack extends Stack {
  /** The inference cluster. */
  public readonly cluster: EksInferenceCluster;

  constructor(scope: App, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: 'EKS inference cluster: Inferentia2 and NVIDIA GPU pools, KEDA, token metrics in Amazon Managed Service for Prometheus',
      ...props,
    });
    this.cluster = new EksInferenceCluster(this, 'Inference');
    this.cluster.addAcceleratorPool('Inferentia2', {
      accelerator: AcceleratorClass.INFERENTIA2,
      // inf2.8xlarge only: the Neuron loader holds the checkpoint in host memory, more than
      // inf2.xlarge's allocatable memory for Llama 3.1 8B (planner HostMemoryInsufficient).
      instanceTypes: ['inf2.8xlarge'],
      poolName: 'inferentia2',
      // Explicit limits keep `capacity()` stable before the charts exist, so charts rendered
      // against the cluster can run their own placement check on these pools.
      maxDevices: REFERENCE_INFERENTIA2_DEVICES,
    });
    this.cluster.addAcceleratorPool('NvidiaL40s', {
      accelerator: AcceleratorClass.NVIDIA_GPU,
      instanceTypes: ['g6e.12xlarge'],
      poolName: 'nvidia-l40s',
      maxDevices: REFERENCE_L40S_DEVICES,
    });
    this.cluster.addAcceleratorPool('NvidiaH200', {
      accelerator: AcceleratorClass.NVIDIA_GPU,
      instanceTypes: ['p5en.48xlarge'],
      poolName: 'nvidia-h200',
      maxDevices: REFERENCE_H200_DEVICES,
    });
    this.cluster.addAcceleratorPool('NvidiaL40sSingle', {
      accelerator: AcceleratorClass.NVIDIA_GPU,
      instanceTypes: ['g6e.xlarge'],
      poolName: 'nvidia-l40s-1x',
      maxDevices: REFERENCE_L40S_SINGLE_DEVICES,
    });
    // The gated Llama models read their Hugging Face token from Kubernetes Secret hf-token/token:
    // synced from the same Secrets Manager secret the SageMaker reference uses, so no one has to
    // create it by hand inside the private cluster.
    this.cluster.addSecretFromSecretsManager('HuggingFaceToken', {
      secret: secretsmanager.Secret.fromSecretNameV2(this, 'HuggingFaceToken', HUGGING_FACE_TOKEN_SECRET_NAME),
    });
  }
}

/**
 * Add the reference EKS stack to an app and deploy the given cdk8s charts into it.
 *
 * @param workloads the cdk8s charts to deploy, or a function that renders them once the cluster
 *   exists (for charts whose ScaledObjects need the cluster's Prometheus workspace)
 */
export function addEksReference(
  app: App,
  workloads: readonly Construct[] | ((cluster: EksInferenceCluster) => readonly Construct[]),
  props: StackProps = {},
): EksReferenceStack {
  const stack = new EksReferenceStack(app, 'InferenceEks', props);
  const charts = typeof workloads === 'function' ? workloads(stack.cluster) : workloads;
  // Each chart.toJson() inside addInferenceWorkload validates every chart of their cdk8s app again;
  // adding workloads changes no chart, so the checks run once for the loop (constructs/k8s/synth-pass.ts).
  SynthPass.run(() =>
    charts.forEach((chart, index) => {
      stack.cluster.addInferenceWorkload(`Workload${index + 1}`, chart);
    }),
  );
  return stack;
}
