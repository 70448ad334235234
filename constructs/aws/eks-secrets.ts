/**
 * Kubernetes Secrets of the EKS inference cluster, delivered from AWS Secrets Manager.
 *
 * Model servers read their Hugging Face token from a Kubernetes Secret (`hf-token`, key `token`,
 * in the workload's namespace). The value must not be in the CloudFormation template, and the
 * cluster's API endpoint is private, so nobody can `kubectl create secret` from outside the VPC.
 * The External Secrets Operator (pinned chart, {@link EXTERNAL_SECRETS_CHART}) syncs the secret
 * instead: its controller reads exactly the Secrets Manager secrets given here, with an EKS Pod
 * Identity role allowed `GetSecretValue`/`DescribeSecret` on them only, and an `ExternalSecret` in
 * each namespace that uses the Secret writes it.
 *
 * @see https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EXTERNAL_SECRETS_CHART, EXTERNAL_SECRETS_SERVICE_ACCOUNT } from './eks-versions.js';
import { compareStrings } from '../../lib/private/compare.js';

/** Kubernetes Secret name the model-server workloads read the Hugging Face token from. */
export const HUGGING_FACE_TOKEN_KUBERNETES_SECRET = 'hf-token';
/** Key of the token inside that Secret. */
export const HUGGING_FACE_TOKEN_KUBERNETES_KEY = 'token';

/** Name of the `ClusterSecretStore` pointing at Secrets Manager in the stack's region. */
export const SECRETS_MANAGER_STORE = 'aws-secrets-manager';

/**
 * How often the operator re-reads the secret, so a rotated token reaches the pods' Secret
 * (pods read it at start).
 *
 * @see https://external-secrets.io/latest/api/externalsecret/ (refreshInterval)
 */
export const SECRET_REFRESH_INTERVAL = Duration.hours(1);

/** How long the External Secrets release may take to become ready (Helm `--timeout`). */
export const EXTERNAL_SECRETS_INSTALL_TIMEOUT = Duration.minutes(10);

/** Options of `EksInferenceCluster.addSecretFromSecretsManager`. */
export interface SecretsManagerSecretOptions {
  /** The Secrets Manager secret holding the value (e.g. a Hugging Face read token). */
  readonly secret: secretsmanager.ISecret;

  /**
   * Name of the Kubernetes Secret to write, in every namespace whose workloads read it.
   *
   * @default 'hf-token'
   */
  readonly kubernetesSecretName?: string;

  /**
   * Key of the value inside the Kubernetes Secret.
   *
   * @default 'token'
   */
  readonly key?: string;

  /**
   * JSON field of the Secrets Manager secret that holds the value.
   *
   * @default - the whole secret string is the value
   */
  readonly jsonField?: string;
}

/** A delivered secret after defaults. */
interface Delivery {
  readonly id: string;
  readonly secret: secretsmanager.ISecret;
  readonly kubernetesSecretName: string;
  readonly key: string;
  readonly jsonField?: string;
}

/** One reference of a pod template to a Secret. */
export interface SecretReference {
  /** kind/namespace/name of the workload. */
  readonly workload: string;
  readonly namespace: string;
  readonly secretName: string;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function podSpecs(obj: Json): unknown[] {
  const spec = obj.spec as Json | undefined;
  if (obj.kind === 'LeaderWorkerSet') {
    const lwt = spec?.leaderWorkerTemplate as Json | undefined;
    return [(lwt?.leaderTemplate as Json | undefined)?.spec, (lwt?.workerTemplate as Json | undefined)?.spec];
  }
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(String(obj.kind))) {
    return [(spec?.template as Json | undefined)?.spec];
  }
  if (obj.kind === 'Pod') return [spec];
  return [];
}

/**
 * Every non-optional Secret the pod templates of `manifests` read: `env[].valueFrom.secretKeyRef`,
 * `envFrom[].secretRef` and `volumes[].secret`, minus the Secrets the manifests define themselves.
 */
export function requiredSecrets(manifests: readonly Json[]): SecretReference[] {
  const defined = new Set(
    manifests
      .filter((o) => o.kind === 'Secret')
      .map((o) => `${String((o.metadata as Json | undefined)?.namespace ?? 'default')}/${String((o.metadata as Json | undefined)?.name)}`),
  );
  const refs = new Map<string, SecretReference>();
  for (const obj of manifests) {
    const namespace = String((obj.metadata as Json | undefined)?.namespace ?? 'default');
    const workload = `${String(obj.kind)}/${namespace}/${String((obj.metadata as Json | undefined)?.name ?? '')}`;
    const add = (name: unknown, optional: unknown) => {
      if (typeof name !== 'string' || optional === true || defined.has(`${namespace}/${name}`)) return;
      refs.set(`${workload}|${name}`, { workload, namespace, secretName: name });
    };
    for (const podSpec of podSpecs(obj)) {
      if (!isObject(podSpec)) continue;
      const containers = [...((podSpec.containers as unknown[]) ?? []), ...((podSpec.initContainers as unknown[]) ?? [])];
      for (const c of containers.filter(isObject)) {
        for (const e of ((c.env as unknown[]) ?? []).filter(isObject)) {
          const ref = (e.valueFrom as Json | undefined)?.secretKeyRef as Json | undefined;
          if (ref) add(ref.name, ref.optional);
        }
        for (const e of ((c.envFrom as unknown[]) ?? []).filter(isObject)) {
          const ref = e.secretRef as Json | undefined;
          if (ref) add(ref.name, ref.optional);
        }
      }
      for (const v of ((podSpec.volumes as unknown[]) ?? []).filter(isObject)) {
        const ref = v.secret as Json | undefined;
        if (ref) add(ref.secretName, ref.optional);
      }
    }
  }
  return [...refs.values()].sort((a, b) => compareStrings(`${a.workload}/${a.secretName}`, `${b.workload}/${b.secretName}`));
}

/** Props of {@link EksSecretDelivery}. */
export interface EksSecretDeliveryProps {
  /** The cluster to install the operator into. */
  readonly cluster: eks.ICluster;
  /**
   * Install-time dependency for the Pod Identity association (the `eks-pod-identity-agent`
   * add-on on managed node groups; Auto Mode runs the agent itself).
   *
   * @default - none
   */
  readonly podIdentityAgent?: Construct;
  /**
   * Constructs the operator's release must wait for (e.g. the system node group).
   *
   * @default - none
   */
  readonly after?: Construct[];
}

/**
 * The External Secrets Operator with a least-privilege EKS Pod Identity role, a
 * `ClusterSecretStore` for Secrets Manager in the stack's region, and one `ExternalSecret` per
 * (namespace, Kubernetes Secret) the workloads read.
 */
export class EksSecretDelivery extends Construct {
  /** The operator's Helm release. */
  public readonly chart: eks.HelmChart;
  /** The role the operator's controller assumes through EKS Pod Identity. */
  public readonly role: iam.Role;
  /** The `ClusterSecretStore` manifest. */
  public readonly store: eks.KubernetesManifest;

  private readonly cluster: eks.ICluster;
  private readonly deliveries = new Map<string, Delivery>();
  private readonly externalSecrets = new Map<string, eks.KubernetesManifest>();

  constructor(scope: Construct, id: string, props: EksSecretDeliveryProps) {
    super(scope, id);
    this.cluster = props.cluster;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      description: 'External Secrets Operator: read the Secrets Manager secrets the model servers need',
    });
    const association = new eks.CfnPodIdentityAssociation(this, 'Identity', {
      clusterName: props.cluster.clusterName,
      namespace: EXTERNAL_SECRETS_CHART.namespace,
      serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });
    if (props.podIdentityAgent) association.node.addDependency(props.podIdentityAgent);
    this.chart = new eks.HelmChart(this, 'Operator', {
      cluster: props.cluster,
      chart: EXTERNAL_SECRETS_CHART.chart,
      repository: EXTERNAL_SECRETS_CHART.repository,
      version: EXTERNAL_SECRETS_CHART.version,
      release: EXTERNAL_SECRETS_CHART.release,
      namespace: EXTERNAL_SECRETS_CHART.namespace,
      createNamespace: true,
      // Wait for the CRDs and the admission webhook, so the store applied next is admitted.
      wait: true,
      timeout: EXTERNAL_SECRETS_INSTALL_TIMEOUT,
      values: {
        installCRDs: true,
        serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT },
      },
    });
    // Credentials are injected when the controller pod starts: the association comes first.
    this.chart.node.addDependency(association);
    for (const c of props.after ?? []) this.chart.node.addDependency(c);
    this.store = new eks.KubernetesManifest(this, 'Store', {
      cluster: props.cluster,
      manifest: [
        {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ClusterSecretStore',
          metadata: { name: SECRETS_MANAGER_STORE },
          // No `auth`: the controller's own (Pod Identity) credentials are used.
          spec: { provider: { aws: { service: 'SecretsManager', region: Stack.of(this).region } } },
        },
      ],
      overwrite: true,
    });
    this.store.node.addDependency(this.chart);
  }

  /** Register a secret; the role may read it (and decrypt it with its key). */
  public addSecret(id: string, options: SecretsManagerSecretOptions): void {
    const delivery: Delivery = {
      id,
      secret: options.secret,
      kubernetesSecretName: options.kubernetesSecretName ?? HUGGING_FACE_TOKEN_KUBERNETES_SECRET,
      key: options.key ?? HUGGING_FACE_TOKEN_KUBERNETES_KEY,
      jsonField: options.jsonField,
    };
    this.deliveries.set(delivery.kubernetesSecretName, delivery);
    // GetSecretValue and DescribeSecret on this secret only (plus kms:Decrypt on its key).
    options.secret.grantRead(this.role);
  }

  /** True when a secret is delivered under this Kubernetes Secret name. */
  public delivers(kubernetesSecretName: string): boolean {
    return this.deliveries.has(kubernetesSecretName);
  }

  /**
   * The `ExternalSecret` writing `kubernetesSecretName` into `namespace` (created once), or
   * undefined when no secret is delivered under that name. `namespaceCreator` is applied first.
   */
  public externalSecret(namespace: string, kubernetesSecretName: string, namespaceCreator?: Construct): eks.KubernetesManifest | undefined {
    const delivery = this.deliveries.get(kubernetesSecretName);
    if (!delivery) return undefined;
    const key = `${namespace}/${kubernetesSecretName}`;
    const existing = this.externalSecrets.get(key);
    if (existing) return existing;
    const manifest = new eks.KubernetesManifest(this, `${delivery.id}-${namespace}`, {
      cluster: this.cluster,
      manifest: [
        {
          apiVersion: 'external-secrets.io/v1',
          kind: 'ExternalSecret',
          metadata: { name: kubernetesSecretName, namespace },
          spec: {
            refreshInterval: `${SECRET_REFRESH_INTERVAL.toHours()}h`,
            secretStoreRef: { kind: 'ClusterSecretStore', name: SECRETS_MANAGER_STORE },
            target: { name: kubernetesSecretName, creationPolicy: 'Owner' },
            data: [
              {
                secretKey: delivery.key,
                remoteRef: {
                  key: delivery.secret.secretName,
                  ...(delivery.jsonField !== undefined ? { property: delivery.jsonField } : {}),
                },
              },
            ],
          },
        },
      ],
      overwrite: true,
    });
    manifest.node.addDependency(this.store);
    if (namespaceCreator) manifest.node.addDependency(namespaceCreator);
    this.externalSecrets.set(key, manifest);
    return manifest;
  }
}
