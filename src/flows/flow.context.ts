/**
 * What a flow's condition and templates read: the event envelope plus `flow.name` and
 * `links.console`, the console page of what the event is about (built from the public url).
 */
export interface FlowEnvelope {
  id: string;
  type: string;
  timestamp: string;
  instance: string;
  data: Record<string, unknown>;
}

export type FlowContext = FlowEnvelope & { flow: { name: string }; links: { console: string } };

function consolePath(e: FlowEnvelope): string[] {
  const d = e.data;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  if (e.type.startsWith('datasource.') && text(d.source)) return ['sources', text(d.source)!];
  if (e.type === 'segment.threshold.crossed' && text(d.segment)) {
    return ['segments', text(d.segment)!];
  }
  if (e.type === 'measure.threshold.crossed' && text(d.measure)) {
    return ['measures', text(d.measure)!];
  }
  if (text(d.jobId)) return ['jobs', text(d.jobId)!];
  if (e.type === 'subscription.disabled') return ['flows'];
  return [];
}

export function buildContext(e: FlowEnvelope, flowName: string, publicUrl: string): FlowContext {
  const hash = [e.instance, ...consolePath(e)].map((s) => encodeURIComponent(s)).join('/');
  return { ...e, flow: { name: flowName }, links: { console: `${publicUrl}/#/${hash}` } };
}
