/**
 * The signed-in session: the API key lives in sessionStorage (gone when the tab closes, never in
 * localStorage or a cookie) and in a signal the app renders from.
 */
import { signal } from '@preact/signals';

const storageKey = 'tributary.apiKey';

export interface Session {
  key: string | null;
  /** Why the user was signed out, shown on the sign-in page. */
  notice: string | null;
}

function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

export const session = signal<Session>({ key: readStoredKey(), notice: null });

export function signIn(key: string): void {
  sessionStorage.setItem(storageKey, key);
  session.value = { key, notice: null };
}

export function signOut(notice: string | null = null): void {
  sessionStorage.removeItem(storageKey);
  session.value = { key: null, notice };
}
