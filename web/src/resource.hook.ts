/**
 * Loads data from the API for a component, optionally polling. Polling pauses while the tab is
 * hidden and stops when the component goes away; an error keeps the last data on screen.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

export interface ResourceOptions<T> {
  /** Milliseconds until the next load after this result, or null to stop polling. */
  pollMs?: (data: T | undefined) => number | null;
}

export function useResource<T>(
  load: () => Promise<T>,
  deps: unknown[],
  options: ResourceOptions<T> = {},
): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined }>({
    data: undefined,
    error: undefined,
  });
  const [loading, setLoading] = useState(true);
  const latest = useRef({ load, options });
  latest.current = { load, options };
  const trigger = useRef<() => void>(() => undefined);
  const lastData = useRef<T | undefined>(undefined);

  // A layout effect starts the first request right after the first render, not after a paint.
  useLayoutEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    lastData.current = undefined;
    setState({ data: undefined, error: undefined });
    setLoading(true);

    const schedule = (data: T | undefined): void => {
      const ms = latest.current.options.pollMs?.(data) ?? null;
      if (ms !== null) timer = window.setTimeout(() => void run(), ms);
    };
    const run = async (): Promise<void> => {
      window.clearTimeout(timer);
      if (document.hidden && lastData.current !== undefined) {
        schedule(lastData.current);
        return;
      }
      let data: T | undefined;
      try {
        data = await latest.current.load();
        if (stopped) return;
        lastData.current = data;
        setState({ data, error: undefined });
      } catch (e) {
        if (stopped) return;
        setState((s) => ({ data: s.data, error: e instanceof Error ? e : new Error(String(e)) }));
      }
      setLoading(false);
      schedule(data ?? lastData.current);
    };
    trigger.current = () => void run();
    void run();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // The caller's deps decide when to start over; load and options are read fresh each run.
  }, deps);

  const reload = useCallback(() => trigger.current(), []);
  return { ...state, loading, reload };
}
