/** `metro run --dry-run`: the plan as people read it (every hook in run order with its commands). */
import { shellLine } from '../../util/shell.js';
import { outputEnv, type RunPlan, type RunStep } from './plan.js';

export function formatRunPlan(p: RunPlan): string {
  const f = p.flags;
  const lines = [
    `metro run: job ${p.job} (${p.specfile})`,
    `  workspace  ${p.workspace}`,
    `  rootfs     ${p.rootfs}${f.cleanup && !f.resume ? ' (wiped first, removed after success: --cleanup)' : ' (reused)'}`,
    `  logs       ${p.logDir}/<hook>.log`,
    `  executor   ${f.executor === 'builtin' ? 'builtin (private mount and pid namespace, chroot)' : 'fchroot'}`,
    ...p.binds.map((b) => `  bind       ${b.source} -> ${b.target}`),
    '  environment (over the host\'s):',
    ...Object.entries(p.env).map(([k, v]) => `    ${shellLine([], { [k]: v })}`),
    `steps${f.resume ? ' (--resume skips those a previous run completed unchanged)' : ''}:`,
    ...p.steps.flatMap((s, i) => [`  ${i + 1}. ${s.id}`, ...stepLines(p, s).map((l) => `       ${l}`)]),
  ];
  if (!p.steps.length) lines.push('  (none: every phase is skipped)');
  return `${lines.join('\n')}\n`;
}

function stepLines(p: RunPlan, s: RunStep): string[] {
  switch (s.kind) {
    case 'hook': {
      const h = s.hook;
      const where = h.type === 'inner-chroot' ? `in the chroot${h.binds.length ? `, binds ${h.binds.map((b) => `${b.source}:${b.target}`).join(' ')}` : ''}` : `on the host, in ${p.cwd}`;
      const extra = h.type === 'outer-post-output' ? [`with ${shellLine([], outputEnv(p.output))}`] : [];
      return [`${h.type} "${h.name}" from ${h.file}, ${where}`, ...extra, ...h.commands.map((c) => `$ ${shellLine([...h.entrypoint, c])}`)];
    }
    case 'source':
      return s.source.type === 'http'
        ? [`download ${s.source.uri}`, `  to ${s.source.target}${s.source.checksum ? ` (checked: ${s.source.checksum})` : ''}`, `  extract into ${p.rootfs}`]
        : s.source.commands.map((argv) => `$ ${shellLine(argv)}`);
    case 'pack':
      return [`tar of ${p.rootfs} -> ${s.output.path}`, `  with ${s.output.name}.DIGESTS and ${s.output.name}.CONTENTS.gz`];
  }
}
