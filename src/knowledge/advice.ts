/**
 * Advice sentences in the user's configuration words, built from the knowledge table.
 * The rule behind keep-alive advice (RFC 9112 §9.3, §9.6): either side may close an idle
 * persistent connection at any time, so the side that REUSES connections must give
 * them up before the side that CLOSES them does: client idle timeout < server idle timeout.
 */
import { fmtConfigS } from '../detect/common/format.js';
import type { Software } from './servers.js';
import { SOFTWARE } from './servers.js';

const CLIENT_EXAMPLES = ['nginx', 'envoy', 'haproxy', 'go', 'node'];

/** "nginx: keepalive_timeout in the upstream block (default 60 s); Envoy: ...". */
function clientIdleList(below: number): string {
  const target = below > 1 ? `${fmtConfigS(Math.max(0.5, Math.floor((below * 0.8) * 2) / 2))}` : `${fmtConfigS(below / 2)}`;
  const parts = SOFTWARE.filter((s) => CLIENT_EXAMPLES.includes(s.id) && s.clientIdleTimeout).map((s) => {
    const st = s.clientIdleTimeout!;
    return `${s.name} ${st.name}${st.default !== null ? ` (default ${fmtConfigS(st.default)})` : ''}`;
  });
  return `e.g. ${target}: ${parts.join('; ')}`;
}

function serverIdleWords(guess: Software[]): string {
  const list = guess.filter((s) => s.idleTimeout);
  if (list.length === 0) return "the server's keep-alive idle timeout";
  return list.map((s) => `${s.name} ${s.idleTimeout!.name}`).join(' / ');
}

/** Advice for a server that closes idle connections the client still reuses. */
export function idleTimeoutAdvice(serverTimeoutS: number, guess: Software[], failures: number): string {
  const srcs = guess.map((s) => s.idleTimeout?.source).filter(Boolean);
  let a = `Make the client give up idle connections before the server closes them: set the client's (proxy's) keep-alive idle timeout below ${fmtConfigS(serverTimeoutS)} (${clientIdleList(serverTimeoutS)}), ` +
    `or raise ${serverIdleWords(guess)} above the client's idle timeout.`;
  if (srcs.length) a += ` See ${srcs.join(' , ')}.`;
  if (failures > 0) a += ` This would have avoided ${failures} failed request${failures === 1 ? '' : 's'} in this capture.`;
  return a;
}

/** Advice for a per-connection request cap the client races into. */
export function requestCapAdvice(n: number, guess: Software[], raced: number, announced: boolean): string {
  const words = guess.filter((s) => s.requestCap).map((s) => `${s.name} ${s.requestCap!.name}`);
  const clientCaps = SOFTWARE.filter((s) => s.clientRequestCap).map((s) => `${s.name} ${s.clientRequestCap!.name}`);
  let a = `The server closes a keep-alive connection after ${n} requests${words.length ? ` (${words.join(' / ')})` : ''}. `;
  a += announced
    ? 'It announces it with Connection: close on the last response: the client must not send another request on that connection. '
    : 'It does not announce it (no Connection: close), so a client cannot know: announce it, raise the cap, or make the client retire connections earlier ' +
      `(${clientCaps.join('; ')}) and retry idempotent requests. `;
  if (raced > 0) a += `This would have avoided ${raced} failed request${raced === 1 ? '' : 's'} in this capture.`;
  return a.trim();
}

/** Advice for a request timeout; `closer` says whose timeout fired. */
export function requestTimeoutAdvice(timeoutS: number, closer: 'client' | 'server', guess: Software[]): string {
  const t = fmtConfigS(timeoutS);
  if (closer === 'client') {
    const list = SOFTWARE.filter((s) => s.clientRequestTimeout).slice(0, 4)
      .map((s) => `${s.name} ${s.clientRequestTimeout!.name}${s.clientRequestTimeout!.default !== null ? ` (default ${fmtConfigS(s.clientRequestTimeout!.default)})` : ''}`);
    return `The client (or proxy) gave up after ${t} without a response: find why the server takes that long, or raise the client's response timeout (${list.join('; ')}).`;
  }
  const words = guess.filter((s) => s.requestTimeout).map((s) => `${s.name} ${s.requestTimeout!.name}${s.requestTimeout!.default !== null ? ` (default ${fmtConfigS(s.requestTimeout!.default)})` : ''}`);
  return `The server aborted requests it had not answered after ${t}${words.length ? ` (${words.join(' / ')})` : ''}: find why those requests take that long, or raise the server's request timeout (and keep the proxy's response timeout above it).`;
}
