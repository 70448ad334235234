/**
 * The plan report, for every language: `renderPlanReport` of `../report.ts` as a static method.
 */
import { type PlannedDeployment, type PlanReportOptions, renderPlanReport } from '../report.js';

/** The Markdown plan report a reviewer reads in a pull-request diff (byte-stable output). */
export class PlanReport {
  /**
   * Render the report of the planned deployments, sorted by name.
   *
   * @param deployments every planned deployment (unique names)
   * @param options the title
   * @default - options: title 'Inference capacity plan'
   */
  public static render(deployments: PlannedDeployment[], options?: PlanReportOptions): string {
    return renderPlanReport(deployments, options);
  }

  private constructor() {}
}
