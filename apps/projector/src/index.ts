// What an all-in-one process (or the CLI) reuses from the projector.
export { ProjectorModule, ProjectorAppModule } from './projector.module';
export { ProjectorService } from './projector.service';
export { ProjectorHealthController } from './health.controller';
export {
  PROJECTION_EVENT_SOURCE,
  PROJECTOR_SETTINGS,
  type ProjectorModuleOptions,
  type ProjectorSettings,
} from './projector.options';
export {
  eventStoreSource,
  type ProjectionEventSource,
  type ProjectionSubscription,
} from './event-source.port';
export { runRebuildCommand } from './rebuild-command';
