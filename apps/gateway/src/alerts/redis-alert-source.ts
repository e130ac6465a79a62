import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { CACHE_OPTIONS, type CacheOptions, closeRedis, logErrors, parseAlert } from '@cvf/cache';
import { Redis } from 'ioredis';
import { type AlertListener, AlertListeners, type AlertScope } from './alert-listeners';
import { type AlertSource, type AlertSubscription } from './alert-source.port';

/**
 * The Redis pub/sub adapter: ONE dedicated subscriber connection per process (a connection
 * in subscribe mode can issue no other command), opened on the first stream and shared by
 * every stream of every company; each message is fanned out in-process to the listeners of
 * its company. ioredis re-subscribes after a reconnect; pub/sub keeps nothing, so alerts
 * published while the link was down are not heard live, but they are in the alert log: a
 * stream sends them when the next alert nudges it to read the log, or on reconnect.
 */
@Injectable()
export class RedisAlertSource implements AlertSource, OnApplicationShutdown {
  private readonly logger = new Logger(RedisAlertSource.name);
  private readonly listeners = new AlertListeners((error) =>
    this.logger.warn(`alert listener failed: ${String(error)}`),
  );
  private connection: Redis | null = null;
  private subscribed: Promise<void> | null = null;

  constructor(@Inject(CACHE_OPTIONS) private readonly options: CacheOptions) {}

  async subscribe(scope: AlertScope, listener: AlertListener): Promise<AlertSubscription> {
    const close = this.listeners.add(scope, listener);
    try {
      await this.ensureSubscribed();
    } catch (error) {
      close();
      throw error;
    }
    return { close };
  }

  /** Number of open listeners (for tests and readiness detail). */
  listenerCount(): number {
    return this.listeners.count();
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    if (this.connection) await closeRedis(this.connection);
    this.connection = null;
    this.subscribed = null;
  }

  private ensureSubscribed(): Promise<void> {
    this.subscribed ??= this.connect().catch((error: unknown) => {
      // The next stream tries again rather than inheriting a failed connection.
      this.subscribed = null;
      throw error;
    });
    return this.subscribed;
  }

  private async connect(): Promise<void> {
    const channel = this.options.alertsChannel;
    const redis = new Redis(this.options.redisUrl, {
      connectionName: 'cvf-gateway-alerts',
      lazyConnect: true,
      // Blocking in subscribe mode is the point; retry reconnects forever.
      maxRetriesPerRequest: null,
    });
    logErrors(redis, 'gateway alerts subscriber', (message) => this.logger.warn(message));
    redis.on('message', (from: string, message: string) => {
      if (from === channel) this.dispatch(message);
    });
    try {
      await redis.connect();
      await redis.subscribe(channel);
    } catch (error) {
      redis.disconnect();
      throw error;
    }
    this.connection = redis;
  }

  private dispatch(message: string): void {
    const alert = parseAlert(message);
    if (!alert) {
      this.logger.warn(`ignored a message on ${this.options.alertsChannel} that is not an alert`);
      return;
    }
    this.listeners.dispatch(alert);
  }
}
