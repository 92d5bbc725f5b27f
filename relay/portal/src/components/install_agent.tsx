// After a site is created: everything customer IT needs to install its agent,
// for Windows (the MSI) and Linux (the .deb), with this relay's address and the
// site key, which is shown only here and only once.
import { useState } from 'preact/hooks';
import { useSession } from '../session';
import { CopyButton, SecretReveal } from './ui';

// The address agents connect to: the relay serves the portal and agents on
// one listener, so it is the page's own host.
export function agentRelayUrl(): string {
  return `wss://${window.location.host}/v1/agent`;
}

function CopyBlock({ label, text }: { label: string; text: string }) {
  return (
    <div class="copy-block">
      <pre aria-label={label}>
        <code>{text}</code>
      </pre>
      <CopyButton text={text} />
    </div>
  );
}

export function InstallAgent({ siteName, siteKey }: { siteName: string; siteKey: string }) {
  const { me } = useSession();
  const [os, setOs] = useState<'windows' | 'linux'>('windows');
  const release = me?.release || '<version>';
  const url = agentRelayUrl();
  // The key file sits in the administrator's own profile, which other users
  // cannot read, and is deleted once the installer has sealed the key.
  const windows = [
    'notepad %USERPROFILE%\\site.key',
    `msiexec /i contractsync-agent-${release}-x64.msi /qn /l*v install.log ^`,
    `        RELAY_URL=${url} ^`,
    '        SITE_KEY_FILE=%USERPROFILE%\\site.key',
    'del %USERPROFILE%\\site.key',
  ].join('\n');
  const linux = [
    `sudo apt install ./contractsync-agent_${release}-1_amd64.deb`,
    `sudo sed -i 's|wss://relay.example.com/v1/agent|${url}|' /etc/contractsync/agent.json`,
    'sudo contractsync-agent secret set site_key --config /etc/contractsync/agent.json',
    'sudo systemctl start contractsync-agent',
  ].join('\n');
  return (
    <div class="install-agent" data-testid="install-agent">
      <p>
        <strong>{siteName}</strong> is ready. Install the agent on the server beside Prophet 21 with the lines below (an elevated prompt on Windows). The site shows
        online here within seconds of the agent starting; until then the fleet shows it as waiting for its first connection.
      </p>
      <dl class="kv">
        <dt>Relay URL</dt>
        <dd>
          <code data-testid="relay-url">{url}</code>
        </dd>
      </dl>
      <SecretReveal label="Site key" secret={siteKey} note="The site key is shown only once. Keep it out of command lines and tickets: the installer reads it from a file, the Linux agent from a prompt. If it is lost, rotate the key on the site's page." />
      <fieldset class="os-choice">
        <legend>Server</legend>
        <label>
          <input type="radio" name="install-os" checked={os === 'windows'} onChange={() => setOs('windows')} /> Windows Server
        </label>
        <label>
          <input type="radio" name="install-os" checked={os === 'linux'} onChange={() => setOs('linux')} /> Linux (Debian 12)
        </label>
      </fieldset>
      {os === 'windows' ? (
        <>
          <p class="small">In an elevated Command Prompt, in the folder that holds the MSI: Notepad opens first; paste the site key, save and close it, then run the rest.</p>
          <CopyBlock label="Windows install commands" text={windows} />
        </>
      ) : (
        <>
          <p class="small">On the server, in the folder that holds the package; <code>secret set</code> asks for the site key without echoing it.</p>
          <CopyBlock label="Linux install commands" text={linux} />
        </>
      )}
      <p class="muted small">
        The sources and entities to read are set in <code>agent.json</code> on that server (docs/install-windows.md, docs/install-linux.md).
      </p>
    </div>
  );
}
