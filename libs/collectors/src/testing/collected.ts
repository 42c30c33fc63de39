import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// V8's full collection, exposed for tests that check what the ingest path keeps alive.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Whether nothing holds the targets of `refs` any more: waits for the current job to end (a
 * WeakRef keeps its target until then), then runs a full garbage collection.
 */
export async function allCollected(refs: readonly WeakRef<object>[]): Promise<boolean> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return refs.every((ref) => ref.deref() === undefined);
}
