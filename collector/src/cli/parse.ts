/** argv + environment -> a checked CollectorConfig, or a UsageError saying which setting is wrong. */
import { parseArgs } from 'node:util';
import { ConfigError, normalizeConfig, type CollectorConfig } from '../config.js';
import { ENV_ONLY, OPTIONS, type Draft } from './options.js';
import { UsageError } from './values.js';

export type ParsedCli = { help: true } | { help: false; config: CollectorConfig };

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCli {
  const spec: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
  };
  for (const o of OPTIONS) {
    spec[o.flag] = { type: o.value ? 'string' : 'boolean', ...(o.multiple && { multiple: true }) };
    if (!o.value) spec[`no-${o.flag}`] = { type: 'boolean' };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: spec,
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };

  const draft: Draft = {};
  for (const o of OPTIONS) {
    const flag = values[o.flag];
    const negated = values[`no-${o.flag}`];
    if (Array.isArray(flag)) for (const v of flag) o.apply(String(v), draft, `--${o.flag}`);
    else if (typeof flag === 'string') o.apply(flag, draft, `--${o.flag}`);
    else if (flag === true) o.apply('true', draft, `--${o.flag}`);
    else if (negated === true) o.apply('false', draft, `--no-${o.flag}`);
    else if (o.env && env[o.env] !== undefined && env[o.env] !== '') {
      o.apply(env[o.env]!, draft, o.env);
    }
  }
  for (const e of ENV_ONLY) {
    const raw = env[e.env];
    if (raw !== undefined && raw !== '') e.apply(raw, draft);
  }
  const { tlsCert, tlsKey, tokens, ...rest } = draft;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together: give both or neither');
  }
  try {
    const config = normalizeConfig({
      ...rest,
      ...(tokens ? { authTokens: tokens } : {}),
      ...(tlsCert !== undefined && tlsKey !== undefined
        ? { tls: { cert: tlsCert, key: tlsKey } }
        : {}),
    });
    return { help: false, config };
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}
