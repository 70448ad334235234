/**
 * The baseline for the synth benchmark: a CDK app with one stack holding the smallest valid
 * template (CloudFormation rejects a stack without resources, and so does CDK's validation).
 */
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';

const app = new App();
new CfnWaitConditionHandle(new Stack(app, 'Empty'), 'Handle');
app.synth();
