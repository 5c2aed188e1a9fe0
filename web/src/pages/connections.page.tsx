/**
 * Connections: API keys (create shows the secret once, with a copy button; revoke) and tiles for
 * Power Automate (its "Set up" downloads the connector package), n8n and Node-RED with their steps.
 */
import { useState } from 'preact/hooks';
import { PageHeader } from '../components/states.view';
import { Keys } from './connections.keys';
import { connectorSteps, type Platform } from './connections.steps';

const tiles: { platform: Platform; title: string; blurb: string }[] = [
  {
    platform: 'powerautomate',
    title: 'Power Automate',
    blurb: 'A custom connector: ten actions and a trigger per event. Also for Logic Apps.',
  },
  { platform: 'n8n', title: 'n8n', blurb: 'Webhook and HTTP Request nodes; no community node.' },
  { platform: 'nodered', title: 'Node-RED', blurb: 'The core http in and http request nodes.' },
];

function PlatformTiles() {
  const [open, setOpen] = useState<Platform | null>(null);
  const origin = window.location.origin;
  return (
    <>
      <ul class="tile-grid">
        {tiles.map((t) => (
          <li key={t.platform} class={`tile${open === t.platform ? ' is-open' : ''}`}>
            <h3>{t.title}</h3>
            <p class="muted small">{t.blurb}</p>
            {t.platform === 'powerautomate' ? (
              <a
                class="button button-primary"
                href="/v1/connector/powerautomate"
                download="tributary-connector.zip"
                aria-describedby="pa-download-note"
                onClick={() => setOpen(t.platform)}
              >
                Set up
              </a>
            ) : (
              <button
                type="button"
                class="button"
                aria-expanded={open === t.platform}
                aria-controls="setup-steps"
                onClick={() => setOpen(open === t.platform ? null : t.platform)}
              >
                Set up
              </button>
            )}
          </li>
        ))}
      </ul>
      <p id="pa-download-note" class="sr-only">
        Downloads the connector package and shows the steps
      </p>
      {open && (
        <section
          class="setup-steps"
          id="setup-steps"
          aria-labelledby="steps-title"
          data-testid="setup-steps"
        >
          <div class="panel-head">
            <h3 id="steps-title" class="subhead">
              Set up {tiles.find((t) => t.platform === open)?.title}
            </h3>
            <button
              type="button"
              class="button button-small button-quiet"
              onClick={() => setOpen(null)}
            >
              Close
            </button>
          </div>
          {connectorSteps(open, origin)}
        </section>
      )}
    </>
  );
}

export function ConnectionsPage() {
  return (
    <>
      <PageHeader
        title="Connections"
        subtitle="Keys for the platforms that read, write and subscribe, and how to connect each."
      />
      <section class="panel" aria-labelledby="platforms-title">
        <h2 id="platforms-title" class="panel-title">
          Platforms
        </h2>
        <PlatformTiles />
      </section>
      <section class="panel" aria-labelledby="keys-title">
        <h2 id="keys-title" class="panel-title">
          API keys
        </h2>
        <Keys />
      </section>
    </>
  );
}
