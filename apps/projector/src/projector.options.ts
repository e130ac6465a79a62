import { type FactoryProvider, type ValueProvider } from '@nestjs/common';
import { type ProjectionEventSource } from './event-source.port';

export interface ProjectorModuleOptions {
  /** The read-model schema; defaults to `read_model`. */
  readonly schema?: string;
  /** Where the log comes from; defaults to the event store's own subscription (EVENT_STORE). */
  readonly source?:
    | Omit<FactoryProvider<ProjectionEventSource>, 'provide'>
    | Omit<ValueProvider<ProjectionEventSource>, 'provide'>;
}

export interface ProjectorSettings {
  readonly schema: string;
}

export const PROJECTOR_SETTINGS = Symbol.for('cvf.projector.Settings');
export const PROJECTION_EVENT_SOURCE = Symbol.for('cvf.projector.EventSource');
