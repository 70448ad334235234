/**
 * The token-metrics path of the EKS inference cluster: model-server pods are scraped into
 * Prometheus, and KEDA reads token throughput back from it to scale the model servers.
 *
 * Two backends:
 * - {@link MetricsBackend.managedPrometheus} (default): an Amazon Managed Service for Prometheus
 *   workspace filled by an AWS managed collector (agentless scraper); KEDA queries the workspace
 *   with SigV4, using an EKS Pod Identity role allowed to read that workspace only.
 * - {@link MetricsBackend.inClusterPrometheus}: the Prometheus community chart inside the
 *   cluster; KEDA queries its service.
 *
 * ## Pod scrape contract
 *
 * Both backends scrape the pods that carry these annotations (the `prometheus.io/*` convention
 * the Prometheus community chart's `kubernetes-pods` job follows):
 *
 * | annotation | value | required |
 * |---|---|---|
 * | `prometheus.io/scrape` | `"true"` | yes |
 * | `prometheus.io/port` | metrics port, e.g. `"8000"` | yes (else the pod's declared ports) |
 * | `prometheus.io/path` | metrics path | no, default `/metrics` |
 * | `prometheus.io/scheme` | `http` or `https` | no, default `http` |
 *
 * Every series gets the labels `namespace` and `pod`, plus each pod label (non-alphanumeric
 * characters turned into `_`, e.g. `app_kubernetes_io_name`). A KEDA query aggregates over them,
 * e.g. `sum(rate(vllm:generation_tokens_total{namespace="llm", app_kubernetes_io_name="llama"}[2m]))`.
 * Use a rate window of at least four scrape intervals (2m at the default 30 s).
 */
import { Aws, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as aps from 'aws-cdk-lib/aws-aps';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';
import { InferenceConstructsError } from '../../lib/errors.js';
import { KEDA_CHART, KEDA_OPERATOR_SERVICE_ACCOUNT, PROMETHEUS_CHART } from './eks-versions.js';

/** The pod annotations both metrics backends honour. */
export const POD_SCRAPE_ANNOTATIONS = {
  /** `"true"` to be scraped. */
  scrape: 'prometheus.io/scrape',
  /** The metrics port. */
  port: 'prometheus.io/port',
  /** The metrics path (default `/metrics`). */
  path: 'prometheus.io/path',
  /** `http` (default) or `https`. */
  scheme: 'prometheus.io/scheme',
} as const;

/**
 * Scrape interval of both backends. 30 s is the interval of the AWS managed collector's
 * default configuration and gives a `rate(...[2m])` four samples.
 *
 * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-configuration
 */
export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 30;

/**
 * Data kept by the in-cluster Prometheus. The autoscaler reads only the last minutes; a day
 * leaves room to inspect a scaling event after the fact.
 */
export const DEFAULT_IN_CLUSTER_RETENTION_HOURS = 24;

/**
 * The Kubernetes user the AWS managed collector's role is mapped to, and the cluster role it is
 * bound to (names from the Amazon Managed Service for Prometheus guide).
 *
 * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-eks-setup
 */
export const APS_COLLECTOR_USER = 'aps-collector-user';
/** @see APS_COLLECTOR_USER */
export const APS_COLLECTOR_CLUSTER_ROLE = 'aps-collector-role';

/**
 * Read-only query actions KEDA's Prometheus scaler needs on the workspace.
 *
 * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-and-IAM.html
 */
export const APS_QUERY_ACTIONS: readonly string[] = [
  'aps:GetLabels',
  'aps:GetMetricMetadata',
  'aps:GetSeries',
  'aps:QueryMetrics',
];

/**
 * Name of the KEDA `ClusterTriggerAuthentication` the managed backend installs. A ScaledObject
 * trigger references it with `authenticationRef: { name, kind: 'ClusterTriggerAuthentication' }`
 * and sets `identityOwner: operator` and `awsRegion`.
 *
 * @see https://keda.sh/docs/latest/authentication-providers/aws/
 */
export const KEDA_AWS_TRIGGER_AUTHENTICATION = 'aws-managed-prometheus';

/** How long the KEDA release may take to become ready (Helm `--timeout`). */
export const KEDA_INSTALL_TIMEOUT = Duration.minutes(10);

/** Options of {@link MetricsBackend.managedPrometheus}. */
export interface ManagedPrometheusOptions {
  /**
   * How often the managed collector scrapes the model-server pods, in seconds: 30 to 300 (the
   * collector rejects intervals under 30 s).
   *
   * @default 30
   */
  readonly scrapeIntervalSeconds?: number;

  /**
   * Alias of the Amazon Managed Service for Prometheus workspace.
   *
   * @default - no alias
   */
  readonly workspaceAlias?: string;
}

/** Options of {@link MetricsBackend.inClusterPrometheus}. */
export interface InClusterPrometheusOptions {
  /**
   * How often Prometheus scrapes the model-server pods, in seconds.
   *
   * @default 30
   */
  readonly scrapeIntervalSeconds?: number;

  /**
   * How long Prometheus keeps samples, in hours. Samples live on the server pod's `emptyDir`
   * (the chart's persistent volume is turned off: neither Auto Mode nor the managed node groups
   * come with a default StorageClass), so a restarted server starts empty.
   *
   * @default 24
   */
  readonly retentionHours?: number;
}

/**
 * Where token metrics are stored and queried from.
 */
export class MetricsBackend {
  /**
   * Amazon Managed Service for Prometheus: a workspace, an AWS managed collector scraping the
   * cluster, and an EKS Pod Identity role that lets the KEDA operator query the workspace.
   *
   * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector.html
   */
  public static managedPrometheus(options: ManagedPrometheusOptions = {}): MetricsBackend {
    return new MetricsBackend('managed-prometheus', validateInterval(options.scrapeIntervalSeconds, MANAGED_COLLECTOR_MIN_SCRAPE_INTERVAL_SECONDS, 'AWS managed collector'), options.workspaceAlias, undefined);
  }

  /**
   * The Prometheus community Helm chart inside the cluster (pinned, see `PROMETHEUS_CHART`).
   */
  public static inClusterPrometheus(options: InClusterPrometheusOptions = {}): MetricsBackend {
    const retention = options.retentionHours ?? DEFAULT_IN_CLUSTER_RETENTION_HOURS;
    if (!Number.isInteger(retention) || retention < 1) {
      throw new InferenceConstructsError('MetricsRetentionInvalid', {
        prop: 'retentionHours',
        problem: 'the retention is not a whole number of hours >= 1',
        received: options.retentionHours,
        allowed: 'an integer >= 1',
        fix: `pass e.g. ${DEFAULT_IN_CLUSTER_RETENTION_HOURS}`,
      });
    }
    return new MetricsBackend('in-cluster-prometheus', validateInterval(options.scrapeIntervalSeconds, IN_CLUSTER_MIN_SCRAPE_INTERVAL_SECONDS, 'in-cluster Prometheus'), undefined, retention);
  }

  private constructor(
    /** Which backend. */
    public readonly kind: 'managed-prometheus' | 'in-cluster-prometheus',
    /** Scrape interval, seconds. */
    public readonly scrapeIntervalSeconds: number,
    /** Workspace alias (managed backend only). */
    public readonly workspaceAlias: string | undefined,
    /** Retention, hours (in-cluster backend only). */
    public readonly retentionHours: number | undefined,
  ) {}
}

/**
 * Shortest scrape interval the AWS managed collector accepts: "The scraper config can't specify a
 * scrape interval of less than 30 seconds" (AMP User Guide, Scraper configuration, limitations).
 *
 * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-configuration
 */
export const MANAGED_COLLECTOR_MIN_SCRAPE_INTERVAL_SECONDS = 30;
/** Longest scrape interval either backend takes: beyond 5 minutes Prometheus marks series stale between scrapes. */
export const MAX_SCRAPE_INTERVAL_SECONDS = 300;
/** Shortest scrape interval of the in-cluster Prometheus. */
const IN_CLUSTER_MIN_SCRAPE_INTERVAL_SECONDS = 1;

function validateInterval(seconds: number | undefined, min: number, backend: string): number {
  const value = seconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS;
  if (Token.isUnresolved(value)) {
    throw new InferenceConstructsError('TokenNotSupported', {
      prop: 'scrapeIntervalSeconds',
      problem: 'scrapeIntervalSeconds cannot be a token: it is written into the scrape configuration at synthesis',
      received: '(unresolved token)',
      allowed: `a literal integer from ${min} to ${MAX_SCRAPE_INTERVAL_SECONDS}`,
      fix: `pass a number, e.g. ${DEFAULT_SCRAPE_INTERVAL_SECONDS}`,
    });
  }
  if (Number.isInteger(value) && value >= 1 && value < min) {
    throw new InferenceConstructsError('ScrapeIntervalTooShort', {
      prop: 'scrapeIntervalSeconds',
      problem: `the ${backend} cannot scrape more often than every ${min} s (AMP User Guide: "can't specify a scrape interval of less than 30 seconds")`,
      received: seconds,
      allowed: `an integer from ${min} to ${MAX_SCRAPE_INTERVAL_SECONDS}`,
      fix: `pass scrapeIntervalSeconds >= ${min}, or use MetricsBackend.inClusterPrometheus() for shorter intervals`,
    });
  }
  if (!Number.isInteger(value) || value < min || value > MAX_SCRAPE_INTERVAL_SECONDS) {
    throw new InferenceConstructsError('ScrapeIntervalInvalid', {
      prop: 'scrapeIntervalSeconds',
      problem: `the scrape interval is not a whole number of seconds from ${min} to ${MAX_SCRAPE_INTERVAL_SECONDS}`,
      received: seconds,
      allowed: `an integer from ${min} to ${MAX_SCRAPE_INTERVAL_SECONDS}`,
      fix: `pass e.g. ${DEFAULT_SCRAPE_INTERVAL_SECONDS}`,
    });
  }
  return value;
}

/**
 * The Prometheus scrape configuration of the AWS managed collector: one `kubernetes-pods` job
 * that keeps annotated pods only (see the pod scrape contract in this module's comment).
 * The relabelling follows the Prometheus community chart's `kubernetes-pods` job, so both
 * backends produce the same series and labels.
 *
 * @see https://github.com/prometheus-community/helm-charts/blob/main/charts/prometheus/values.yaml
 */
export function podScrapeConfiguration(scrapeIntervalSeconds: number = DEFAULT_SCRAPE_INTERVAL_SECONDS): string {
  return [
    'global:',
    `  scrape_interval: ${scrapeIntervalSeconds}s`,
    'scrape_configs:',
    '  - job_name: kubernetes-pods',
    '    kubernetes_sd_configs:',
    '      - role: pod',
    '    relabel_configs:',
    '      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]',
    '        action: keep',
    '        regex: "true"',
    '      - source_labels: [__meta_kubernetes_pod_phase]',
    '        action: drop',
    '        regex: Pending|Succeeded|Failed|Completed',
    '      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme]',
    '        action: replace',
    '        regex: (https?)',
    '        target_label: __scheme__',
    '      - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]',
    '        action: replace',
    '        regex: (.+)',
    '        target_label: __metrics_path__',
    '      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]',
    '        action: replace',
    '        regex: ([^:]+)(?::\\d+)?;(\\d+)',
    '        replacement: $1:$2',
    '        target_label: __address__',
    '      - action: labelmap',
    '        regex: __meta_kubernetes_pod_label_(.+)',
    '      - source_labels: [__meta_kubernetes_namespace]',
    '        action: replace',
    '        target_label: namespace',
    '      - source_labels: [__meta_kubernetes_pod_name]',
    '        action: replace',
    '        target_label: pod',
    '',
  ].join('\n');
}

/** Props of {@link EksTokenMetrics}. */
export interface EksTokenMetricsProps {
  /**
   * The cluster whose pods are scraped and where KEDA runs: one this stack creates or an
   * imported one (`eks.Cluster.fromClusterAttributes` with `kubectlProvider`, `vpc` and
   * `clusterSecurityGroupId`).
   */
  readonly cluster: eks.ICluster;

  /**
   * Where token metrics are stored and queried from.
   *
   * @default MetricsBackend.managedPrometheus()
   */
  readonly backend?: MetricsBackend;

  /**
   * Install the `eks-pod-identity-agent` add-on for the KEDA operator's identity. EKS Auto Mode
   * runs the agent itself; managed node groups need the add-on.
   *
   * @default true
   */
  readonly installPodIdentityAgent?: boolean;
}

/** The KEDA authentication object a Prometheus trigger references (`authenticationRef`). */
export interface KedaAuthenticationReference {
  /** `ClusterTriggerAuthentication` (cluster-scoped) or `TriggerAuthentication` (namespaced). */
  readonly kind: string;
  /** The object's name. */
  readonly name: string;
}

/**
 * The token-metrics path: a Prometheus backend that scrapes model-server pods, and KEDA
 * (pinned Helm chart) with the identity to query it.
 *
 * Point a KEDA Prometheus trigger at {@link prometheusQueryEndpoint}; with the managed backend,
 * also set `awsRegion: <awsRegion>`, `identityOwner: operator` and
 * `authenticationRef: { name: 'aws-managed-prometheus', kind: 'ClusterTriggerAuthentication' }`.
 */
export class EksTokenMetrics extends Construct {
  /** The backend in use. */
  public readonly backend: MetricsBackend;

  /**
   * The Prometheus address for KEDA's `serverAddress`: KEDA appends `/api/v1/query`.
   * Managed: `https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>`;
   * in-cluster: `http://prometheus-server.monitoring.svc.cluster.local`.
   *
   * @see https://keda.sh/docs/latest/scalers/prometheus/
   */
  public readonly prometheusQueryEndpoint: string;

  /**
   * The region KEDA signs workspace queries for (`awsRegion` trigger metadata); undefined for the
   * in-cluster backend.
   */
  public readonly awsRegion?: string;

  /**
   * The KEDA authentication a trigger references (managed backend); undefined for the in-cluster
   * backend, which needs none.
   */
  public readonly kedaAuthentication?: KedaAuthenticationReference;

  /** The Amazon Managed Service for Prometheus workspace (managed backend). */
  public readonly workspace?: aps.CfnWorkspace;
  /** The AWS managed collector (managed backend). */
  public readonly scraper?: aps.CfnScraper;
  /** The scrape configuration (YAML) given to the managed collector (managed backend). */
  public readonly scrapeConfiguration?: string;
  /** The collector's ClusterRole and binding (managed backend). */
  public readonly collectorRbac?: eks.KubernetesManifest;
  /** The role the KEDA operator assumes through EKS Pod Identity (managed backend). */
  public readonly kedaRole?: iam.Role;
  /** The KEDA Helm release. */
  public readonly keda: eks.HelmChart;
  /** The in-cluster Prometheus Helm release (in-cluster backend). */
  public readonly prometheus?: eks.HelmChart;

  /**
   * Everything a workload's ScaledObjects need to exist first: KEDA (its CRDs) and, for the
   * managed backend, the `ClusterTriggerAuthentication`.
   */
  public readonly readiness: IConstruct[];

  constructor(scope: Construct, id: string, props: EksTokenMetricsProps) {
    super(scope, id);
    const backend = props.backend ?? MetricsBackend.managedPrometheus();
    this.backend = backend;
    const cluster = props.cluster;

    if (backend.kind === 'managed-prometheus') {
      const subnetIds = cluster.vpc.privateSubnets.map((s) => s.subnetId);
      if (subnetIds.length < 2 && !Token.isUnresolved(subnetIds)) {
        throw new InferenceConstructsError('CollectorSubnetsTooFew', {
          prop: 'vpc',
          problem: 'the AWS managed collector needs private subnets in at least two Availability Zones',
          received: subnetIds.length,
          allowed: 'a VPC with 2 or more private subnets',
          fix: 'give the cluster a VPC with private subnets in two or more Availability Zones',
        });
      }
      this.workspace = new aps.CfnWorkspace(this, 'Workspace', {
        ...(backend.workspaceAlias !== undefined ? { alias: backend.workspaceAlias } : {}),
      });
      this.scrapeConfiguration = podScrapeConfiguration(backend.scrapeIntervalSeconds);
      this.scraper = new aps.CfnScraper(this, 'Scraper', {
        source: {
          eksConfiguration: {
            clusterArn: cluster.clusterArn,
            subnetIds,
            securityGroupIds: [cluster.clusterSecurityGroupId],
          },
        },
        destination: { ampConfiguration: { workspaceArn: this.workspace.attrArn } },
        // The property takes the configuration base64-encoded; Fn::Base64 keeps it readable in
        // the template.
        scrapeConfiguration: { configurationBlob: Fn.base64(this.scrapeConfiguration) },
      });

      // Kubernetes RBAC for the collector's user. The access entry that maps the collector's
      // service-linked role to that user is NOT created here: on a cluster whose authentication
      // mode is API or API_AND_CONFIG_MAP (aws-eks-v2 clusters are API), "any scrapers you create
      // through the Amazon Managed Service for Prometheus API or CLI ... will automatically have
      // the correct access entry policy created for you" (AMP User Guide, Using an AWS managed
      // collector, Configuring your Amazon EKS cluster). EKS keeps one access entry per principal
      // (AWS::EKS::AccessEntry primary identifier [PrincipalArn, ClusterName]), so a second one
      // fails with ResourceInUseException and rolls the stack back. The ClusterRole and its
      // binding to `aps-collector-user` are what the guide's in-cluster setup still asks for.
      // https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-eks-setup
      this.collectorRbac = new eks.KubernetesManifest(this, 'CollectorRbac', {
        cluster,
        manifest: collectorRbac(),
        overwrite: true,
      });
      this.collectorRbac.node.addDependency(this.scraper);

      // KEDA operator identity: read-only queries on this workspace.
      this.kedaRole = new iam.Role(this, 'KedaRole', {
        assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
        description: 'KEDA operator: query token metrics in the Amazon Managed Service for Prometheus workspace',
      });
      this.kedaRole.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...APS_QUERY_ACTIONS], resources: [this.workspace.attrArn] }),
      );
      const association = new eks.CfnPodIdentityAssociation(this, 'KedaIdentity', {
        clusterName: cluster.clusterName,
        namespace: KEDA_CHART.namespace,
        serviceAccount: KEDA_OPERATOR_SERVICE_ACCOUNT,
        roleArn: this.kedaRole.roleArn,
      });
      if (props.installPodIdentityAgent ?? true) {
        association.node.addDependency(cluster.eksPodIdentityAgent!);
      }

      this.keda = this.installKeda(cluster);
      // Credentials are injected when the KEDA operator pod starts: the association comes first.
      this.keda.node.addDependency(association);

      const triggerAuth = new eks.KubernetesManifest(this, 'TriggerAuthentication', {
        cluster,
        manifest: [
          {
            apiVersion: 'keda.sh/v1alpha1',
            kind: 'ClusterTriggerAuthentication',
            metadata: { name: KEDA_AWS_TRIGGER_AUTHENTICATION },
            spec: { podIdentity: { provider: 'aws' } },
          },
        ],
        overwrite: true,
      });
      triggerAuth.node.addDependency(this.keda);

      this.awsRegion = Stack.of(this).region;
      this.prometheusQueryEndpoint = `https://aps-workspaces.${Aws.REGION}.${Aws.URL_SUFFIX}/workspaces/${this.workspace.attrWorkspaceId}`;
      this.kedaAuthentication = { kind: 'ClusterTriggerAuthentication', name: KEDA_AWS_TRIGGER_AUTHENTICATION };
      this.readiness = [this.keda, triggerAuth];
    } else {
      this.prometheus = new eks.HelmChart(this, 'Prometheus', {
        cluster,
        chart: PROMETHEUS_CHART.chart,
        repository: PROMETHEUS_CHART.repository,
        version: PROMETHEUS_CHART.version,
        release: PROMETHEUS_CHART.release,
        namespace: PROMETHEUS_CHART.namespace,
        createNamespace: true,
        values: {
          alertmanager: { enabled: false },
          'kube-state-metrics': { enabled: false },
          'prometheus-node-exporter': { enabled: false },
          'prometheus-pushgateway': { enabled: false },
          server: {
            retention: `${backend.retentionHours}h`,
            persistentVolume: { enabled: false },
            global: { scrape_interval: `${backend.scrapeIntervalSeconds}s` },
          },
        },
      });
      this.keda = this.installKeda(cluster);
      this.prometheusQueryEndpoint = `http://${PROMETHEUS_CHART.release}-server.${PROMETHEUS_CHART.namespace}.svc.cluster.local`;
      this.readiness = [this.keda, this.prometheus];
    }
  }

  private installKeda(cluster: eks.ICluster): eks.HelmChart {
    return new eks.HelmChart(this, 'Keda', {
      cluster,
      chart: KEDA_CHART.chart,
      repository: KEDA_CHART.repository,
      version: KEDA_CHART.version,
      release: KEDA_CHART.release,
      namespace: KEDA_CHART.namespace,
      createNamespace: true,
      // Wait for the operator and its admission webhooks, so ScaledObjects applied next are
      // admitted. The first node of a new cluster can take minutes to join (Auto Mode launches
      // it for these very pods); the kubectl handler itself runs for at most 15 minutes.
      wait: true,
      timeout: KEDA_INSTALL_TIMEOUT,
      values: {
        serviceAccount: { operator: { create: true, name: KEDA_OPERATOR_SERVICE_ACCOUNT } },
      },
    });
  }
}

/**
 * ClusterRole and binding for the AWS managed collector, as given in the Amazon Managed Service
 * for Prometheus guide.
 *
 * @see https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-collector-how-to.html#AMP-collector-eks-setup
 */
export function collectorRbac(): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: APS_COLLECTOR_CLUSTER_ROLE },
      rules: [
        {
          apiGroups: [''],
          resources: ['nodes', 'nodes/proxy', 'nodes/metrics', 'services', 'endpoints', 'pods', 'ingresses', 'configmaps'],
          verbs: ['describe', 'get', 'list', 'watch'],
        },
        {
          apiGroups: ['extensions', 'networking.k8s.io'],
          resources: ['ingresses/status', 'ingresses'],
          verbs: ['describe', 'get', 'list', 'watch'],
        },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${APS_COLLECTOR_USER}-role-binding` },
      subjects: [{ kind: 'User', name: APS_COLLECTOR_USER, apiGroup: 'rbac.authorization.k8s.io' }],
      roleRef: { kind: 'ClusterRole', name: APS_COLLECTOR_CLUSTER_ROLE, apiGroup: 'rbac.authorization.k8s.io' },
    },
  ];
}
