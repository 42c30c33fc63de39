import { TradewatchError } from '@tradewatch/models';

/** QuestDB did not apply written rows in time, or suspended a table's WAL. */
export class WalApplyError extends TradewatchError {
  readonly code = 'wal_apply_failed';
}

/** A generated dashboard or alert rule is inconsistent (an unknown panel, a non-counter column…). */
export class DefinitionError extends TradewatchError {
  readonly code = 'definition_invalid';
}
