/**
 * GKE ComputeClass (cloud.google.com/v1) for accelerator workloads: TPU slices and GPU machine
 * types, Spot VMs first with on-demand fallback, node pools auto-created on demand.
 *
 * The binding is generated from `imports/crds/cloud.google.com_computeclasses.yaml`, written
 * down from GKE's ComputeClass CRD reference.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/reference/crds/computeclass
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/tpus#compute-class
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GKE_TPU_TOPOLOGY_LABEL, Taint, TpuSliceSpec, instanceType, tpuSlice } from '../../lib/accelerators.js';
import { InferenceConstructsError } from '../../lib/errors.js';
import { PoolCapacity } from '../../lib/placement.js';
import {
  ComputeClass,
  ComputeClassSpecPriorities,
  ComputeClassSpecPrioritiesGpuDriverVersion,
  ComputeClassSpecWhenUnsatisfiable,
} from '../../imports/gke-computeclasses-cloud.google.com.js';
import { GKE_COMPUTE_CLASS_LABEL } from './model-deployment.js';
import type { IScalableModelWorkload } from './model-deployment.js';
import type { IAcceleratorPool } from './node-pools.js';
import { PoolWorkloads, clusterScoped } from './node-pools.js';
import { AcceleratorClass } from '../../lib/accelerators.js';
import type { TpuSliceReference } from '../../lib/planner.js';

/**
 * Minutes a node of the class must be unneeded before GKE removes it (1-1440). Accelerator
 * nodes take minutes to provision and load a model, so short lulls should not cost a cold start.
 */
export const DEFAULT_CONSOLIDATION_DELAY_MINUTES = 10;
/** `spec.autoscalingPolicy.consolidationDelayMinutes` range GKE accepts. @see https://cloud.google.com/kubernetes-engine/docs/reference/crds/computeclass */
const MIN_CONSOLIDATION_DELAY_MINUTES = 1;
const MAX_CONSOLIDATION_DELAY_MINUTES = 1440;

/** What GKE does when no priority rule of a ComputeClass can be satisfied (`spec.whenUnsatisfiable`). */
export enum WhenUnsatisfiable {
  /** Do not create nodes outside the priority rules; pods stay pending. */
  DO_NOT_SCALE_UP = 'DoNotScaleUp',
  /** Fall back to a default Compute Engine machine series (no accelerator). */
  SCALE_UP_ANYWAY = 'ScaleUpAnyway',
}

/** Properties of {@link GkeAcceleratorComputeClass}. */
export interface GkeAcceleratorComputeClassProps {
  /** Kubernetes name of the ComputeClass; workloads select it with `cloud.google.com/compute-class`. */
  readonly name: string;
  /**
   * TPU slice the class provisions (one node pool per slice).
   * @default - none; give `tpuSlice` or `gpuMachineType`
   */
  readonly tpuSlice?: TpuSliceSpec | TpuSliceReference;
  /**
   * GKE GPU machine type from the catalogue, e.g. `g2-standard-24` (2x L4).
   * @default - none; give `tpuSlice` or `gpuMachineType`
   */
  readonly gpuMachineType?: string;
  /**
   * Try Spot VMs first and fall back to on-demand.
   * @default true
   */
  readonly spotFirst?: boolean;
  /**
   * Let GKE create node pools for the class (node auto-provisioning for this class only).
   * @default true
   */
  readonly nodePoolAutoCreation?: boolean;
  /**
   * What GKE does when no priority can be met: `DoNotScaleUp` keeps pods Pending rather than
   * placing them on hardware that cannot serve them.
   * @default 'DoNotScaleUp'
   */
  readonly whenUnsatisfiable?: WhenUnsatisfiable;
  /**
   * Minutes before an unneeded node is removed.
   * @default 10
   */
  readonly consolidationDelayMinutes?: number;
  /**
   * Limit the placement check applies to the accelerator resource (a ComputeClass has no limit
   * field; GKE caps it with the cluster's autoscaling resource limits). When given it wins over
   * the workloads placed on the class.
   * @default - read at synthesis from the workloads placed on the class (those given to
   * {@link GkeAcceleratorComputeClass.addWorkload}, else the chart's workloads whose node selector
   * and tolerations match it): the whole nodes each needs at its scaler's maxReplicas plus its
   * rollout's surge; unlimited when no workload is placed on it
   */
  readonly maxDevices?: number;
}

/**
 * A GKE ComputeClass for one TPU slice shape or one GPU machine type.
 *
 * Priorities: `{tpu: {type, count, topology}, spot: true}` then the same with `spot: false`
 * (or `{machineType, gpu: {type, count}}` for GPUs). GKE taints the nodes it creates for the
 * class with `cloud.google.com/compute-class=<name>:NoSchedule`, on top of the accelerator taint.
 */
export class GkeAcceleratorComputeClass extends Construct implements IAcceleratorPool {
  /** The ComputeClass (cloud.google.com/v1): escape hatch for patches. */
  public readonly computeClass: ApiObject;
  /** Kubernetes name of the ComputeClass. */
  public readonly name: string;
  /** Labels nodes of the class carry. */
  public readonly labels: { [key: string]: string };
  /** Taints nodes of the class carry. */
  public readonly taints: Taint[];
  /** The accelerator resource nodes of the class offer. */
  public readonly resourceName: string;
  private readonly explicitMaxDevices?: number;
  private readonly workloads: PoolWorkloads;
  /** The machine type and its devices per node (the placement check counts whole nodes). */
  private readonly nodeDevices: { readonly instanceType: string; readonly devices: number };

  constructor(scope: Construct, id: string, props: GkeAcceleratorComputeClassProps) {
    super(scope, id);
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(props.name)) {
      throw new InferenceConstructsError('PoolNameInvalid', {
        prop: 'name',
        problem: 'not a valid Kubernetes name',
        received: props.name,
        allowed: 'a DNS-1123 label',
        fix: 'pass a lower-case name such as tpu-v5e-2x4',
      });
    }
    if ((props.tpuSlice === undefined) === (props.gpuMachineType === undefined)) {
      throw new InferenceConstructsError('ComputeClassShapeInvalid', {
        prop: 'tpuSlice | gpuMachineType',
        problem: 'a ComputeClass here provisions exactly one accelerator shape',
        received: { tpuSlice: props.tpuSlice, gpuMachineType: props.gpuMachineType },
        allowed: 'exactly one of tpuSlice and gpuMachineType',
        fix: 'pass one of them, and create one class per shape',
      });
    }
    const delay = props.consolidationDelayMinutes ?? DEFAULT_CONSOLIDATION_DELAY_MINUTES;
    if (!Number.isInteger(delay) || delay < MIN_CONSOLIDATION_DELAY_MINUTES || delay > MAX_CONSOLIDATION_DELAY_MINUTES) {
      throw new InferenceConstructsError('ConsolidationDelayInvalid', {
        prop: 'consolidationDelayMinutes',
        problem: 'out of the range GKE accepts',
        received: delay,
        allowed: 'an integer from 1 to 1440',
        fix: 'pass minutes between 1 and 1440',
      });
    }
    this.name = props.name;
    const spotFirst = props.spotFirst ?? true;
    const spotOrder = spotFirst ? [true, false] : [false];

    let base: Omit<ComputeClassSpecPriorities, 'spot'>;
    const labels: Record<string, string> = { [GKE_COMPUTE_CLASS_LABEL]: this.name };
    let taints: Taint[];
    if (props.tpuSlice) {
      const slice = tpuSlice(props.tpuSlice.accelerator, props.tpuSlice.topology);
      const row = instanceType(slice.machineType);
      this.resourceName = row.kubernetes.resourceName;
      // count: chips per node (VM), as in GKE's TPU ComputeClass examples.
      base = { tpu: { type: slice.accelerator, count: slice.chipsPerHost, topology: slice.topology } };
      Object.assign(labels, row.kubernetes.nodeSelector.gke ?? {}, { [GKE_TPU_TOPOLOGY_LABEL]: slice.topology });
      taints = [...row.kubernetes.taints];
    } else {
      const row = instanceType(props.gpuMachineType!);
      if (row.cloud !== 'gcp' || row.acceleratorClass !== AcceleratorClass.NVIDIA_GPU) {
        throw new InferenceConstructsError('AcceleratorMismatch', {
          prop: 'gpuMachineType',
          problem: 'not a GKE GPU machine type',
          received: props.gpuMachineType,
          allowed: 'a catalogue GKE GPU machine type such as g2-standard-24 or a3-highgpu-8g',
          fix: 'use tpuSlice for TPUs and AcceleratorNodePool for EC2',
        });
      }
      this.resourceName = row.kubernetes.resourceName;
      const gpuType = Object.values(row.kubernetes.nodeSelector.gke ?? {})[0]!;
      base = {
        machineType: row.name,
        gpu: { type: gpuType, count: row.devicesPerNode, driverVersion: ComputeClassSpecPrioritiesGpuDriverVersion.DEFAULT },
      };
      Object.assign(labels, row.kubernetes.nodeSelector.gke ?? {});
      taints = [...row.kubernetes.taints];
    }
    taints.push({ key: GKE_COMPUTE_CLASS_LABEL, value: this.name, effect: 'NoSchedule' });
    this.labels = labels;
    this.taints = taints;
    if (props.maxDevices !== undefined && (!Number.isInteger(props.maxDevices) || props.maxDevices < 1)) {
      throw new InferenceConstructsError('PoolMaxDevicesInvalid', {
        prop: 'maxDevices',
        problem: 'the placement limit must be a whole number of devices',
        received: props.maxDevices,
        allowed: 'a positive integer',
        fix: 'pass maxDevices as a whole number, or leave it out to size the class from its workloads',
      });
    }
    this.explicitMaxDevices = props.maxDevices;
    const nodeRow = instanceType(props.tpuSlice ? tpuSlice(props.tpuSlice.accelerator, props.tpuSlice.topology).machineType : props.gpuMachineType!);
    this.nodeDevices = { instanceType: nodeRow.name, devices: nodeRow.devicesPerNode };
    this.workloads = new PoolWorkloads(
      this,
      { name: this.name, resourceName: this.resourceName, labels, taints, largestNodeDevices: nodeRow.devicesPerNode, nodeShapes: [{ name: nodeRow.name, devices: nodeRow.devicesPerNode }] },
      nodeRow.device.displayName,
    );

    this.computeClass = new ComputeClass(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        priorities: spotOrder.map((spot) => ({ ...base, spot })),
        nodePoolAutoCreation: { enabled: props.nodePoolAutoCreation ?? true },
        whenUnsatisfiable:
          (props.whenUnsatisfiable ?? WhenUnsatisfiable.DO_NOT_SCALE_UP) === WhenUnsatisfiable.DO_NOT_SCALE_UP
            ? ComputeClassSpecWhenUnsatisfiable.DO_NOT_SCALE_UP
            : ComputeClassSpecWhenUnsatisfiable.SCALE_UP_ANYWAY,
        autoscalingPolicy: { consolidationDelayMinutes: delay },
        // Move workloads back to Spot capacity when it returns.
        activeMigration: { optimizeRulePriority: spotFirst },
      },
    });
    clusterScoped(this.computeClass);
  }

  /**
   * Size the class's placement limit for this workload (a {@link ModelDeployment}, or any workload
   * rendered in a chart), read at synthesis from its rendered manifests. Once a workload is added,
   * only added workloads size the class; without any, the chart's workloads that land on it do.
   *
   * @throws InferenceConstructsError AcceleratorMismatch when the workload requests another
   * accelerator resource; at synthesis PoolWorkloadNotFound or PoolWorkloadNotPlaced
   */
  public addWorkload(workload: IScalableModelWorkload): void {
    this.workloads.add(workload);
  }

  /**
   * The limit the placement check applies: `maxDevices` when given, else the devices the placed
   * workloads need now; undefined (unlimited) when neither is there.
   */
  public maxDevices(): number | undefined {
    return this.explicitMaxDevices ?? this.workloads.devicesAtScale();
  }

  /**
   * The class as the placement check sees it: its labels, taints, (optional) device limit and the
   * devices per node of its machine type.
   *
   * With those the check counts whole nodes: a pod's devices all come from one node.
   */
  public toPoolCapacity(): PoolCapacity {
    const max = this.maxDevices();
    return {
      name: this.name,
      labels: this.labels,
      taints: this.taints,
      limits: max !== undefined ? { [this.resourceName]: max } : {},
      nodeTypes: [{ instanceType: this.nodeDevices.instanceType, devices: { [this.resourceName]: this.nodeDevices.devices } }],
    };
  }
}
