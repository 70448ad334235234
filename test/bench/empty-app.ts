/**
 * The baseline for the synth benchmark: a CDK app with one stack holding the smallest valid
 * template (CloudFormation rejects a stack without resources, and so does CDK's validation).
 * Like the reference app, aws-cdk-lib's built-in template validation is on only with
 * CDK_VALIDATION=true, so both sides of a ratio run with the same setting.
 */
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';

const app = new App({ builtinCloudFormationValidation: process.env.CDK_VALIDATION === 'true' });
new CfnWaitConditionHandle(new Stack(app, 'Empty'), 'Handle');
app.synth();
