/**
 * The reference app: `npm run synth` synthesizes its CDK stacks to cdk.out/ and its cdk8s
 * charts to dist/ (*.k8s.yaml).
 */
import { App } from 'aws-cdk-lib';
import { App as K8sApp, YamlOutputType } from 'cdk8s';

const app = new App();
const k8s = new K8sApp({ outdir: 'dist', outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });

app.synth();
k8s.synth();
