import type { AppConfig } from '../config';

/**
 * The start-up line: where the service answers, and in development where the order-entry test page is.
 * An address bound to every interface (0.0.0.0, ::) or to loopback is written as localhost, which a
 * browser on this machine opens.
 */
export function listeningLine(config: Pick<AppConfig, 'host' | 'env'>, port: number): string {
  const host = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const base = `http://${host}:${port}`;
  const sandbox = config.env === 'production' ? '' : `; order-entry test page: ${base}/sandbox`;
  const reach = config.host === '127.0.0.1' || config.host === '::1' ? ' (this machine only; set HOST=0.0.0.0 to listen on the network)' : '';
  return `facet-cds listening on ${base}/cds-services${sandbox}${reach}`;
}
