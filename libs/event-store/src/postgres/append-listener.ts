import type { Notification, Pool, PoolClient } from 'pg';

const RECONNECT_DELAY_MS = 1_000;

/**
 * LISTENs on the append channel with one pooled connection and calls `wake` on every
 * notification. Notifications only make live delivery quick; correctness never depends on
 * them (the subscription polls too), so a lost connection is reported and re-established in
 * the background rather than failing the subscription.
 */
export function listenForAppends(
  pool: Pool,
  channel: string,
  wake: () => void,
  onError: (error: unknown) => void,
): { close(): Promise<void> } {
  let client: PoolClient | null = null;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;

  const onNotification = (message: Notification): void => {
    if (message.channel === channel) wake();
  };

  const scheduleReconnect = (): void => {
    if (!closed && retryTimer === null) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        void connect();
      }, RECONNECT_DELAY_MS);
    }
  };

  const released = new WeakSet<PoolClient>();
  // Destroyed, not returned: a pooled connection must not keep listening for its next user.
  const discard = (connection: PoolClient): void => {
    if (client === connection) client = null;
    if (released.has(connection)) return;
    released.add(connection);
    connection.release(true);
  };

  const connect = async (): Promise<void> => {
    let connection: PoolClient | null = null;
    try {
      connection = await pool.connect();
      const current = connection;
      current.on('notification', onNotification);
      current.on('error', (error) => {
        if (released.has(current)) return;
        onError(error);
        discard(current);
        scheduleReconnect();
      });
      await current.query(`LISTEN ${channel}`);
      if (closed) return discard(current);
      client = current;
      // Whatever was appended while nobody listened is found by the read this triggers.
      wake();
    } catch (error) {
      onError(error);
      if (connection) discard(connection);
      scheduleReconnect();
    }
  };

  const connecting = connect();

  return {
    close: async () => {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      await connecting;
      if (client) discard(client);
    },
  };
}
