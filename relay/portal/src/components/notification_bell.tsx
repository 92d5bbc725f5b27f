// The header's bell: how many notifications the user has not read, polled,
// and a link to the list. The count refreshes when the list marks some read.
import { useEffect } from 'preact/hooks';
import { UnreadCount } from '../api';
import { useApi } from '../hooks';

const kChanged = 'cs-notifications-changed';

// Tells the bell to count again (after marking read or acknowledging).
export function notificationsChanged() {
  window.dispatchEvent(new Event(kChanged));
}

export function NotificationBell() {
  const count = useApi<UnreadCount>('/notifications/unread-count', 15_000);
  useEffect(() => {
    const again = () => count.reload();
    window.addEventListener(kChanged, again);
    return () => window.removeEventListener(kChanged, again);
  }, [count.reload]);
  const n = count.data?.unread ?? 0;
  const shown = count.data?.capped ? `${n}+` : String(n);
  return (
    <a href="/notifications" class="bell" aria-label={n ? `Notifications: ${shown} unread` : 'Notifications: none unread'} data-unread={n}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {n > 0 && <span class="bell-count">{shown}</span>}
    </a>
  );
}
