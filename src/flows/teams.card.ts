/**
 * The Teams payloads. A Teams Workflows webhook ("Post to a channel when a webhook request is
 * received") takes a message whose attachment is an Adaptive Card (schema 1.4: a title, text, a
 * FactSet and an OpenUrl button back to the console). The legacy Office 365 connector format is
 * the MessageCard. Both are built as objects and serialized once, so values are JSON-escaped.
 */
export interface CardParts {
  title: string;
  text: string;
  facts: { name: string; value: string }[];
  link: string;
  linkTitle: string;
}

export function buildAdaptiveCard(p: CardParts): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: p.title, weight: 'Bolder', size: 'Medium', wrap: true },
  ];
  if (p.text.trim() !== '') body.push({ type: 'TextBlock', text: p.text, wrap: true });
  if (p.facts.length > 0) {
    body.push({ type: 'FactSet', facts: p.facts.map((f) => ({ title: f.name, value: f.value })) });
  }
  const card = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body,
    ...(p.link.trim() !== '' && {
      actions: [{ type: 'Action.OpenUrl', title: p.linkTitle, url: p.link }],
    }),
  };
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

export function buildMessageCard(p: CardParts): Record<string, unknown> {
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: p.title,
    title: p.title,
    sections: [
      {
        ...(p.text.trim() !== '' && { text: p.text }),
        facts: p.facts.map((f) => ({ name: f.name, value: f.value })),
      },
    ],
    ...(p.link.trim() !== '' && {
      potentialAction: [
        { '@type': 'OpenUri', name: p.linkTitle, targets: [{ os: 'default', uri: p.link }] },
      ],
    }),
  };
}
