import {
  type CashflowDocument,
  companyMetrics as metricsOfScenarios,
  type CompanyMetrics,
  type MonthIndex,
  type Scenario,
  SCENARIOS,
} from '@cvf/domain';
import { type ViewKey } from './layout';

// Company metrics are a domain rule (libs/domain/src/engine/company-metrics.ts); the cache
// keeps its names for its callers and maps its view keys to the domain's scenarios.
export { metricsAsOf, monthOfInstant as monthOf } from '@cvf/domain';

const scenarioOf = (key: string): Scenario | undefined =>
  SCENARIOS.find((scenario) => key === (`predicted:${scenario}` satisfies ViewKey));

/** `companyMetrics` of @cvf/domain over the rollups as the cache keys them (`predicted:<S>`). */
export function companyMetrics(
  actual: CashflowDocument,
  predicted: ReadonlyMap<string, CashflowDocument>,
  asOf: MonthIndex,
): CompanyMetrics {
  const byScenario = new Map<Scenario, CashflowDocument>();
  for (const [key, document] of predicted) {
    const scenario = scenarioOf(key);
    if (scenario !== undefined) byScenario.set(scenario, document);
  }
  return metricsOfScenarios(actual, byScenario, asOf);
}
