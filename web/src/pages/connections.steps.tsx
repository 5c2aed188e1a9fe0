/**
 * The set-up steps per platform, condensed from docs/connect-power-automate.md, connect-n8n.md and
 * connect-node-red.md, with this server's address filled in.
 */
import type { JSX } from 'preact';

export type Platform = 'powerautomate' | 'n8n' | 'nodered';

export function connectorSteps(platform: Platform, origin: string): JSX.Element {
  const api = `${origin}/v1/instances/default`;
  switch (platform) {
    case 'powerautomate':
      return (
        <ol class="steps">
          <li>
            The package <code>tributary-connector.zip</code> is downloading (
            <a href="/v1/connector/powerautomate" download="tributary-connector.zip">
              download again
            </a>
            ). Its definition names this host, <code>{origin}</code>: the platform must reach it
            over HTTPS (a reverse proxy or an on-premises data gateway); otherwise download it
            through the public host.
          </li>
          <li>
            Power Automate →{' '}
            <strong>
              Data → Custom connectors → New custom connector → Import an OpenAPI file
            </strong>
            , pick <code>apiDefinition.swagger.json</code>; on <strong>General</strong> upload{' '}
            <code>icon.png</code>. Security is already set (API key, header{' '}
            <code>Ocp-Apim-Subscription-Key</code>). Select <strong>Create connector</strong>. With
            the CLI:{' '}
            <code>
              paconn create --api-def apiDefinition.swagger.json --api-prop apiProperties.json
              --icon icon.png
            </code>
            .
          </li>
          <li>
            Create a key below (scopes read, write, subscribe) and paste it as <em>API Key</em> when
            a flow asks for a <strong>New connection</strong>. It allows 100 calls per minute; Power
            Automate's retry policy honours the 429 answer beyond that.
          </li>
          <li>
            Use the triggers (<em>When a data source refresh fails</em>,{' '}
            <em>When a segment crosses a threshold</em>, …) and actions (
            <em>Get items from an entity</em>, <em>Update item</em>, …). Saving a flow subscribes
            it; it shows up under Subscriptions.
          </li>
        </ol>
      );
    case 'n8n':
      return (
        <ol class="steps">
          <li>
            Create a key below and add an n8n <strong>Header Auth</strong> credential: name{' '}
            <code>Ocp-Apim-Subscription-Key</code>, value the key.
          </li>
          <li>
            Add a <strong>Webhook</strong> node (POST) and register its production URL once with an{' '}
            <strong>HTTP Request</strong> node: POST <code>{api}/subscriptions</code>, body{' '}
            <code>{'{"event": "datasource.refresh.failed", "url": "<webhook url>"}'}</code>. DELETE
            the returned <code>Location</code> to unsubscribe.
          </li>
          <li>
            Read customers with an HTTP Request node: GET <code>{api}/data/Customer</code> with{' '}
            <code>$filter</code>, <code>$select</code>, <code>$top</code>, and pagination “Response
            contains next URL” from <code>{'{{ $response.body["@odata.nextLink"] }}'}</code>.
          </li>
          <li>
            Write with PATCH <code>…/data/Customer/{'{id}'}</code> or POST{' '}
            <code>…/data/UnifiedActivity</code>; verify deliveries' <code>webhook-signature</code>{' '}
            with the subscription's secret in a Code node.
          </li>
        </ol>
      );
    case 'nodered':
      return (
        <ol class="steps">
          <li>
            Add an <strong>http in</strong> node (POST, <code>/tributary/events</code>) wired to
            your logic and to an <strong>http response</strong> node with status 200 (anything else
            is retried).
          </li>
          <li>
            Create a key below and subscribe once: POST <code>{api}/subscriptions</code> with{' '}
            <code>
              {
                '{"event": "segment.threshold.crossed", "segment": "vip", "threshold": 1000, "url": "http://node-red:1880/tributary/events"}'
              }
            </code>{' '}
            and the header <code>Authorization: Bearer &lt;key&gt;</code>. A private address needs
            the server's <code>TRIBUTARY_ALLOW_PRIVATE_TARGETS</code>.
          </li>
          <li>
            Page through customers with an <strong>http request</strong> node on{' '}
            <code>{api}/data/Customer?$top=100</code>, following{' '}
            <code>msg.payload['@odata.nextLink']</code>; a <strong>delay</strong> node at 1 msg/s
            keeps a long loop under the 100 calls per minute.
          </li>
        </ol>
      );
  }
}
