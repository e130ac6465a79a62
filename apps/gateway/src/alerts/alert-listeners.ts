import { type PublishedAlert } from '@cvf/cache';

/** A subscription to every company's alerts (the fund's own dashboards). */
export const EVERY_COMPANY = Symbol('every company');
export type AlertScope = string | typeof EVERY_COMPANY;

export type AlertListener = (alert: PublishedAlert) => void;

/**
 * The in-process fan-out both alert adapters share: listeners by company (or of every
 * company), added and removed as streams open and close, each alert handed to its company's
 * listeners and to those of every company. A listener that throws does not stop the others.
 */
export class AlertListeners {
  private readonly byScope = new Map<AlertScope, Set<AlertListener>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  /** Adds the listener; the returned function removes it (idempotent). */
  add(scope: AlertScope, listener: AlertListener): () => void {
    const set = this.byScope.get(scope) ?? new Set<AlertListener>();
    set.add(listener);
    this.byScope.set(scope, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byScope.get(scope) === set) this.byScope.delete(scope);
    };
  }

  dispatch(alert: PublishedAlert): void {
    for (const scope of [alert.company_id, EVERY_COMPANY] as const) {
      for (const listener of this.byScope.get(scope) ?? []) {
        try {
          listener(alert);
        } catch (error) {
          this.onListenerError(error);
        }
      }
    }
  }

  count(): number {
    let count = 0;
    for (const set of this.byScope.values()) count += set.size;
    return count;
  }

  clear(): void {
    this.byScope.clear();
  }
}
