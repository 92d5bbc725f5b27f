// Settings: send a signed test delivery to the saved webhook and say what
// happened (delivered, or the receiver's or the network's answer).
import { useState } from 'preact/hooks';
import { post, WebhookTestResult } from '../api';
import { ActionButton, Notice } from './ui';

export function WebhookTestButton() {
  const [result, setResult] = useState<WebhookTestResult | null>(null);
  return (
    <div class="webhook-test" data-testid="webhook-test">
      <ActionButton
        onClick={async () => {
          setResult(null);
          setResult(await post<WebhookTestResult>('/settings/webhook-test', {}));
        }}
      >
        Send test
      </ActionButton>
      {result && (
        <Notice tone={result.delivered ? 'good' : 'bad'}>
          <span data-delivered={result.delivered ? 'true' : 'false'}>
            {result.delivered ? `Test delivery ${result.delivery_id} was accepted by the webhook.` : `Test delivery ${result.delivery_id} failed: ${result.error}`}
          </span>
        </Notice>
      )}
    </div>
  );
}
