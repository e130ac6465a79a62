import { type CashflowDocument, cashflowDocument, computeCompanyCashflows } from '@cvf/domain';
import { companyViews, type ViewKey } from '../layout';
import { type CompanyHistory } from './company-history';

/** Every view's document as the engine computes it from the history's own inputs. */
export function expectedDocuments(history: CompanyHistory): Map<ViewKey, CashflowDocument> {
  const { totals, terms, assumptions } = history.oracle();
  return new Map(
    companyViews(assumptions).map(({ key, view }) => [
      key,
      cashflowDocument(computeCompanyCashflows(totals, terms, view), 'USD'),
    ]),
  );
}
