// Consumer app 4: a cdk8s app (`cdk8s synth`) rendering a GKE TPU deployment with its token
// scaler, against the public API of /work/notes/api-design.md.
import { App, Chart } from 'cdk8s';
import {
  AcceleratorCatalog,
  CapacityPlanner,
  GkeAcceleratorComputeClass,
  KubernetesPlatform,
  Model,
  ModelDeployment,
  PrometheusSource,
  ScrapeBackend,
} from 'inference-constructs';

const app = new App();
const chart = new Chart(app, 'gemma-2-9b', { namespace: 'inference' });
// Gemma 2 9B on a TPU v5e 2x4 slice, scaled by KEDA on Google Managed Prometheus.
const plan = CapacityPlanner.plan({ model: Model.GEMMA_2_9B, tpuSlice: AcceleratorCatalog.tpuSlice('tpu-v5-lite-podslice', '2x4') });
const computeClass = new GkeAcceleratorComputeClass(chart, 'ComputeClass', { name: 'tpu-v5e-2x4', tpuSlice: plan.tpuSlice! });
const gemma = new ModelDeployment(chart, 'Model', {
  plan,
  platform: KubernetesPlatform.GKE,
  scrapeBackend: ScrapeBackend.GOOGLE_MANAGED_PROMETHEUS,
  computeClassName: computeClass.name,
  huggingFaceTokenSecret: { name: 'hf-token' },
});
gemma.scaleOnTokenThroughput({
  minReplicas: 1,
  maxReplicas: 4,
  prometheus: PrometheusSource.googleManagedPrometheus({ projectId: 'my-gke-project' }),
});
app.synth();
