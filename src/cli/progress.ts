/**
 * Progress for long work: bars on a terminal, one plain line per step otherwise (logs, CI).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(label: string, total: number, unit: string): void;
  update(done: number, note?: string): void;
  stop(): void;
  line(text: string): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      start(label, total, unit) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          {
            format: `${label.padEnd(18)} [{bar}] {value}/{total} ${unit} {note}`,
            stream,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { note: '' });
      },
      update(done, note = '') {
        bar?.update(done, { note });
      },
      stop() {
        bar?.stop();
        bar = undefined;
      },
      line(text) {
        stream.write(`${text}\n`);
      },
    };
  }
  let current = '';
  let total = 0;
  let unit = '';
  let last = -1;
  return {
    start(label, t, u) {
      current = label;
      total = t;
      unit = u;
      last = -1;
    },
    update(done, note = '') {
      if (done === last) return;
      last = done;
      stream.write(`${current}: ${done}/${total} ${unit}${note ? ` ${note}` : ''}\n`);
    },
    stop() {},
    line(text) {
      stream.write(`${text}\n`);
    },
  };
}
