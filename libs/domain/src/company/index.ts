import { type Decider } from '../events/decider';
import { type CompanyEvent } from '../events/company-events';
import { type CompanyCommand } from './commands';
import { decideCompany } from './decide';
import { type CompanyState, evolveCompany, initialCompanyState } from './state';

export * from './commands';
export * from './terms-document';
export { COMPANY_NAME_MAX, decideCompany, OVERRIDE_REASON_MAX } from './decide';
export {
  type CompanyState,
  initialCompanyState,
  evolveCompany,
  overrideKey,
  companyTerms,
} from './state';

/** The company stream's decider as one value, for command handlers and specs. */
export const companyDecider: Decider<CompanyCommand, CompanyEvent, CompanyState> = {
  decide: decideCompany,
  evolve: evolveCompany,
  initialState: initialCompanyState,
};
