/** Injection tokens shared by every app (symbols: no Nest import needed to refer to them). */
export const APP_CONFIG = Symbol.for('cvf.AppConfig');
export const PG_POOL = Symbol.for('cvf.PgPool');
export { EVENT_STORE } from '@cvf/event-store';
